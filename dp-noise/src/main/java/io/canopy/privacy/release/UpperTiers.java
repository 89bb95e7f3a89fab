package io.canopy.privacy.release;

import io.canopy.kernel.CoordinateSelection;
import java.util.Arrays;

/**
 * The continent and global steps of the release, identical for both passes.
 * <ul>
 *   <li>Continent: coordinate-wise trimmed mean (Yin et al. 2018) over <em>exactly</em> its planned K cluster
 *       outputs, with k2 = ⌊β2·K⌋ fixed from the planned K. Clusters close on time and always report (an empty
 *       one reports its centre), so K and k2 never depend on any leaf. 1/(K − 2k2)-Lipschitz per input
 *       (Sensitivity#trimmedMean).</li>
 *   <li>Global: the mean over the M continent outputs, 1/M-Lipschitz per input.</li>
 * </ul>
 * Trimmed means run in shared-protocol's {@link CoordinateSelection} (SIMD selection, no sort); it allocates
 * scratch per call, never per row. Stateless and thread-safe.
 */
public final class UpperTiers {

    private UpperTiers() {
    }

    /**
     * A continent's output: the trimmed mean over {@code plannedK} cluster outputs (row-major, K×d), trimming
     * {@code k2} per end, into {@code out[0, d)}.
     *
     * @throws IllegalArgumentException unless exactly K rows are given and K − 2k2 ≥ 1
     */
    public static void continent(final float[] clusterOutputs, final int plannedK, final int d, final int k2,
                                 final float[] out) {
        if (plannedK < 1 || (long) plannedK * d > clusterOutputs.length) {
            throw new IllegalArgumentException("continent needs its " + plannedK + " planned cluster outputs of d=" + d
                + ", got " + clusterOutputs.length + " floats");
        }
        CoordinateSelection.trimmedMean(clusterOutputs, plannedK, d, k2, out);
    }

    /** One cluster's step in {@link #tree}: writes the cluster's output to {@code out[0, d)}. */
    @FunctionalInterface
    public interface ClusterStep {
        void apply(float[] block, int rows, float[] out);
    }

    /**
     * A whole round of a release rule, noise-free, through the real kernels: each cluster's {@code step}, each
     * continent's trimmed mean over exactly its clusters (trimming {@code trims[j]} per end), the mean over the M
     * continents. Shared by {@code ./canopy release} and the tests that attack the release's bounds.
     *
     * @param continents the cluster ids of each continent
     * @param blocks     a cluster id's rows×d block, row-major (rows = length/d, may be 0)
     * @param acc        scratch of length ≥ d
     * @return the global output, length d
     */
    public static float[] tree(final int[][] continents, final java.util.function.IntFunction<float[]> blocks, final int d,
                               final int[] trims, final ClusterStep step, final double[] acc) {
        final int m = continents.length;
        final float[] continentOutputs = new float[m * d];
        final float[] out = new float[d];
        for (int j = 0; j < m; j++) {
            final int[] ids = continents[j];
            final float[] clusters = new float[ids.length * d];
            for (int i = 0; i < ids.length; i++) {
                final float[] block = blocks.apply(ids[i]);
                step.apply(block, block.length / d, out);
                System.arraycopy(out, 0, clusters, i * d, d);
            }
            continent(clusters, ids.length, d, trims[j], out);
            System.arraycopy(out, 0, continentOutputs, j * d, d);
        }
        final float[] global = new float[d];
        global(continentOutputs, m, d, acc, global);
        return global;
    }

    /** The global output: the mean of {@code m} continent outputs (row-major, M×d), summed in double. */
    public static void global(final float[] continentOutputs, final int m, final int d, final double[] acc,
                              final float[] out) {
        if (m < 1 || (long) m * d > continentOutputs.length || acc.length < d || out.length < d) {
            throw new IllegalArgumentException("global mean needs M >= 1 rows of d=" + d + " and scratch of d");
        }
        Arrays.fill(acc, 0, d, 0.0);
        for (int i = 0, off = 0; i < m; i++, off += d) {
            for (int j = 0; j < d; j++) {
                acc[j] += continentOutputs[off + j];
            }
        }
        final double inv = 1.0 / m;
        for (int j = 0; j < d; j++) {
            out[j] = (float) (acc[j] * inv);
        }
    }
}
