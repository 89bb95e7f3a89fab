package io.canopy.privacy.release;

/**
 * The public parameters, sensitivities and global-side arithmetic of the two-pass gated centred-clipping release
 * (PRIVACY-AT-SCALE.md). Clusters run {@link ClusterPasses}, continents and the global {@link UpperTiers}; this
 * class says how much noise each pass gets and turns the noisy pass-2 release into the published update.
 *
 * <p><b>Sensitivities</b> (add or remove one leaf, every count public, λ from {@link TreeScale}):
 * <ul>
 *   <li>Pass 1: Δ1 = C·λ. Proof: Lemma G ({@link ClusterPasses}) with τ = C and centre v0 public moves one
 *       cluster's output by ≤ C/m_c; the continent trimmed mean and global mean multiply by
 *       1/(K − 2k2) and 1/M.</li>
 *   <li>Pass 2 with v1 released (public by post-processing): the vector (A2, s·τ·λ·W) moves by at most
 *       Δ2 = τ·λ·√(1 + s²). Proof: Lemma G moves A2 by ≤ τ·λ as above and W = Σ_c W_c by ≤ 1, so the scaled
 *       count coordinate by ≤ s·τ·λ; the two are orthogonal, so their norms add in squares.</li>
 * </ul>
 * Noise: σ_p = z_p·Δ_p with 1/z² = 1/z1² + 1/z2² ({@link ReleasePasses}); the accountant runs once a round with z.
 *
 * <p><b>Publication and the update</b> (post-processing of the two releases, so no flip term): the count is read
 * back as W̃ = ỹ/(s·τ·λ); the round is published iff W̃ ≥ W_min (a public fraction of m_tot); then
 * u = v1 + (Ã2 − v1)·r with r = m_tot/max(W̃, W_min), so r ∈ (0, m_tot/W_min]: the rescaling never amplifies
 * the noise by more than m_tot/W_min. (Ã2 − v1 estimates Σφ_i/m_tot, so r turns it into the mean over the
 * leaves that passed the gate.)
 *
 * @param clip        C, the pass-1 clip radius
 * @param gate        ρ and its source
 * @param tau         the pass-2 clip radius, 0 &lt; τ ≤ ρ (default τ = ρ)
 * @param countScale  s, the count coordinate's scale relative to τ·λ (the note's 0.1)
 * @param scale       the tree's λ and m_tot
 * @param passes      centre and update passes with z1, z2 and Δ1, Δ2
 * @param minCount    W_min
 */
public record TwoPassRelease(double clip, GateRadius gate, double tau, double countScale, TreeScale scale,
                             ReleasePasses passes, double minCount) {

    /** s: the note's count scaling, 0.1·τ·λ per counted leaf. */
    public static final double DEFAULT_COUNT_SCALE = 0.1;
    /** W_min = this × m_tot: publish only when at least half the planned contributions passed the gate. */
    public static final double DEFAULT_MIN_COUNT_FRACTION = 0.5;

    public TwoPassRelease {
        ClusterPasses.requirePositive(clip, "clip C");
        ClusterPasses.requirePositive(tau, "clip tau");
        if (!(tau <= gate.rho())) {
            throw new IllegalArgumentException("clip tau must be <= gate radius rho, got tau=" + tau + " rho=" + gate.rho());
        }
        ClusterPasses.requirePositive(countScale, "count scale s");
        ClusterPasses.requirePositive(minCount, "W_min");
        if (passes.passes().size() != 2) {
            throw new IllegalArgumentException("the two-pass release needs 2 passes, got " + passes.passes().size());
        }
    }

    /** Builds the release with the default centre share, count scale and W_min, τ = ρ. */
    public static TwoPassRelease of(final double clip, final GateRadius gate, final double z, final TreeScale scale) {
        return of(clip, gate, gate.rho(), z, ReleasePasses.DEFAULT_CENTRE_SHARE, DEFAULT_COUNT_SCALE, scale,
            DEFAULT_MIN_COUNT_FRACTION);
    }

    /**
     * Builds the release.
     *
     * @param z                the round's multiplier z_eff (calibrated for the target over T rounds at rate q)
     * @param centreShare      share of 1/z² for the centre pass (1/9: z1 = 3z)
     * @param minCountFraction W_min/m_tot, in (0, 1]
     */
    public static TwoPassRelease of(final double clip, final GateRadius gate, final double tau, final double z,
                                    final double centreShare, final double countScale, final TreeScale scale,
                                    final double minCountFraction) {
        if (!(minCountFraction > 0 && minCountFraction <= 1)) {
            throw new IllegalArgumentException("W_min fraction must be in (0, 1], got " + minCountFraction);
        }
        final double lambda = scale.lambda();
        final ReleasePasses passes = ReleasePasses.twoPass(z, centreShare, centreSensitivity(clip, lambda),
            updateSensitivity(tau, lambda, countScale));
        return new TwoPassRelease(clip, gate, tau, countScale, scale, passes, minCountFraction * scale.plannedTotal());
    }

    /** Δ1 = C·λ (class javadoc). */
    public static double centreSensitivity(final double clip, final double lambda) {
        return clip * lambda;
    }

    /** Δ2 = τ·λ·√(1 + s²) (class javadoc). */
    public static double updateSensitivity(final double tau, final double lambda, final double countScale) {
        return tau * lambda * Math.sqrt(1 + countScale * countScale);
    }

    public double lambda() {
        return scale.lambda();
    }

    public ReleasePasses.Pass centre() {
        return passes.passes().get(0);
    }

    public ReleasePasses.Pass update() {
        return passes.passes().get(1);
    }

    /** s·τ·λ: the value of one counted leaf in the count coordinate. */
    public double countUnit() {
        return countScale * tau * scale.lambda();
    }

    /** Standard deviation of W̃ in leaves: σ2/(s·τ·λ). */
    public double countSigma() {
        return update().sigma() / countUnit();
    }

    /** σ per coordinate of the published update when W̃ = w: σ2·m_tot/max(w, W_min). */
    public double updateSigma(final double w) {
        return update().sigma() * updateScale(w);
    }

    /** r = m_tot/max(W̃, W_min). */
    public double updateScale(final double wNoisy) {
        return scale.plannedTotal() / Math.max(wNoisy, minCount);
    }

    /** Writes the scaled count coordinate s·τ·λ·W to {@code release[d]} (the pass-2 release has d + 1 entries). */
    public void packCount(final float[] release, final int d, final long w) {
        release[d] = (float) (w * countUnit());
    }

    /** W̃ read back from the noisy release's count coordinate. */
    public double noisyCount(final float[] release, final int d) {
        return release[d] / countUnit();
    }

    /** True iff the round is published: W̃ ≥ W_min (NaN is never published). */
    public boolean publishes(final double wNoisy) {
        return wNoisy >= minCount;
    }

    /**
     * The published update u = v1 + (Ã2 − v1)·m_tot/max(W̃, W_min) into {@code update[0, d)}.
     *
     * @return false (and nothing written) when the round is not published
     */
    public boolean publish(final float[] a2Noisy, final float[] v1, final int d, final double wNoisy, final float[] update) {
        if (!publishes(wNoisy)) {
            return false;
        }
        final double r = updateScale(wNoisy);
        for (int j = 0; j < d; j++) {
            update[j] = (float) (v1[j] + ((double) a2Noisy[j] - v1[j]) * r);
        }
        return true;
    }
}
