package io.canopy.privacy.accounting;

/**
 * Log-space arithmetic for the accountant: sums of terms that would overflow or underflow as plain
 * doubles, and {@code log(erfc(x))} accurate far into the tail (the fractional-order series of
 * Mironov, Talwar and Zhang 2019 needs {@code erfc} at arguments of several hundred).
 *
 * <p>Stateless and thread-safe.
 */
public final class LogMath {

    private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    /** Below this the power series for erf is used, above it the continued fraction for erfc. */
    private static final double SERIES_LIMIT = 2.0;

    private LogMath() {
    }

    /** {@code log(exp(a) + exp(b))}, exact when either side is {@code -∞}. */
    public static double logAdd(final double a, final double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        final double hi = Math.max(a, b);
        return hi + Math.log1p(Math.exp(-Math.abs(a - b)));
    }

    /**
     * {@code log(exp(a) - exp(b))} for {@code a >= b}; {@code -∞} when they are equal, NaN when
     * {@code b > a} (the caller treats NaN as "the series lost its precision").
     */
    public static double logSub(final double a, final double b) {
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        if (b > a) {
            return Double.NaN;
        }
        return a + Math.log(-Math.expm1(b - a));
    }

    /** {@code log(exp(x) - 1)} for {@code x > 0}, without overflow for large x or cancellation for small x. */
    public static double logExpm1(final double x) {
        return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
    }

    /** {@code log(1 + exp(x))}. */
    public static double log1pExp(final double x) {
        return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /**
     * {@code log(erfc(x))} with about 14 significant digits everywhere, including the far tail where
     * {@code erfc} itself underflows (x > 26). For |x| ≤ 2 it uses the all-positive power series
     * erf(x) = (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!! (Abramowitz and Stegun 7.1.6); for x > 2 the
     * Laplace continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))) (A&amp;S
     * 7.1.14) evaluated with Lentz's method; for x < −2, erfc(x) = 2 − erfc(−x).
     */
    public static double logErfc(final double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x > SERIES_LIMIT) {
            return -x * x - LOG_SQRT_PI - Math.log(continuedFraction(x));
        }
        if (x < -SERIES_LIMIT) {
            return Math.log(2.0 - Math.exp(logErfc(-x)));
        }
        return Math.log(1.0 - erfSeries(x));
    }

    /** erf(x) for |x| ≤ 2 by the positive-term series: no cancellation, so no loss near 0 or 2. */
    private static double erfSeries(final double x) {
        final double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 0; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 3);
            sum += term;
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** The denominator x + ½/(x + 1/(x + …)) of the erfc continued fraction, by modified Lentz. */
    private static double continuedFraction(final double x) {
        final double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 5000; n++) {
            final double a = 0.5 * n;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1.0 / d;
            final double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) {
                return f;
            }
        }
        return f;
    }
}
