package io.canopy.kernel;

/**
 * Pairwise geometry of the rows of an n×d block for Multi-Krum. (Stub: implementation pending.)
 */
public final class GramMatrix {

    private GramMatrix() {
    }

    /**
     * Writes the n×n matrix of squared Euclidean distances between the rows of {@code block}
     * (row-major, row i at {@code i*d}) into {@code out} (row-major, length ≥ n*n): symmetric,
     * exactly 0 on the diagonal, never negative.
     */
    public static void pairwiseSquaredDistances(final float[] block, final int n, final int d, final double[] out) {
        final double[] g = new double[n * n];
        ScalarKernels.gram(block, n, d, true, g);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = i == j ? 0.0 : Math.max(0.0, g[i * n + i] + g[j * n + j] - 2 * g[i * n + j]);
            }
        }
    }
}
