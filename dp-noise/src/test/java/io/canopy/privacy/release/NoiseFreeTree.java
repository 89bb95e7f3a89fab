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
        final double[] acc = new double[d];
        final float[] clusters1 = new float[k * d];
        final float[] clusters2 = new float[k * d];
        final float[] continents1 = new float[m * d];
        final float[] continents2 = new float[m * d];
        final float[] out = new float[d];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < k; c++) {
                final float[] b = blocks[j * k + c];
                ClusterPasses.centre(b, b.length / d, d, v0, clip, mc, acc, out);
                System.arraycopy(out, 0, clusters1, c * d, d);
            }
            UpperTiers.continent(clusters1, k, d, k2, out);
            System.arraycopy(out, 0, continents1, j * d, d);
        }
        final float[] a1 = new float[d];
        UpperTiers.global(continents1, m, d, acc, a1);
        final float[] centre = v1 != null ? v1 : a1;
        long w = 0;
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < k; c++) {
                final float[] b = blocks[j * k + c];
                w += ClusterPasses.gated(b, b.length / d, d, centre, rho, tau, mc, acc, out);
                System.arraycopy(out, 0, clusters2, c * d, d);
            }
            UpperTiers.continent(clusters2, k, d, k2, out);
            System.arraycopy(out, 0, continents2, j * d, d);
        }
        final float[] a2 = new float[d];
        UpperTiers.global(continents2, m, d, acc, a2);
        return new Releases(a1, a2, w);
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
