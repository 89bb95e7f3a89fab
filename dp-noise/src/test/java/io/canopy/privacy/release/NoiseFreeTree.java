package io.canopy.privacy.release;

/**
 * A whole round's noise-free releases through the real kernels: clusters ({@link ClusterPasses}), continents of
 * exactly K clusters ({@link UpperTiers#continent}), the global mean. Cluster c belongs to continent c / K.
 */
final class NoiseFreeTree {

    /** A1 (length d), A2 (length d) and W. */
    record Releases(float[] a1, float[] a2, long w) {
    }

    private NoiseFreeTree() {
    }

    /**
     * @param blocks per cluster, rows×d row-major (rows = length/d, may be 0)
     * @param v1     the centre of pass 2; null to use the noise-free A1 (then pass 2 is not at a fixed centre)
     */
    static Releases run(final float[][] blocks, final int d, final int k, final int k2, final int m, final float[] v0,
                        final float[] v1, final double clip, final double rho, final double tau, final double mc) {
        final int[][] continents = new int[m][k];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < k; c++) {
                continents[j][c] = j * k + c;
            }
        }
        final int[] trims = new int[m];
        java.util.Arrays.fill(trims, k2);
        final double[] acc = new double[d];
        final float[] a1 = UpperTiers.tree(continents, c -> blocks[c], d, trims,
            (block, rows, out) -> ClusterPasses.centre(block, rows, d, v0, clip, mc, acc, out), acc);
        final float[] centre = v1 != null ? v1 : a1;
        final long[] w = {0};
        final float[] a2 = UpperTiers.tree(continents, c -> blocks[c], d, trims,
            (block, rows, out) -> w[0] += ClusterPasses.gated(block, rows, d, centre, rho, tau, mc, acc, out), acc);
        return new Releases(a1, a2, w[0]);
    }

    static double distance(final float[] a, final float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            final double t = (double) a[j] - b[j];
            s += t * t;
        }
        return Math.sqrt(s);
    }
}
