package io.canopy.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * What every aggregation rule must do, run once per rule (the JCTools QueueSanityTest pattern).
 * Subclasses name the rule and a block size it accepts.
 */
abstract class AggregationRuleContract {

    /** The rule under test, configured for blocks of {@link #rows()} rows. */
    abstract AggregationRule rule();

    int rows() {
        return 11;
    }

    /** Whether reordering the rows must give bit-identical output (rules that sort per coordinate). */
    boolean bitIdenticalUnderPermutation() {
        return false;
    }

    /** The largest magnitude the rule must aggregate without a NaN. */
    double extremeScale() {
        return 3e30;
    }

    @Test
    void shouldRejectNanNamingRowAndColumn() {
        final UpdateBlock b = Blocks.gaussian(1, rows(), 20, 1);
        b.data()[3 * 20 + 17] = Float.NaN;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rule().aggregate(b));
        assertEquals("row 3, column 17: value is NaN; updates must be finite", e.getMessage());
    }

    @Test
    void shouldRejectInfinityNamingRowAndColumn() {
        final UpdateBlock b = Blocks.gaussian(2, rows(), 40, 1);
        b.data()[(rows() - 1) * 40 + 39] = Float.NEGATIVE_INFINITY;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rule().aggregate(b));
        assertEquals("row " + (rows() - 1) + ", column 39: value is -Infinity; updates must be finite", e.getMessage());
    }

    @Test
    void shouldRejectARowOfTheWrongDimension() {
        final float[][] rows = new float[rows()][5];
        rows[4] = new float[4];
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpdateBlock.of(rows));
        assertEquals("row 4 has dimension 4, expected 5 (the dimension of row 0)", e.getMessage());
    }

    @Test
    void shouldRejectAnEmptyBlock() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, UpdateBlock::of);
        assertEquals("empty block: no rows", e.getMessage());
    }

    @Test
    void shouldReturnTheCommonRowWhenAllRowsAreEqual() {
        final int d = 37;
        final float[] row = new float[d];
        for (int k = 0; k < d; k++) {
            row[k] = (float) Math.sin(k) * 1e3f;
        }
        final float[][] rows = new float[rows()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = row.clone();
        }
        assertArrayEquals(row, rule().aggregate(UpdateBlock.of(rows)).aggregate(), 1e-6f * 1e3f);
    }

    @Test
    void shouldBeInvariantToTheOrderOfRows() {
        final UpdateBlock b = Blocks.gaussian(3, rows(), 53, 1);
        final float[] a1 = rule().aggregate(b).aggregate();
        final float[] a2 = rule().aggregate(Blocks.permute(b, Blocks.shuffle(4, rows()))).aggregate();
        if (bitIdenticalUnderPermutation()) {
            assertArrayEquals(a1, a2);
        } else {
            assertArrayEquals(a1, a2, 1e-6f);
        }
    }

    @Test
    void shouldNeverModifyItsInputNorEmitNan() {
        final UpdateBlock b = Blocks.gaussian(5, rows(), 70, extremeScale());
        final float[] before = b.data().clone();
        final float[] out = rule().aggregate(b).aggregate();
        assertArrayEquals(before, b.data());
        assertEquals(70, out.length);
        for (final float v : out) {
            assertFalse(Float.isNaN(v) || Float.isInfinite(v), "non-finite output " + v);
        }
    }
}
