package io.canopy.aggregation.reference;

import io.canopy.aggregation.UpdateBlock;
import java.util.Arrays;

/** The sort-based references' common loop: copy each column, sort it, reduce it to one value. */
final class SortedColumns {

    /** Reduces one sorted column (ascending, length n) to the output coordinate. */
    @FunctionalInterface
    interface Reducer {
        float reduce(float[] sortedColumn);
    }

    private SortedColumns() {
    }

    static float[] reduce(final UpdateBlock block, final Reducer reducer) {
        final int n = block.rows();
        final int d = block.dim();
        final float[] data = block.data();
        final float[] column = new float[n];
        final float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                column[i] = data[i * d + j];
            }
            Arrays.sort(column);
            out[j] = reducer.reduce(column);
        }
        return out;
    }
}
