package io.canopy.aggregation.reference;

import io.canopy.aggregation.UpdateBlock;
import java.util.Arrays;

/**
 * Multi-Krum the way the paper states it and a Flower user computes it: every pairwise distance
 * from the coordinates, one pair at a time, in double; scores, then the m lowest, ties to the lower
 * index. The reference for {@code MultiKrum} in tests and the per-pair baseline in benchmarks.
 */
public final class ReferenceKrum {

    private ReferenceKrum() {
    }

    /** The selected indices in ascending (score, index) order. */
    public static int[] select(final UpdateBlock block, final int f, final int m) {
        final double[] scores = scores(block, f);
        final Integer[] idx = new Integer[block.rows()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b]) : Integer.compare(a, b));
        final int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** score(i) = sum of the n − f − 2 smallest squared distances from row i to the others. */
    public static double[] scores(final UpdateBlock block, final int f) {
        final int n = block.rows();
        final int d = block.dim();
        final float[] x = block.data();
        final double[][] dist = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    final double diff = (double) x[i * d + k] - x[j * d + k];
                    s += diff * diff;
                }
                dist[i][j] = s;
                dist[j][i] = s;
            }
        }
        final double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            final double[] row = new double[n - 1];
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    row[k++] = dist[i][j];
                }
            }
            Arrays.sort(row);
            for (int j = 0; j < n - f - 2; j++) {
                scores[i] += row[j];
            }
        }
        return scores;
    }

    /** The mean of the selected rows, in double. */
    public static double[] meanOf(final UpdateBlock block, final int[] rows) {
        final int d = block.dim();
        final double[] mean = new double[d];
        for (final int r : rows) {
            for (int k = 0; k < d; k++) {
                mean[k] += block.data()[r * d + k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= rows.length;
        }
        return mean;
    }
}
