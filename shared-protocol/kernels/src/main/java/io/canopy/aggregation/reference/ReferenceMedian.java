package io.canopy.aggregation.reference;

import io.canopy.aggregation.UpdateBlock;

import java.util.Arrays;

/**
 * The textbook coordinate-wise median: copy each column, sort it with {@link Arrays#sort(float[])},
 * take the middle value, or for even n the mean of the two middle values in double. The yardstick for
 * tests and benchmarks; single-threaded, never used on a hot path.
 */
public final class ReferenceMedian {

    private ReferenceMedian() {
    }

    public static float[] aggregate(final UpdateBlock block) {
        final int n = block.rows();
        final int m = n / 2;
        // 0.0 + x turns -0.0 into 0.0, as every summing implementation does.
        return SortedColumns.reduce(block, column -> n % 2 == 1 ? (float) (0.0 + column[m])
            : (float) ((0.0 + column[m - 1] + column[m]) / 2.0));
    }
}
