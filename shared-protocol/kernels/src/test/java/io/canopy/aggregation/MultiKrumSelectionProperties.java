package io.canopy.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.canopy.kernel.FloatColumns;
import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.PlainDistances;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link MultiKrum#selectFromLower}, the one selection that {@link MultiKrum#aggregate} and the detector over held
 * rows ({@link MultiKrum#select(io.canopy.kernel.ColumnRanges, MultiKrum.Workspace)}) share.
 */
class MultiKrumSelectionProperties {

    /** n Gaussian rows whose norms spread from 1 to 1 + spread, so that some scores stand apart. */
    private static UpdateBlock spread(final long seed, final int n, final int d, final double spread) {
        final UpdateBlock b = Blocks.gaussian(seed, n, d, 1);
        final SplittableRandom rnd = new SplittableRandom(~seed);
        for (int i = 0; i < n; i++) {
            final float s = (float) (1 + spread * rnd.nextDouble());
            for (int k = 0; k < d; k++) {
                b.data()[i * d + k] *= s;
            }
        }
        return b;
    }

    @Property(tries = 100)
    void aggregate_selects_exactly_what_the_selection_from_the_same_blocks_distances_selects(
        @ForAll @IntRange(min = 0, max = 10) final int f, @ForAll @IntRange(min = 0, max = 40) final int extra,
        @ForAll @IntRange(min = 1, max = 1500) final int d, @ForAll final boolean krum, @ForAll final long seed) {
        final int n = 2 * f + 3 + extra;
        final UpdateBlock b = spread(seed, n, d, 3);
        final MultiKrum rule = krum ? MultiKrum.krum(f) : MultiKrum.withDefaultM(f);
        final AggregationResult.KrumResult whole = rule.aggregate(b, new MultiKrum.Workspace(1));
        final double[] dist = new double[n * n];
        GramMatrix.lowerSquaredDistances(b.data(), n, d, dist, new GramMatrix.Workspace(1));
        final MultiKrum.Selection s = rule.selectFromLower(dist, n, new MultiKrum.Workspace(1));
        assertEquals(whole.m(), s.m());
        assertEquals(whole.neighbours(), s.neighbours());
        assertArrayEquals(whole.scores(), s.scores());
        assertArrayEquals(whole.selected(), s.selected());
        assertArrayEquals(whole.rejected(), s.rejected());
    }

    /**
     * Over the same values read a chunk of columns at a time, the distances differ from the block's by rounding only
     * (within 4e-5·max G_ii each, ChunkedGramProperties), so a score moves by at most n − f − 2 times that: wherever
     * the m-th and (m+1)-th scores are farther apart than twice this, the same rows are rejected.
     */
    @Property(tries = 60)
    void the_selection_over_column_ranges_rejects_what_aggregate_rejects_where_scores_stand_apart(
        @ForAll @IntRange(min = 1, max = 8) final int f, @ForAll @IntRange(min = 0, max = 30) final int extra,
        @ForAll @IntRange(min = 1, max = 3000) final int d, @ForAll final long seed) {
        final int n = 2 * f + 3 + extra;
        final UpdateBlock b = spread(seed, n, d, 3);
        final MultiKrum rule = MultiKrum.withDefaultM(f);
        final AggregationResult.KrumResult whole = rule.aggregate(b, new MultiKrum.Workspace(1));
        final double maxNorm = PlainDistances.maxCentredNorm(b.data(), n, d);
        final double[] sorted = whole.scores().clone();
        Arrays.sort(sorted);
        final int m = n - f;
        Assume.that(sorted[m] - sorted[m - 1] > 2 * 2 * (n - f - 2) * 4e-5 * maxNorm);

        final MultiKrum.Selection s = rule.select(new FloatColumns(b.data(), n, d), new MultiKrum.Workspace(1));
        assertArrayEquals(whole.rejected(), s.rejected());
        final int[] selected = s.selected().clone();
        final int[] expected = whole.selected().clone();
        Arrays.sort(selected);
        Arrays.sort(expected);
        assertArrayEquals(expected, selected);
    }
}
