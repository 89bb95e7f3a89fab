package io.canopy.straggler;

/**
 * ln(n!) without overflow: summed directly below 256, and above it Stirling's series to the n^−7 term
 * (Abramowitz and Stegun 6.1.41), whose truncation error there is far below a double's resolution.
 */
final class LogFactorial {
    private static final int TABLE = 256;
    private static final double[] SMALL = new double[TABLE];
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

    static {
        double acc = 0.0;
        for (int n = 1; n < TABLE; n++) {
            acc += Math.log(n);
            SMALL[n] = acc;
        }
    }

    private LogFactorial() {
    }

    /**
     * The remainder of Stirling's formula, ln(n!) − [(n + ½)ln n − n + ½ln(2π)], without forming
     * ln(n!) itself for large n, where the subtraction would lose the digits that matter.
     */
    static double stirlingError(int n) {
        if (n < 16) {
            double x = n;
            return of(n) - ((x + 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI);
        }
        double inv = 1.0 / n;
        double inv2 = inv * inv;
        return inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680 - inv2 / 1188))));
    }

    static double of(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be zero or positive, was " + n);
        }
        if (n < TABLE) {
            return SMALL[n];
        }
        double x = n;
        double inv = 1.0 / x;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
        return x * Math.log(x) - x + HALF_LOG_TWO_PI + 0.5 * Math.log(x) + series;
    }
}
