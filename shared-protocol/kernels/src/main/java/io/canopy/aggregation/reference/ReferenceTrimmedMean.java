package io.canopy.aggregation.reference;

import io.canopy.aggregation.UpdateBlock;

import java.util.Arrays;

/**
 * The textbook coordinate-wise trimmed mean (Yin et al. 2018): copy each column, sort it with
 * {@link Arrays#sort(float[])}, add the middle n−2k values in ascending order in double, divide in
 * double, round once to float. The yardstick for tests and benchmarks; single-threaded, allocates a
 * column, never used on a hot path.
 */
public final class ReferenceTrimmedMean {

    private ReferenceTrimmedMean() {
    }

    /**
     * @throws IllegalArgumentException unless {@code 0 <= k} and {@code 2k < n}
     */
    public static float[] aggregate(final UpdateBlock block, final int k) {
        final int n = block.rows();
        if (!(k >= 0 && 2L * k < n)) {
            throw new IllegalArgumentException("trimmed mean needs 0 <= k and 2k < n, got k=" + k + ", n=" + n);
        }
        return SortedColumns.reduce(block, column -> {
            double sum = 0.0;
            for (int i = k; i < n - k; i++) {
                sum += column[i];
            }
            return (float) (sum / (n - 2 * k));
        });
    }
}
