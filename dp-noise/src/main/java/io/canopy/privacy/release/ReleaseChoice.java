package io.canopy.privacy.release;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Chooses the release regime from public parameters only, before the round: the two-pass gated release when its
 * centre is precise enough to gate with, DP-FedAvg's fixed-denominator mean otherwise.
 *
 * <p>Rule: the centre v1 = A1 + N(0, σ1²·I_d) misses the honest mean by about ‖N‖ ≈ σ1·√d = z1·C·λ·√d. A leaf at
 * distance r from the honest mean sits at about √(r² + ‖N‖²) from v1 (noise independent of the leaf), so once
 * ‖N‖ ≥ ρ the gate shuts on every honest leaf. We take two-pass iff z1·C·λ·√d ≤ {@value #MAX_CENTRE_NOISE}·ρ,
 * which keeps every honest leaf within ρ·√(1 − 0.5²) ≈ 0.87·ρ of the mean inside the gate. The threshold is a
 * heuristic about accuracy, not privacy: both regimes are private. Example: 10^4 leaves, q = 0.1, d = 5·10^4,
 * clusters of 100 (m_c = 10, K = M = 10, k2 = 1, λ = 1/800): z1·C·λ·√d = 3z·C·√(5·10^4)/800 ≈ 0.84·z·C, about C
 * already at z = 1.2, so the fixed-denominator mean; the default 10^7 plan (z = 6.8871, λ = 1.25·10^−6,
 * d = 10^6): 0.026·C against ρ = 0.7·C, so two-pass.
 *
 * @param regime        the choice
 * @param reason        one sentence with the numbers the decision used
 * @param centreNoise   z1·C·λ·√d, the centre's predicted noise norm
 * @param rho           ρ
 * @param threshold     {@value #MAX_CENTRE_NOISE}·ρ
 */
public record ReleaseChoice(Regime regime, String reason, double centreNoise, double rho, double threshold) {

    /** The largest centre noise norm, as a fraction of ρ, with which two-pass is chosen. */
    public static final double MAX_CENTRE_NOISE = 0.5;

    /** The two regimes. */
    public enum Regime {
        /** Two-pass gated centred clipping, {@link TwoPassRelease}. */
        TWO_PASS,
        /** DP-FedAvg's fixed-denominator mean, {@link FixedDenominatorMean}. */
        FIXED_DENOMINATOR
    }

    /**
     * Decides from public parameters.
     *
     * @param dimension   d
     * @param z           the round's multiplier z_eff
     * @param centreShare share of 1/z² for the centre pass (z1 = z/√share)
     * @param clip        C
     * @param rho         ρ
     * @param scale       the tree (m_c = q·N_c·(1 − p_drop), K, k2, M) giving λ
     */
    public static ReleaseChoice decide(final long dimension, final double z, final double centreShare, final double clip,
                                       final double rho, final TreeScale scale) {
        final double z1 = z / Math.sqrt(centreShare);
        final double noise = z1 * clip * scale.lambda() * Math.sqrt((double) dimension);
        final double threshold = MAX_CENTRE_NOISE * rho;
        final boolean twoPass = noise <= threshold;
        final String reason = "the centre's predicted noise norm z1*C*lambda*sqrt(d) = " + up(z1) + "*" + up(clip) + "*"
            + up(scale.lambda()) + "*sqrt(" + dimension + ") = " + up(noise) + (twoPass ? " is at most " : " exceeds ")
            + MAX_CENTRE_NOISE + "*rho = " + down(threshold) + ", so "
            + (twoPass ? "honest leaves stay inside the gate: two-pass gated release"
                : "its own noise would shut the gate on honest leaves: fixed-denominator mean (DP-FedAvg)");
        return new ReleaseChoice(twoPass ? Regime.TWO_PASS : Regime.FIXED_DENOMINATOR, reason, noise, rho, threshold);
    }

    // Five significant digits, noise rounded up and the threshold down: the sentence never flatters the choice.
    private static String up(final double x) {
        return new BigDecimal(x).round(new MathContext(5, RoundingMode.CEILING)).stripTrailingZeros().toString();
    }

    private static String down(final double x) {
        return new BigDecimal(x).round(new MathContext(5, RoundingMode.FLOOR)).stripTrailingZeros().toString();
    }
}
