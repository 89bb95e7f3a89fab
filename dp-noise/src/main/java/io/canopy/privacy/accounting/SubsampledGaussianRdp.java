package io.canopy.privacy.accounting;

/**
 * Rényi DP of one step of the Poisson-subsampled Gaussian mechanism: each leaf is included
 * independently with probability q, the sum of clipped contributions gets N(0, (z·Δ)²) noise per
 * coordinate, and neighbouring datasets differ by adding or removing one leaf.
 *
 * <p>For that adjacency Mironov, Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian
 * Mechanism" (2019), §3, show RDP(α) = log(A_α)/(α − 1) with
 * A_α = E_{x∼N(0,z²)}[((1 − q) + q·e^{(2x−1)/(2z²)})^α], and give
 * <ul>
 *   <li>for integer α (their §3.3): A_α = Σ_{i=0}^{α} C(α,i)·qⁱ(1−q)^{α−i}·e^{(i²−i)/(2z²)};</li>
 *   <li>for fractional α (their §3.4): the two-sided series in C(α,i) with erfc tails, split at
 *       z₀ = z²·log(1/q − 1) + ½.</li>
 * </ul>
 * For q = 1 both reduce to the Gaussian mechanism's α/(2z²) (Mironov 2017, Prop. 7), which is
 * returned exactly.
 *
 * <p>Numerics: everything is summed in log space. For integer α we sum A_α − 1 =
 * Σ_{i≥2} C(α,i)·qⁱ(1−q)^{α−i}·(e^{(i²−i)/(2z²)} − 1), whose terms are all positive (the i = 0 and 1
 * terms cancel against the binomial identity), so RDP stays accurate in relative terms even for
 * q = 1e−6, where log(A_α) itself is a difference of numbers near 1. The fractional series
 * alternates in sign; if it loses precision (a non-finite or negative result) we fall back to the
 * value at ⌈α⌉, a valid upper bound because RDP is non-decreasing in α (van Erven and Harremoës
 * 2014, Thm. 3). Stateless and thread-safe.
 */
public final class SubsampledGaussianRdp {

    /**
     * Stop the fractional series once both of its terms fall below e^−30 (A_α ≥ 1, so they no longer
     * matter in double precision); the tail is then bounded by the last terms (see fractionalOrder).
     */
    private static final double LOG_TERM_FLOOR = -30;
    private static final int MAX_TERMS = 1_000_000;

    private SubsampledGaussianRdp() {
    }

    /**
     * RDP at order {@code alpha} of one step.
     *
     * @param q     sampling rate, in (0, 1]
     * @param z     noise multiplier (noise standard deviation over L2 sensitivity), &gt; 0
     * @param alpha Rényi order, &gt; 1
     * @return RDP in nats, ≥ 0; {@code +∞} when the sum overflows a double
     */
    public static double rdp(final double q, final double z, final double alpha) {
        validate(q, z);
        if (!(alpha > 1) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite order > 1, got " + alpha);
        }
        if (q == 1.0) {
            return alpha / (2 * z * z);
        }
        if (alpha == Math.rint(alpha)) {
            return integerOrder(q, z, (int) alpha);
        }
        final double frac = fractionalOrder(q, z, alpha);
        if (Double.isFinite(frac) && frac >= 0) {
            return frac;
        }
        return integerOrder(q, z, (int) Math.ceil(alpha));
    }

    /** Checks q ∈ (0, 1] and z &gt; 0, naming the argument in the message. */
    public static void validate(final double q, final double z) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in (0, 1], got " + q);
        }
        if (!(z > 0) || Double.isInfinite(z)) {
            throw new IllegalArgumentException("noise multiplier z must be finite and > 0, got " + z);
        }
    }

    private static double integerOrder(final double q, final double z, final int alpha) {
        final double logQ = Math.log(q);
        final double log1mQ = Math.log1p(-q);
        final double twoZ2 = 2 * z * z;
        double logBinom = Math.log(alpha); // log C(alpha, 1)
        double logAminus1 = Double.NEGATIVE_INFINITY;
        for (int i = 2; i <= alpha; i++) {
            logBinom += Math.log(alpha - i + 1) - Math.log(i);
            final double exponent = ((double) i * i - i) / twoZ2;
            final double term = logBinom + i * logQ + (alpha - i) * log1mQ + LogMath.logExpm1(exponent);
            logAminus1 = LogMath.logAdd(logAminus1, term);
        }
        return LogMath.log1pExp(logAminus1) / (alpha - 1);
    }

    private static double fractionalOrder(final double q, final double z, final double alpha) {
        final double logQ = Math.log(q);
        final double log1mQ = Math.log1p(-q);
        final double twoZ2 = 2 * z * z;
        final double sqrt2z = Math.sqrt(2) * z;
        final double z0 = z * z * Math.log(1 / q - 1) + 0.5;
        final double logHalf = Math.log(0.5);
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double logAbsBinom = 0; // log |C(alpha, 0)|
        boolean positive = true;
        for (int i = 0; i < MAX_TERMS; i++) {
            if (i > 0) {
                final double factor = alpha - (i - 1);
                logAbsBinom += Math.log(Math.abs(factor)) - Math.log(i);
                positive = positive == (factor > 0);
            }
            final double j = alpha - i;
            final double logT0 = logAbsBinom + i * logQ + j * log1mQ;
            final double logT1 = logAbsBinom + j * logQ + i * log1mQ;
            final double logE0 = logHalf + LogMath.logErfc((i - z0) / sqrt2z);
            final double logE1 = logHalf + LogMath.logErfc((z0 - j) / sqrt2z);
            final double logS0 = logT0 + ((double) i * i - i) / twoZ2 + logE0;
            final double logS1 = logT1 + (j * j - j) / twoZ2 + logE1;
            if (positive) {
                logA0 = LogMath.logAdd(logA0, logS0);
                logA1 = LogMath.logAdd(logA1, logS1);
            } else {
                logA0 = LogMath.logSub(logA0, logS0);
                logA1 = LogMath.logSub(logA1, logS1);
            }
            if (Double.isNaN(logA0) || Double.isNaN(logA1)) {
                return Double.NaN;
            }
            final double last = Math.max(logS0, logS1);
            if (i > alpha && last < LOG_TERM_FLOOR) {
                // Past i > α the terms alternate in sign and shrink, so each omitted tail is at most the
                // next term; adding twice the last one keeps the truncated sum an upper bound.
                final double tail = last + Math.log(2);
                return LogMath.logAdd(LogMath.logAdd(logA0, logA1), tail) / (alpha - 1);
            }
        }
        return Double.NaN;
    }
}
