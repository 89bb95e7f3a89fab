package io.canopy.privacy.audit;

/**
 * Exact one-sided Clopper–Pearson bounds on a binomial proportion (Clopper and Pearson 1934): the upper bound
 * p_hi for k successes in n trials is the p with P[Bin(n, p) ≤ k] = α, found by bisection on a log-space CDF.
 * Stateless.
 */
public final class ClopperPearson {

    private ClopperPearson() {
    }

    /** The one-sided (1 − α) upper bound on p after k successes in n trials (1 when k = n). */
    public static double upper(final long k, final long n, final double alpha) {
        check(k, n, alpha);
        if (k >= n) {
            return 1.0;
        }
        double lo = (double) k / n;
        double hi = 1.0;
        for (int i = 0; i < 200 && hi - lo > 1e-15; i++) {
            final double mid = 0.5 * (lo + hi);
            if (cdf(k, n, mid) > alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The one-sided (1 − α) lower bound on p after k successes in n trials (0 when k = 0). */
    public static double lower(final long k, final long n, final double alpha) {
        check(k, n, alpha);
        return k == 0 ? 0.0 : 1.0 - upper(n - k, n, alpha);
    }

    /** P[Bin(n, p) ≤ k], summed in log space from the pmf recursion. */
    static double cdf(final long k, final long n, final double p) {
        if (p <= 0) {
            return 1;
        }
        if (p >= 1) {
            return k >= n ? 1 : 0;
        }
        final double logRatio = Math.log(p) - Math.log1p(-p);
        double logPmf = n * Math.log1p(-p);
        double logSum = logPmf;
        for (long i = 0; i < k; i++) {
            logPmf += Math.log((double) (n - i) / (i + 1)) + logRatio;
            final double hi = Math.max(logSum, logPmf);
            logSum = hi + Math.log1p(Math.exp(-Math.abs(logSum - logPmf)));
        }
        return Math.min(1.0, Math.exp(logSum));
    }

    private static void check(final long k, final long n, final double alpha) {
        if (n < 1 || k < 0 || k > n || !(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("need 0 <= k <= n, n >= 1, alpha in (0, 1); got k=" + k + " n=" + n
                + " alpha=" + alpha);
        }
    }
}
