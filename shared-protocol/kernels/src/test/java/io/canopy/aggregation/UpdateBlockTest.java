package io.canopy.aggregation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UpdateBlockTest {

    @Test
    void shouldNameTheFirstNonFiniteValueEvenWhenTheScanIsSplitOverCores() {
        final int rows = 40;
        final int dim = 100_003; // 4M values: several parallel chunks, none aligned to the vector length
        final UpdateBlock b = new UpdateBlock(new float[rows * dim], rows, dim);
        assertDoesNotThrow(b::requireFinite);
        b.data()[37 * dim + 99_999] = Float.POSITIVE_INFINITY;
        b.data()[31 * dim + 5] = Float.NaN;
        assertEquals("row 31, column 5: value is NaN; updates must be finite",
            assertThrows(IllegalArgumentException.class, b::requireFinite).getMessage());
    }

    @Test
    void shouldRejectAnEmptyOrShortBlockNamingTheSizes() {
        assertEquals("empty block: rows=0, need at least one update",
            assertThrows(IllegalArgumentException.class, () -> new UpdateBlock(new float[4], 0, 4)).getMessage());
        assertEquals("data has 7 floats, rows*dim=8",
            assertThrows(IllegalArgumentException.class, () -> new UpdateBlock(new float[7], 2, 4)).getMessage());
    }
}
