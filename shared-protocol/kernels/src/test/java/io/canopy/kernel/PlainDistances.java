package io.canopy.kernel;

/** The plain double references for the Gram kernels' distances: no blocking, no centring, no float sums. */
public final class PlainDistances {

    private PlainDistances() {
    }

    /** Σ_k (x_ik − x_jk)² in double, row-major x of d values a row. */
    public static double squared(final float[] x, final int d, final int i, final int j) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            final double diff = (double) x[i * d + k] - x[j * d + k];
            s += diff * diff;
        }
        return s;
    }

    /** max_i Σ_k (x_ik − μ_k)² in double, μ the column mean: the scale of the Gram kernels' errors. */
    public static double maxCentredNorm(final float[] x, final int n, final int d) {
        final double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                mean[k] += x[i * d + k];
            }
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                final double q = x[i * d + k] - mean[k] / n;
                s += q * q;
            }
            max = Math.max(max, s);
        }
        return max;
    }
}
