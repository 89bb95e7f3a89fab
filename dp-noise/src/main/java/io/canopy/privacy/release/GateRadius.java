package io.canopy.privacy.release;

/**
 * The gate radius ρ of pass 2 and where it came from. ρ must be public: a plan-time constant, or a function of
 * earlier DP releases (post-processing). <b>Heuristic:</b> no choice of ρ is proven good for accuracy. Too tight
 * and honest leaves fail the gate (W̃ falls, the update is rescaled by m_tot/W̃ and its noise with it, or the
 * round is not published); too loose and attackers inside ρ of v1 move the update by up to their share × ρ, and
 * Δ2 = τ·λ grows with it (τ ≤ ρ). Privacy holds for any public ρ.
 *
 * @param rho    ρ &gt; 0, in the units of the updates
 * @param source one line for operators, e.g. "plan-time constant 0.7·C"
 */
public record GateRadius(double rho, String source) {

    /** The plan-time default ρ = 0.7·C (the note's predicted figures use it). */
    public static final double DEFAULT_FRACTION_OF_CLIP = 0.7;

    public GateRadius {
        ClusterPasses.requirePositive(rho, "gate radius rho");
    }

    /** ρ = fraction·C, fixed when the plan is made. */
    public static GateRadius planConstant(final double fractionOfClip, final double clip) {
        return new GateRadius(fractionOfClip * clip, "plan-time constant " + fractionOfClip + "·C (heuristic)");
    }

    /**
     * ρ = κ_ρ × a DP estimate of the median ‖x_i − v1‖ released earlier (κ_ρ ≈ 1.2–1.5 in the note), capped at
     * C (beyond C the gate admits what pass 1 could not and Δ2 exceeds Δ1/λ).
     *
     * @param kappa          κ_ρ &gt; 0
     * @param releasedMedian the DP-released median distance (public by post-processing)
     * @param releasedIn     where that estimate was released, e.g. "round 41"
     */
    public static GateRadius fromReleasedMedian(final double kappa, final double releasedMedian, final double clip,
                                                final String releasedIn) {
        ClusterPasses.requirePositive(kappa, "kappa_rho");
        ClusterPasses.requirePositive(releasedMedian, "released median distance");
        final double rho = Math.min(clip, kappa * releasedMedian);
        return new GateRadius(rho, "kappa_rho=" + kappa + " x DP median distance " + releasedMedian + " released in "
            + releasedIn + (rho == clip ? ", capped at C" : "") + " (heuristic)");
    }
}
