package io.canopy.kernel;

import io.canopy.aggregation.UpdateBlock;
import io.canopy.aggregation.reference.ReferenceMedian;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordinateSelectionTest {

    @Test
    void shouldMatchTheReferenceWhenColumnsAreSplitAcrossThreadsAndTiles() {
        // Enough columns for Parallel to cut them in chunks, tiles of several blocks, and a ragged tail.
        for (final int[] shape : new int[][] {{20, 16 * 1024 + 5}, {100, 3 * 1024 + 3}, {300, 2003}}) {
            final int n = shape[0];
            final int d = shape[1];
            final float[] data = CoordinateSelectionProperties.block(n, d, CoordinateSelectionProperties.Values.MIXED, n);
            final UpdateBlock block = new UpdateBlock(data, n, d);
            final float[] median = new float[d];
            CoordinateSelection.median(data, n, d, median);
            assertArrayEquals(ReferenceMedian.aggregate(block), median, "median, n=" + n);
            final int k = n / 10;
            final float[] trimmed = new float[d];
            CoordinateSelection.trimmedMean(data, n, d, k, trimmed);
            CoordinateSelectionProperties.assertCloseToReference(trimmed, data, n, d, k, "n=" + n);
        }
    }

    @Test
    void shouldPreferInsertionForSmallKAndTheNetworkForTheMedian() {
        assertEquals(null, LaneSelection.plan(100, 10).offsets());
        assertEquals(null, LaneSelection.plan(256, 25).offsets());
        assertTrue(LaneSelection.plan(100, 49).offsets() != null);
        assertTrue(LaneSelection.plan(256, 127).offsets() != null);
    }

    @Test
    void shouldRejectBadArgumentsNamingThem() {
        final float[] data = new float[40];
        final float[] out = new float[4];
        assertEquals("trimmed mean needs 0 <= k and 2k < n, got k=5, n=10",
            assertThrows(IllegalArgumentException.class, () -> CoordinateSelection.trimmedMean(data, 10, 4, 5, out)).getMessage());
        assertEquals("trimmed mean needs 0 <= k and 2k < n, got k=-1, n=10",
            assertThrows(IllegalArgumentException.class, () -> CoordinateSelection.trimmedMean(data, 10, 4, -1, out)).getMessage());
        assertEquals("data has 40 floats, n*d=44",
            assertThrows(IllegalArgumentException.class, () -> CoordinateSelection.trimmedMean(data, 11, 4, 1, out)).getMessage());
        assertEquals("out has 4 floats, d=5",
            assertThrows(IllegalArgumentException.class, () -> CoordinateSelection.trimmedMean(data, 8, 5, 1, out)).getMessage());
        assertEquals("coordinate selection needs n >= 1 and d >= 1, got n=0, d=4",
            assertThrows(IllegalArgumentException.class, () -> CoordinateSelection.trimmedMean(data, 0, 4, 0, out)).getMessage());
        final float[] big = new float[257 * 4];
        assertEquals("SIMD path needs n <= 256, got n=257",
            assertThrows(IllegalArgumentException.class, () -> CoordinateSelection.trimmedMeanSimd(big, 257, 4, 1, out)).getMessage());
    }
}
