package io.canopy.privacy.accounting;

/**
 * Finds noise multipliers for a privacy target. Stateless and thread-safe.
 */
public final class NoiseCalibrator {

    /** Bisection stops when the bracket on z is narrower than this. */
    public static final double Z_TOLERANCE = 1e-4;
    /** The largest multiplier searched; a target needing more is reported as unreachable. */
    public static final double Z_MAX = 1e6;

    private NoiseCalibrator() {
    }

    /**
     * The smallest noise multiplier z (to within {@link #Z_TOLERANCE}, rounded up) for which
     * {@code steps} rounds of the Poisson-subsampled Gaussian mechanism at rate q give ε ≤
     * {@code epsilon} at {@code delta}, by the tighter of the two conversions of {@link RdpAccountant}
     * over its default grid. ε(z) is non-increasing in z (RDP at every order is), so bisection applies;
     * the upper end of the final bracket is returned, which always meets the target.
     */
    public static double calibrate(final double epsilon, final double delta, final double q, final long steps) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        SubsampledGaussianRdp.validate(q, 1);
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        double hi = 1;
        while (epsilonAt(hi, delta, q, steps) > epsilon) {
            hi *= 2;
            if (hi > Z_MAX) {
                throw new IllegalArgumentException("no noise multiplier up to " + Z_MAX + " reaches epsilon "
                    + epsilon + " at delta " + delta + " (q=" + q + ", steps=" + steps + ")");
            }
        }
        double lo = hi / 2;
        while (lo > 1e-3 && epsilonAt(lo, delta, q, steps) <= epsilon) {
            hi = lo;
            lo /= 2;
        }
        while (hi - lo > Z_TOLERANCE) {
            final double mid = 0.5 * (lo + hi);
            if (epsilonAt(mid, delta, q, steps) <= epsilon) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** ε after {@code steps} rounds at (q, z), the tighter conversion, default grid. */
    public static double epsilonAt(final double z, final double delta, final double q, final long steps) {
        return new RdpAccountant().compose(q, z, steps).spent(delta).epsilon();
    }

    /**
     * The classic one-shot Gaussian mechanism: σ = Δ·√(2·ln(1.25/δ))/ε gives (ε, δ)-DP for one release
     * of L2 sensitivity Δ (Dwork and Roth 2014, Thm. 3.22; Dwork et al. 2006). The proof needs
     * 0 &lt; ε &lt; 1; outside it this method refuses rather than return an unproven σ.
     */
    public static double classicSigma(final double sensitivity, final double epsilon, final double delta) {
        if (!(sensitivity > 0) || Double.isInfinite(sensitivity)) {
            throw new IllegalArgumentException("sensitivity must be finite and > 0, got " + sensitivity);
        }
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("the classic calibration sigma = sensitivity*sqrt(2 ln(1.25/delta))/epsilon"
                + " is proven only for 0 < epsilon < 1 (Dwork and Roth 2014, Thm. 3.22), got epsilon " + epsilon
                + "; use the RDP calibration instead");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        return sensitivity * Math.sqrt(2 * Math.log(1.25 / delta)) / epsilon;
    }
}
