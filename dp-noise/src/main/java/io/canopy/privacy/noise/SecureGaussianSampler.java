package io.canopy.privacy.noise;

import java.security.SecureRandom;

/**
 * Gaussian noise that resists the floating-point attacks on textbook samplers (Mironov 2012, "On
 * significance of the least significant bits for differential privacy"; Jin, McMurtry, Rubinstein,
 * Ohrimenko 2022, "Are we there yet? Timing and floating-point attacks on differential privacy systems"):
 * those attacks read the input back from the gaps and bit patterns that {@code x + σ·gauss()} leaves in
 * double precision. Here the noise lives on a grid instead (the construction of Canonne, Kamath, Steinke
 * 2020, "The discrete Gaussian for differential privacy", and of Google's differential-privacy library):
 * <ol>
 *   <li>granularity γ = 2^(⌊log2 σ⌋ − 30), so the grid parameter s = σ/γ lies in [2^30, 2^31);</li>
 *   <li>x is snapped to the grid, x' = γ·rint(x/γ) (exact in double while |x/γ| &lt; 2^53, checked);</li>
 *   <li>Y is drawn from the discrete Gaussian N_ℤ(0, s²) by the rejection sampler of Canonne et al.
 *       (Algorithm 3, over their discrete Laplace Algorithm 2), with integer arithmetic on longs;</li>
 *   <li>the release is x' + γ·Y, computed exactly in double, then rounded to float: post-processing.</li>
 * </ol>
 * Every grid point is reachable, so the output carries no trace of x in its low bits. The discrete
 * Gaussian with s ≥ 1 satisfies the same zCDP/RDP bound as the continuous one (Canonne et al., Thm. 4 and
 * Prop. 5), Δ²/(2σ²) per order-α/α. Snapping moves each coordinate by at most γ/2, so the sensitivity the
 * noise must cover grows by γ√d ≤ 2^−30·σ√d; {@link GaussianMechanism} scales σ up to pay for it.
 *
 * <p>Honest limits: the Bernoulli(e^−t) trials inside the rejection sampler compare a 53-bit uniform with
 * a double-precision {@code exp}, so each acceptance probability is exact to within a relative 2^−52
 * rather than exactly (Canonne et al. do this with exact rational arithmetic); and the sampler is not
 * constant-time. Random bits come from AES-CTR keyed by {@link SecureRandom} ({@link AesCtrBits}).
 * Not thread-safe.
 */
public final class SecureGaussianSampler implements GaussianSampler {

    /** log2 of s = σ/γ's lower end: the grid is 2^30 times finer than σ. */
    public static final int GRID_BITS = 30;
    private static final double EXACT_LIMIT = 0x1.0p53;

    private final AesCtrBits bits;

    public SecureGaussianSampler() {
        this(new SecureRandom());
    }

    public SecureGaussianSampler(final SecureRandom seed) {
        this.bits = new AesCtrBits(seed);
    }

    @Override
    public String name() {
        return "secure";
    }

    /** The grid spacing γ used for noise of standard deviation sigma. */
    public static double granularity(final double sigma) {
        return Math.scalb(1.0, Math.getExponent(sigma) - GRID_BITS);
    }

    @Override
    public void addNoise(final float[] x, final double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
        }
        final double gamma = granularity(sigma);
        final double s = sigma / gamma;
        for (int i = 0; i < x.length; i++) {
            final double cell = Math.rint(x[i] / gamma);
            if (!(Math.abs(cell) < EXACT_LIMIT)) {
                throw new IllegalArgumentException("x[" + i + "]=" + x[i] + " is too large (or not finite) for exact grid"
                    + " arithmetic at sigma=" + sigma);
            }
            x[i] = (float) (gamma * (cell + discreteGaussian(s)));
        }
    }

    @Override
    public void fillStandard(final double[] out) {
        final double s = Math.scalb(1.0, GRID_BITS);
        for (int i = 0; i < out.length; i++) {
            out[i] = discreteGaussian(s) / s;
        }
    }

    /** One draw from N_ℤ(0, s²): Canonne, Kamath, Steinke 2020, Algorithm 3 with t = ⌊s⌋ + 1. */
    long discreteGaussian(final double s) {
        final long t = (long) Math.floor(s) + 1;
        final double s2 = s * s;
        final double centre = s2 / t;
        while (true) {
            final long y = discreteLaplace(t);
            final double d = Math.abs(y) - centre;
            if (bernoulliExp(d * d / (2 * s2))) {
                return y;
            }
        }
    }

    /** P(Y = y) ∝ e^(−|y|/t): Canonne, Kamath, Steinke 2020, Algorithm 2 with scale t (integer). */
    long discreteLaplace(final long t) {
        while (true) {
            final long u = bits.nextBelow(t);
            if (!bernoulliExp((double) u / t)) {
                continue;
            }
            long v = 0;
            while (bernoulliExp(1.0)) {
                v++;
            }
            final long mag = u + t * v;
            final boolean negative = (bits.nextLong() & 1) == 1;
            if (negative && mag == 0) {
                continue;
            }
            return negative ? -mag : mag;
        }
    }

    /** Bernoulli(e^−g) for g ≥ 0, to the 2^−53 resolution of the uniform draw. */
    private boolean bernoulliExp(final double g) {
        return bits.nextDouble() < Math.exp(-g);
    }
}
