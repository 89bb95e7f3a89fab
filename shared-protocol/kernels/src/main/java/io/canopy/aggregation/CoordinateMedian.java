package io.canopy.aggregation;

import io.canopy.kernel.CoordinateSelection;

/**
 * Coordinate-wise median (Yin, Chen, Ramchandran, Bartlett 2018, "Byzantine-robust distributed
 * learning: towards optimal statistical rates", ICML, Definition 1): in every coordinate, the middle
 * of the n values, or for even n the mean of the two middle ones (computed in double, so two values
 * near ±3.4e38 do not overflow). Tolerates any minority of Byzantine rows per coordinate.
 *
 * <p>Runs as the trimmed mean with k = ⌊(n−1)/2⌋ in {@link CoordinateSelection}; equals a sort-based
 * median bit for bit and does not depend on the order of the rows. Stateless and thread-safe.
 */
public final class CoordinateMedian implements AggregationRule {

    @Override
    public String name() {
        return "median";
    }

    /** @throws IllegalArgumentException naming the row and column of the first non-finite value */
    @Override
    public AggregationResult aggregate(final UpdateBlock block) {
        block.requireFinite();
        final float[] out = new float[block.dim()];
        CoordinateSelection.median(block.data(), block.rows(), block.dim(), out);
        return new AggregationResult.MedianResult(out, block.rows());
    }

    @Override
    public String toString() {
        return name();
    }
}
