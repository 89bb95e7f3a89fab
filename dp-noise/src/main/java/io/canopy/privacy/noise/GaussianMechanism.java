package io.canopy.privacy.noise;

/**
 * The Gaussian mechanism of one tier: adds noise of standard deviation z·Δ to every coordinate of a
 * release with L2 sensitivity Δ (Dwork and Roth 2014, §3.5.3 and App. A; its Rényi DP is α/(2z²) per
 * release, Mironov 2017, Prop. 7). The sampler is chosen explicitly; {@link #samplerName()} is what the
 * ledger records.
 *
 * <p>With the {@link SecureGaussianSampler}, snapping to its grid (γ ≤ 2^−30·σ) can add γ√d to Δ, so σ is
 * raised to z·Δ/(1 − z·√d·2^−30), which keeps σ/(Δ + γ√d) ≥ z exactly (for d = 10^6, z = 7: +0.0007%).
 * Not thread-safe (the samplers keep scratch state).
 */
public final class GaussianMechanism {

    private final GaussianSampler sampler;
    private final double sigma;

    private GaussianMechanism(final GaussianSampler sampler, final double sigma) {
        this.sampler = sampler;
        this.sigma = sigma;
    }

    /** The default for anything that is not a simulation: grid-based discrete Gaussian from SecureRandom. */
    public static GaussianMechanism secure(final double z, final double sensitivity, final int dimension) {
        validate(z, sensitivity, dimension);
        final double slack = z * Math.sqrt(dimension) * Math.scalb(1.0, -SecureGaussianSampler.GRID_BITS);
        if (!(slack < 0.5)) {
            throw new IllegalArgumentException("z*sqrt(d) too large for the secure sampler's grid: z=" + z + " d=" + dimension);
        }
        return new GaussianMechanism(new SecureGaussianSampler(), z * sensitivity / (1 - slack));
    }

    /** Simulations and load tests only: seeded, reproducible, and no protection at all for real data. */
    public static GaussianMechanism fastForSimulation(final double z, final double sensitivity, final int dimension,
                                                      final long seed) {
        validate(z, sensitivity, dimension);
        return new GaussianMechanism(new FastGaussianSampler(seed), z * sensitivity);
    }

    /** Adds the noise to {@code release} in place. */
    public void apply(final float[] release) {
        if (sigma > 0) {
            sampler.addNoise(release, sigma);
        }
    }

    /** The standard deviation added per coordinate. */
    public double sigma() {
        return sigma;
    }

    /** "secure" or "fast". */
    public String samplerName() {
        return sampler.name();
    }

    private static void validate(final double z, final double sensitivity, final int dimension) {
        if (!(z >= 0) || Double.isInfinite(z)) {
            throw new IllegalArgumentException("z must be finite and >= 0, got " + z);
        }
        if (!(sensitivity >= 0) || Double.isInfinite(sensitivity)) {
            throw new IllegalArgumentException("sensitivity must be finite and >= 0, got " + sensitivity);
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
    }
}
