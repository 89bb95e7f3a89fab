package io.canopy.aggregation;

import io.canopy.kernel.CoordinateSelection;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett 2018, "Byzantine-robust
 * distributed learning: towards optimal statistical rates", ICML, Definition 2): in every coordinate,
 * drop the k smallest and the k largest of the n values and average the remaining n−2k. With at most
 * a β fraction of Byzantine rows and k = ⌊βn⌋, every coordinate of the output lies within the range
 * of the honest values.
 *
 * <p>Either k is fixed ({@link #ofTrimCount}) or it is ⌊β·n⌋ for the n of each block
 * ({@link #ofBeta}), computed exactly by {@link #trimCount}. Selection runs in
 * {@link CoordinateSelection} (SIMD compare–exchange across coordinates for n ≤ 256, scalar
 * quickselect above); no column is sorted. The output is within float rounding of a double-precision
 * sort-based mean and does not depend on the order of the rows, bit for bit.
 *
 * <p>Immutable and thread-safe.
 */
public final class TrimmedMean implements AggregationRule {

    private final double beta;
    private final int trimCount;

    private TrimmedMean(final double beta, final int trimCount) {
        this.beta = beta;
        this.trimCount = trimCount;
    }

    /**
     * Trims k = ⌊β·n⌋ values from each end of every coordinate, n being the block's row count.
     *
     * @throws IllegalArgumentException unless β is finite and in [0, 0.5)
     */
    public static TrimmedMean ofBeta(final double beta) {
        requireBeta(beta);
        return new TrimmedMean(beta, -1);
    }

    /**
     * Trims exactly k values from each end of every coordinate; blocks must have more than 2k rows.
     *
     * @throws IllegalArgumentException if k is negative
     */
    public static TrimmedMean ofTrimCount(final int k) {
        if (k < 0) {
            throw new IllegalArgumentException("trimmed mean needs k >= 0, got k=" + k);
        }
        return new TrimmedMean(Double.NaN, k);
    }

    /**
     * ⌊β·n⌋ computed on the decimal that {@code Double.toString(beta)} prints, i.e. the number the
     * user wrote: in binary floating point 0.29·100 is 28.999999999999996 and would floor to 28.
     *
     * @throws IllegalArgumentException unless β is finite and in [0, 0.5) and n ≥ 0
     */
    public static int trimCount(final double beta, final int n) {
        requireBeta(beta);
        if (n < 0) {
            throw new IllegalArgumentException("trimmed mean needs n >= 0, got n=" + n);
        }
        // Below 0.5·n, so it always fits in an int.
        return new BigDecimal(Double.toString(beta)).multiply(BigDecimal.valueOf(n))
            .setScale(0, RoundingMode.FLOOR).intValueExact();
    }

    private static void requireBeta(final double beta) {
        // Written so that NaN fails too.
        if (!(beta >= 0.0 && beta < 0.5)) {
            throw new IllegalArgumentException("trimmed mean needs beta finite and in [0, 0.5), got beta=" + beta);
        }
    }

    @Override
    public String name() {
        return "trimmed-mean";
    }

    /**
     * @throws IllegalArgumentException naming the row and column of the first non-finite value, or
     *                                  if the block does not have more than 2k rows
     */
    @Override
    public AggregationResult aggregate(final UpdateBlock block) {
        block.requireFinite();
        final int n = block.rows();
        final int k = trimCount >= 0 ? trimCount : trimCount(beta, n);
        if (!(2L * k < n)) {
            throw new IllegalArgumentException("trimmed mean needs 2k < n, got k=" + k + ", n=" + n);
        }
        final float[] out = new float[block.dim()];
        CoordinateSelection.trimmedMean(block.data(), n, block.dim(), k, out);
        return new AggregationResult.TrimmedMeanResult(out, n, k);
    }

    @Override
    public String toString() {
        return trimCount >= 0 ? "trimmed-mean(k=" + trimCount + ")" : "trimmed-mean(beta=" + beta + ")";
    }
}
