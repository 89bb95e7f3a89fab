package io.canopy.aggregation;

import io.canopy.kernel.VectorKernels;

/**
 * Σ w_i·x_i / Σ w_i, the FedAvg aggregate (McMahan et al. 2017) with w_i typically the number of
 * local examples of update i. Not robust: a single row with a large weight dominates.
 */
public final class WeightedMean implements AggregationRule {

    private final double[] weights;

    /**
     * @param weights one non-negative finite weight per row, not all zero; copied
     * @throws IllegalArgumentException naming the first bad weight
     */
    public WeightedMean(final double[] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("weighted mean needs at least one weight");
        }
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0 && weights[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("weight " + i + " is " + weights[i] + "; weights must be finite and >= 0");
            }
            total += weights[i];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("weights sum to 0; at least one weight must be positive");
        }
        this.weights = weights.clone();
    }

    @Override
    public String name() {
        return "weighted-mean";
    }

    @Override
    public AggregationResult.MeanResult aggregate(final UpdateBlock block) {
        if (block.rows() != weights.length) {
            throw new IllegalArgumentException(
                "weighted mean has " + weights.length + " weights but the block has " + block.rows() + " rows");
        }
        block.requireFinite();
        final int d = block.dim();
        final double[] acc = new double[d];
        double total = 0;
        for (int i = 0; i < block.rows(); i++) {
            if (weights[i] != 0) {
                VectorKernels.axpyIntoDouble(weights[i], block.data(), block.rowOffset(i), acc, 0, d);
                total += weights[i];
            }
        }
        final float[] out = new float[d];
        VectorKernels.scaleToFloat(acc, 0, 1.0 / total, out, 0, d);
        return new AggregationResult.MeanResult(out, block.rows(), weights.clone());
    }
}
