package io.canopy.aggregation;

/**
 * The output of an {@link AggregationRule}: the aggregate vector plus what the rule decided.
 * Each rule has its own record so callers can pattern-match on its diagnostics.
 */
public sealed interface AggregationResult
    permits AggregationResult.MeanResult, AggregationResult.KrumResult,
    AggregationResult.TrimmedMeanResult, AggregationResult.MedianResult {

    /** The aggregate, of the block's dimension. Never contains NaN. */
    float[] aggregate();

    /** Number of input rows. */
    int inputs();

    /** Plain or weighted mean over all {@code inputs} rows. {@code weights} is null for the plain mean. */
    record MeanResult(float[] aggregate, int inputs, double[] weights) implements AggregationResult {
    }

    /**
     * Multi-Krum: {@code scores[i]} is the sum of squared distances from row i to its
     * {@code neighbours} nearest other rows; {@code selected} are the m lowest-scoring rows in
     * ascending (score, index) order; {@code rejected} the rest in ascending index order.
     */
    record KrumResult(float[] aggregate, int inputs, int f, int m, int neighbours, double[] scores,
                      int[] selected, int[] rejected) implements AggregationResult {
    }

    /** Coordinate-wise trimmed mean that dropped {@code trimmed} values from each end of every coordinate. */
    record TrimmedMeanResult(float[] aggregate, int inputs, int trimmed) implements AggregationResult {
    }

    /** Coordinate-wise median (mean of the two middle values when {@code inputs} is even). */
    record MedianResult(float[] aggregate, int inputs) implements AggregationResult {
    }
}
