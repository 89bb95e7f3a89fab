package io.canopy.aggregation;

import io.canopy.kernel.VectorKernels;

/**
 * The plain coordinate-wise mean of all rows, accumulated in double. Not robust: one Byzantine row
 * moves it arbitrarily far; it is the baseline and the reduction inside the robust rules.
 */
public final class Mean implements AggregationRule {

    public static final Mean INSTANCE = new Mean();

    private Mean() {
    }

    @Override
    public String name() {
        return "mean";
    }

    @Override
    public AggregationResult.MeanResult aggregate(final UpdateBlock block) {
        block.requireFinite();
        return new AggregationResult.MeanResult(meanOfRows(block, null, block.rows()), block.rows(), null);
    }

    /**
     * Mean of the rows listed in {@code rows[0 .. count)} (all rows in order when {@code rows} is null).
     * Shared by every rule that averages a selection (Multi-Krum averages the rows it keeps).
     */
    static float[] meanOfRows(final UpdateBlock block, final int[] rows, final int count) {
        final int d = block.dim();
        final float[] data = block.data();
        final double[] acc = new double[d];
        for (int r = 0; r < count; r++) {
            VectorKernels.addIntoDouble(acc, 0, data, block.rowOffset(rows == null ? r : rows[r]), d);
        }
        final float[] out = new float[d];
        VectorKernels.scaleToFloat(acc, 0, 1.0 / count, out, 0, d);
        return out;
    }
}
