package io.canopy.aggregation;

import io.canopy.aggregation.reference.ReferenceMedian;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CoordinateMedianTest {

    private final CoordinateMedian median = new CoordinateMedian();

    @Test
    void shouldTakeTheMiddleValueForOddN() {
        final UpdateBlock block = UpdateBlock.of(new float[] {5f, -1f}, new float[] {1f, -3f}, new float[] {1e30f, 7f},
            new float[] {2f, -2f}, new float[] {-1e30f, 0f});
        final var result = (AggregationResult.MedianResult) median.aggregate(block);
        assertArrayEquals(new float[] {2f, -1f}, result.aggregate());
        assertEquals(5, result.inputs());
    }

    @Test
    void shouldAverageTheTwoMiddleValuesForEvenN() {
        final UpdateBlock block = UpdateBlock.of(new float[] {4f, 3.4e38f}, new float[] {1f, 3.4e38f},
            new float[] {2f, 3.4e38f}, new float[] {100f, -1f});
        // (2 + 4) / 2, and (3.4e38 + 3.4e38) / 2 computed in double: no overflow.
        assertArrayEquals(new float[] {3f, 3.4e38f}, median.aggregate(block).aggregate());
    }

    @Test
    void shouldReturnTheOnlyRowForOneInput() {
        assertArrayEquals(new float[] {1.5f, -2f}, median.aggregate(UpdateBlock.of(new float[] {1.5f, -2f})).aggregate());
    }

    @Test
    void shouldEqualTheSortBasedMedianBitForBitOnEitherPath() {
        for (final int n : new int[] {2, 3, 100, 101, 256, 257, 300}) {
            final UpdateBlock block = TrimmedMeanTest.block(n, 37, n);
            assertArrayEquals(ReferenceMedian.aggregate(block), median.aggregate(block).aggregate(), "n=" + n);
        }
    }

    @Test
    void shouldRejectNonFiniteValuesNamingRowAndColumn() {
        final UpdateBlock block = TrimmedMeanTest.block(4, 3, 9);
        block.data()[3 * 3 + 1] = Float.NaN;
        assertEquals("row 3, column 1: value is NaN; updates must be finite",
            assertThrows(IllegalArgumentException.class, () -> median.aggregate(block)).getMessage());
    }

    @Test
    void shouldNameItself() {
        assertEquals("median", median.name());
    }
}
