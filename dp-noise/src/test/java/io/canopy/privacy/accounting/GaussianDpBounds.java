package io.canopy.privacy.accounting;

/**
 * The exact (ε, δ) curve of the Gaussian mechanism (Balle and Wang 2018, Thm. 8; Dong, Roth, Su 2019,
 * Cor. 2.13 for μ-GDP): δ(ε) = Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2), with μ = √T/z for T unsampled steps.
 * No correct accountant reports an ε below the one solving δ(ε) = δ.
 */
final class GaussianDpBounds {

    private GaussianDpBounds() {
    }

    static double delta(final double mu, final double eps) {
        return phi(-eps / mu + mu / 2) - Math.exp(eps + logPhi(-eps / mu - mu / 2));
    }

    /** The exact ε at which μ-GDP meets δ, by bisection (δ(ε) is decreasing in ε). */
    static double exactEpsilon(final double mu, final double delta) {
        double lo = 0;
        double hi = 1;
        while (delta(mu, hi) > delta) {
            hi *= 2;
        }
        for (int i = 0; i < 200; i++) {
            final double mid = 0.5 * (lo + hi);
            if (delta(mu, mid) > delta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double phi(final double x) {
        return Math.exp(logPhi(x));
    }

    private static double logPhi(final double x) {
        return Math.log(0.5) + LogMath.logErfc(-x / Math.sqrt(2));
    }
}
