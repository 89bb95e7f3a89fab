package io.canopy.kernel;

import io.canopy.aggregation.UpdateBlock;
import io.canopy.aggregation.reference.ReferenceMedian;
import io.canopy.aggregation.reference.ReferenceTrimmedMean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every path of {@link CoordinateSelection} (SIMD insertion, SIMD network, scalar quickselect, and the
 * dispatch between them at n = 256) against the sort-based references, on shapes that cross the
 * dispatch threshold and the 8-lane column tail, and on adversarial values.
 */
class CoordinateSelectionProperties {

    /** How a block's values are drawn. */
    enum Values {
        /** Standard normal. */
        GAUSSIAN,
        /** Mostly small, with finite values near ±3.4e38 in and around the trimmed ends. */
        HUGE,
        /** ±3e38 in equal shares around small values: the huge ones cancel exactly, so any rounding shows. */
        CANCEL,
        /** A handful of distinct values, −0.0 and 0.0 among them: ties everywhere. */
        TIES,
        /** Subnormals, zeros and the smallest normals. */
        TINY,
        /** All of the above in one block. */
        MIXED
    }

    enum Path { DISPATCH, INSERTION, NETWORK, SCALAR }

    @Property(tries = 300)
    void shouldMatchTheSortBasedTrimmedMeanOnEveryPath(@ForAll @IntRange(min = 1, max = 300) final int n,
                                                       @ForAll @IntRange(min = 1, max = 100) final int d,
                                                       @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) final double trim,
                                                       @ForAll final Values values, @ForAll final Path path, @ForAll final long seed) {
        final int k = (int) (trim * ((n + 1) / 2));
        final float[] data = block(n, d, values, seed);
        final float[] copy = data.clone();
        final float[] ours = run(path, data, n, d, k);
        assertArrayEquals(copy, data, "the block must not be modified");
        assertCloseToReference(ours, data, n, d, k, path + " n=" + n + " d=" + d + " k=" + k);
    }

    @Property(tries = 200)
    void shouldGiveBitIdenticalOutputWhenRowsArePermuted(@ForAll @IntRange(min = 1, max = 300) final int n,
                                                         @ForAll @IntRange(min = 1, max = 40) final int d,
                                                         @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) final double trim,
                                                         @ForAll final Values values, @ForAll final Path path, @ForAll final long seed) {
        final int k = (int) (trim * ((n + 1) / 2));
        final float[] data = block(n, d, values, seed);
        final float[] shuffled = shuffleRows(data, n, d, new SplittableRandom(~seed));
        assertArrayEquals(run(path, data, n, d, k), run(path, shuffled, n, d, k), path + " n=" + n + " k=" + k);
    }

    @Property(tries = 200)
    void shouldEqualTheSortBasedMedianBitForBit(@ForAll @IntRange(min = 1, max = 300) final int n,
                                               @ForAll @IntRange(min = 1, max = 40) final int d,
                                               @ForAll final Values values, @ForAll final Path path, @ForAll final long seed) {
        final float[] data = block(n, d, values, seed);
        assertArrayEquals(ReferenceMedian.aggregate(new UpdateBlock(data, n, d)), run(path, data, n, d, (n - 1) / 2),
            path + " n=" + n);
    }

    @Property(tries = 100)
    void shouldEqualThePlainMeanWhenNothingIsTrimmed(@ForAll @IntRange(min = 1, max = 300) final int n,
                                                    @ForAll @IntRange(min = 1, max = 40) final int d,
                                                    @ForAll final Path path, @ForAll final long seed) {
        final float[] data = block(n, d, Values.GAUSSIAN, seed);
        final float[] ours = run(path, data, n, d, 0);
        for (int j = 0; j < d; j++) {
            double sum = 0.0;
            double abs = 0.0;
            for (int i = 0; i < n; i++) {
                sum += data[i * d + j];
                abs += Math.abs(data[i * d + j]);
            }
            final float mean = (float) (sum / n);
            assertTrue(Math.abs((double) ours[j] - mean) <= 1e-5 * abs / n + Math.ulp(mean), "column " + j);
        }
    }

    private static float[] run(final Path path, final float[] data, final int n, final int d, final int k) {
        final float[] out = new float[d];
        final Path p = n > CoordinateSelection.MAX_SIMD_ROWS && path != Path.DISPATCH ? Path.SCALAR : path;
        switch (p) {
            case DISPATCH -> CoordinateSelection.trimmedMean(data, n, d, k, out);
            case INSERTION -> CoordinateSelection.trimmedMeanSimd(data, n, d, k, out, true);
            case NETWORK -> CoordinateSelection.trimmedMeanSimd(data, n, d, k, out, false);
            case SCALAR -> CoordinateSelection.trimmedMeanScalar(data, n, d, k, out);
        }
        return out;
    }

    static float[] block(final int n, final int d, final Values values, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = value(values == Values.MIXED ? Values.values()[random.nextInt(5)] : values, random);
        }
        return data;
    }

    private static float value(final Values values, final SplittableRandom random) {
        return switch (values) {
            case GAUSSIAN -> (float) random.nextGaussian();
            case HUGE -> random.nextInt(4) == 0
                ? (random.nextBoolean() ? 1 : -1) * (3e38f + random.nextInt(1 << 20) * 1e31f)
                : (float) random.nextGaussian();
            case CANCEL -> switch (random.nextInt(5)) {
                case 0, 1 -> 3e38f;
                case 2, 3 -> -3e38f;
                default -> (float) random.nextGaussian();
            };
            case TIES -> new float[] {-1f, -0.0f, 0.0f, 1f, 2f}[random.nextInt(5)];
            case TINY -> new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 3 * Float.MIN_VALUE, Float.MIN_NORMAL,
                -Float.MIN_NORMAL, 0.0f, -0.0f, 1e-40f}[random.nextInt(8)];
            case MIXED -> throw new AssertionError("mixed picks one of the others");
        };
    }

    private static float[] shuffleRows(final float[] data, final int n, final int d, final SplittableRandom random) {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        final float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(data, order[i] * d, out, i * d, d);
        }
        return out;
    }

    /**
     * Within 1e-5 of the mean absolute kept value (plus an ulp) of the sort-based double reference, and
     * finite. Relative to the mean itself would be wrong: where ±3e38 cancel, the reference's own double
     * sum loses the small kept values that ours keeps.
     */
    static void assertCloseToReference(final float[] ours, final float[] data, final int n, final int d, final int k,
                                       final String what) {
        final float[] reference = ReferenceTrimmedMean.aggregate(new UpdateBlock(data, n, d), k);
        for (int j = 0; j < d; j++) {
            final double meanAbs = meanAbsKept(data, n, d, k, j);
            final double error = Math.abs((double) ours[j] - reference[j]);
            assertTrue(Float.isFinite(ours[j]), what + ", column " + j + " is " + ours[j]);
            assertTrue(error <= 1e-5 * meanAbs + Math.ulp(reference[j]),
                what + ", column " + j + ": " + ours[j] + " vs " + reference[j]);
        }
    }

    private static double meanAbsKept(final float[] data, final int n, final int d, final int k, final int j) {
        final float[] column = new float[n];
        for (int i = 0; i < n; i++) {
            column[i] = data[i * d + j];
        }
        Arrays.sort(column);
        double abs = 0.0;
        for (int i = k; i < n - k; i++) {
            abs += Math.abs(column[i]);
        }
        return abs / (n - 2 * k);
    }
}
