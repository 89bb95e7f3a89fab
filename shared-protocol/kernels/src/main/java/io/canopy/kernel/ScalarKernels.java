package io.canopy.kernel;

/**
 * Plain scalar references for {@link VectorKernels} and {@link GramMatrix}: one element at a time,
 * sequential order. Tests and benchmarks compare against these; no production path calls them.
 */
public final class ScalarKernels {

    private ScalarKernels() {
    }

    /** Accumulates in double: the reference must be more accurate than what it checks. */
    public static float dot(final float[] a, final int ao, final float[] b, final int bo, final int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) a[ao + i] * b[bo + i];
        }
        return (float) sum;
    }

    public static float squaredDistance(final float[] a, final int ao, final float[] b, final int bo, final int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            final double d = (double) a[ao + i] - b[bo + i];
            sum += d * d;
        }
        return (float) sum;
    }

    public static float squaredNorm(final float[] x, final int xo, final int n) {
        return dot(x, xo, x, xo, n);
    }

    public static float norm(final float[] x, final int xo, final int n) {
        return (float) Math.sqrt(squaredNorm(x, xo, n));
    }

    public static void axpy(final float alpha, final float[] x, final int xo, final float[] y, final int yo, final int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    public static void scale(final float alpha, final float[] x, final int xo, final int n) {
        for (int i = 0; i < n; i++) {
            x[xo + i] *= alpha;
        }
    }

    public static void addInto(final float[] acc, final int ao, final float[] x, final int xo, final int n) {
        for (int i = 0; i < n; i++) {
            acc[ao + i] += x[xo + i];
        }
    }

    public static float clipToNorm(final float[] x, final int xo, final int n, final float c) {
        if (!(c > 0f && c < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("clip norm c=" + c + " must be positive and finite");
        }
        final float norm = norm(x, xo, n);
        if (norm > c) {
            scale((float) ((double) c / norm), x, xo, n);
        }
        return norm;
    }

    /**
     * The n×n Gram matrix of the centred rows, out[i*n+j] = (x_i − μ)·(x_j − μ) accumulated in double,
     * where μ is the column mean (or zero when {@code centre} is false). The pairwise-distance reference
     * for {@link GramMatrix}.
     */
    public static void gram(final float[] block, final int n, final int d, final boolean centre, final double[] out) {
        final double[] mean = new double[d];
        if (centre) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    mean[k] += block[i * d + k];
                }
            }
            for (int k = 0; k < d; k++) {
                mean[k] /= n;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (block[i * d + k] - mean[k]) * (block[j * d + k] - mean[k]);
                }
                out[i * n + j] = s;
                out[j * n + i] = s;
            }
        }
    }
}
