package io.canopy.aggregation;

import io.canopy.aggregation.reference.ReferenceTrimmedMean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrimmedMeanTest {

    @ParameterizedTest
    @CsvSource({
        "0.29, 100, 29", "0.1, 100, 10", "0.1, 10, 1", "0.1, 9, 0", "0.3, 10, 3", "0.49, 100, 49",
        "0.0, 100, 0", "0.25, 7, 1", "0.2, 1000000, 200000", "0.07, 100, 7", "0.14, 50, 7", "1.0E-5, 100000, 1",
    })
    void shouldComputeTheTrimCountExactlyFromTheDecimalTyped(final double beta, final int n, final int k) {
        assertEquals(k, TrimmedMean.trimCount(beta, n));
    }

    @Test
    void shouldNotBeFooledByBinaryRoundingOfBetaTimesN() {
        // The doubles say 28.999999999999996 and 7.000000000000001: floor must see 29 and 7.
        assertEquals(28, (int) Math.floor(0.29 * 100));
        assertEquals(29, TrimmedMean.trimCount(0.29, 100));
        assertEquals(7, TrimmedMean.trimCount(0.07, 100));
    }

    @Test
    void shouldDropExactlyKFromEachEnd() {
        // Column 0: 1..10 with outliers at both ends; column 1: ties.
        final UpdateBlock block = UpdateBlock.of(
            new float[] {-1000f, 5f}, new float[] {2f, 5f}, new float[] {3f, 1f}, new float[] {4f, 5f},
            new float[] {5f, 9f}, new float[] {6f, 5f}, new float[] {7f, 5f}, new float[] {8f, 5f},
            new float[] {9f, 5f}, new float[] {1e30f, 5f});
        final var result = (AggregationResult.TrimmedMeanResult) TrimmedMean.ofTrimCount(2).aggregate(block);
        // Kept: 3..8 -> 5.5; kept fives in column 1 -> 5.
        assertArrayEquals(new float[] {5.5f, 5f}, result.aggregate());
        assertEquals(10, result.inputs());
        assertEquals(2, result.trimmed());
    }

    @Test
    void shouldComputeKFromBetaAtAggregateTime() {
        final TrimmedMean rule = TrimmedMean.ofBeta(0.29);
        assertEquals(29, ((AggregationResult.TrimmedMeanResult) rule.aggregate(block(100, 3, 1))).trimmed());
        assertEquals(2, ((AggregationResult.TrimmedMeanResult) rule.aggregate(block(10, 3, 2))).trimmed());
        assertEquals(0, ((AggregationResult.TrimmedMeanResult) rule.aggregate(block(3, 3, 3))).trimmed());
    }

    @Test
    void shouldEqualTheMeanWhenKIsZero() {
        final UpdateBlock block = UpdateBlock.of(new float[] {1f, -2f, 0.5f}, new float[] {3f, 4f, 0.25f},
            new float[] {8f, 1f, 0.25f});
        assertArrayEquals(new float[] {4f, 1f, 1f / 3f}, TrimmedMean.ofTrimCount(0).aggregate(block).aggregate());
        assertArrayEquals(new float[] {4f, 1f, 1f / 3f}, TrimmedMean.ofBeta(0.0).aggregate(block).aggregate());
    }

    @Test
    void shouldMatchTheReferenceOnALargeBlockAcrossTheColumnTail() {
        final UpdateBlock block = block(100, 1037, 4);
        final float[] ours = TrimmedMean.ofBeta(0.1).aggregate(block).aggregate();
        final float[] reference = ReferenceTrimmedMean.aggregate(block, 10);
        for (int j = 0; j < ours.length; j++) {
            assertEquals(reference[j], ours[j], 1e-6f, "column " + j);
        }
    }

    @Test
    void shouldAverageHugeFiniteValuesWithoutOverflow() {
        final UpdateBlock block = UpdateBlock.of(new float[] {3.4e38f}, new float[] {3.4e38f}, new float[] {3.4e38f},
            new float[] {-3.4e38f}, new float[] {3.4e38f});
        assertArrayEquals(new float[] {3.4e38f}, TrimmedMean.ofTrimCount(1).aggregate(block).aggregate());
        assertArrayEquals(new float[] {(float) (3.0 * 3.4e38f / 5)}, TrimmedMean.ofTrimCount(0).aggregate(block).aggregate());
    }

    @Test
    void shouldNameItself() {
        assertEquals("trimmed-mean", TrimmedMean.ofBeta(0.1).name());
        assertEquals("trimmed-mean", TrimmedMean.ofTrimCount(3).name());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.75, -0.1, -0.0001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void shouldRejectBetaOutsideZeroToOneHalf(final double beta) {
        final String message = "trimmed mean needs beta finite and in [0, 0.5), got beta=" + beta;
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> TrimmedMean.ofBeta(beta)).getMessage());
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> TrimmedMean.trimCount(beta, 10)).getMessage());
    }

    @Test
    void shouldRejectANegativeTrimCount() {
        assertEquals("trimmed mean needs k >= 0, got k=-1",
            assertThrows(IllegalArgumentException.class, () -> TrimmedMean.ofTrimCount(-1)).getMessage());
        assertEquals("trimmed mean needs n >= 0, got n=-5",
            assertThrows(IllegalArgumentException.class, () -> TrimmedMean.trimCount(0.1, -5)).getMessage());
    }

    @Test
    void shouldRejectBlocksWithoutMoreThanTwoKRows() {
        assertEquals("trimmed mean needs 2k < n, got k=5, n=10",
            assertThrows(IllegalArgumentException.class, () -> TrimmedMean.ofTrimCount(5).aggregate(block(10, 4, 5))).getMessage());
        assertEquals("trimmed mean needs 2k < n, got k=1, n=1",
            assertThrows(IllegalArgumentException.class, () -> TrimmedMean.ofTrimCount(1).aggregate(block(1, 4, 5))).getMessage());
    }

    @Test
    void shouldRejectNonFiniteValuesNamingRowAndColumn() {
        final float[][] cases = {{Float.NaN, 2, 7}, {Float.POSITIVE_INFINITY, 0, 0}, {Float.NEGATIVE_INFINITY, 9, 3}};
        for (final float[] c : cases) {
            final UpdateBlock block = block(10, 8, 6);
            block.data()[(int) c[1] * 8 + (int) c[2]] = c[0];
            final String expected = "row " + (int) c[1] + ", column " + (int) c[2] + ": value is " + c[0] + "; updates must be finite";
            // Checked before the trim count, so even a rule that could never run on this block reports the value.
            assertEquals(expected, assertThrows(IllegalArgumentException.class,
                () -> TrimmedMean.ofTrimCount(1).aggregate(block)).getMessage());
            assertEquals(expected, assertThrows(IllegalArgumentException.class,
                () -> TrimmedMean.ofTrimCount(5).aggregate(block)).getMessage());
        }
    }

    @Test
    void shouldLeaveTheBlockUntouchedAndNeverReturnNaN() {
        final UpdateBlock block = block(40, 100, 7);
        final float[] before = block.data().clone();
        final float[] out = TrimmedMean.ofBeta(0.2).aggregate(block).aggregate();
        assertArrayEquals(before, block.data());
        for (final float x : out) {
            assertTrue(Float.isFinite(x));
        }
    }

    static UpdateBlock block(final int n, final int d, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new UpdateBlock(data, n, d);
    }
}
