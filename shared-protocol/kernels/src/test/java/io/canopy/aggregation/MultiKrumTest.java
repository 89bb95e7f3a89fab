package io.canopy.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.aggregation.reference.ReferenceKrum;
import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.KrumScores;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MultiKrumTest extends AggregationRuleContract {

    @Override
    double extremeScale() {
        // Distances are float products: 1e15² · d stays far inside float32's range.
        return 1e15;
    }

    @Override
    AggregationRule rule() {
        return MultiKrum.withDefaultM(3);
    }

    @Property(tries = 150)
    void selectionMatchesThePerPairReference(@ForAll @IntRange(min = 0, max = 8) final int f,
                                             @ForAll @IntRange(min = 0, max = 30) final int extra,
                                             @ForAll @IntRange(min = 1, max = 120) final int d,
                                             @ForAll final long seed) {
        final int n = 2 * f + 3 + extra;
        final UpdateBlock b = Blocks.gaussian(seed, n, d, 1);
        final double[] ref = ReferenceKrum.scores(b, f);
        final double[] sorted = ref.clone();
        Arrays.sort(sorted);
        final int m = n - f;
        // Exact selection is only defined where the m-th and (m+1)-th scores are apart by more than rounding.
        Assume.that(m == n || sorted[m] - sorted[m - 1] > 1e-6 * sorted[m]);

        final AggregationResult.KrumResult r = MultiKrum.withDefaultM(f).aggregate(b);
        assertEquals(n - f - 2, r.neighbours());
        for (int i = 0; i < n; i++) {
            assertEquals(ref[i], r.scores()[i], 1e-5 * ref[i] + 1e-12, "score of row " + i);
        }
        final int[] expected = ReferenceKrum.select(b, f, m);
        final int[] got = r.selected().clone();
        Arrays.sort(expected);
        Arrays.sort(got);
        assertArrayEquals(expected, got);
        final double[] mean = ReferenceKrum.meanOf(b, expected);
        for (int k = 0; k < d; k++) {
            assertEquals(mean[k], r.aggregate()[k], 1e-5, "coordinate " + k);
        }
    }

    /**
     * The scores, and so the selection with its ties to the lower index, are those of the per-row quickselect
     * Multi-Krum used before {@link KrumScores}, bit for bit, over the same distances.
     */
    @Property(tries = 100)
    void scoresAreBitIdenticalToThePerRowQuickselectOverTheSameDistances(
        @ForAll @IntRange(min = 0, max = 40) final int f, @ForAll @IntRange(min = 0, max = 60) final int extra,
        @ForAll @IntRange(min = 1, max = 100) final int d, @ForAll final boolean duplicates, @ForAll final long seed) {
        final int n = 2 * f + 3 + extra;
        final UpdateBlock b = Blocks.gaussian(seed, n, d, 1);
        if (duplicates) {
            // Repeated rows tie in score: the lower index must still win.
            final SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 1; i < n; i += 3) {
                System.arraycopy(b.data(), rnd.nextInt(i) * d, b.data(), i * d, d);
            }
        }
        final double[] dist = new double[n * n];
        GramMatrix.pairwiseSquaredDistances(b.data(), n, d, dist);
        final double[] before = new double[n];
        KrumScores.scoresByQuickselect(dist, n, n - f - 2, before, new KrumScores.Workspace());

        final AggregationResult.KrumResult r = MultiKrum.withDefaultM(f).aggregate(b);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(before[i]), Double.doubleToRawLongBits(r.scores()[i]), "row " + i);
        }
        assertArrayEquals(Arrays.copyOf(IndexOrder.ascending(before), n - f), r.selected());
    }

    @Property(tries = 60)
    void krumAlwaysRejectsFFarOutliers(@ForAll @IntRange(min = 1, max = 10) final int f,
                                       @ForAll @IntRange(min = 0, max = 20) final int extra,
                                       @ForAll final long seed) {
        final int n = 2 * f + 3 + extra;
        final int d = 50;
        final UpdateBlock b = Blocks.gaussian(seed, n, d, 1);
        final int[] perm = Blocks.shuffle(seed ^ 0x5DEECE66DL, n);
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int[] outliers = Arrays.copyOf(perm, f);
        for (final int o : outliers) {
            for (int k = 0; k < d; k++) {
                b.data()[o * d + k] = (float) (1e4 + 1e3 * Blocks.gaussian(rnd));
            }
        }
        Arrays.sort(outliers);
        final AggregationResult.KrumResult multi = MultiKrum.withDefaultM(f).aggregate(b);
        assertArrayEquals(outliers, multi.rejected(), "Multi-Krum must reject exactly the f outliers");
        final AggregationResult.KrumResult krum = MultiKrum.krum(f).aggregate(b);
        assertEquals(1, krum.selected().length);
        assertTrue(Arrays.binarySearch(outliers, krum.selected()[0]) < 0, "Krum picked an outlier");
    }

    /**
     * ALIE-style geometry: every update is one large vector plus a tiny perturbation. Uncentred,
     * ||a||² + ||b||² − 2a·b in float cancels to noise at this scale; the centred Gram must still
     * rank rows as the exact per-pair distances do.
     */
    @Test
    void shouldRankNearDuplicatesWithLargeNormsLikeTheExactDistances() {
        final int n = 24;
        final int d = 4096;
        final int f = 5;
        final SplittableRandom rnd = new SplittableRandom(42);
        final float[] base = new float[d];
        for (int k = 0; k < d; k++) {
            base[k] = (float) (100 + 50 * Blocks.gaussian(rnd));
        }
        final float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            // Rows 0..f-1 sit a little further out than the rest, but still only 1e-5 of the norm away.
            final double spread = i < f ? 0.08 : 0.01;
            for (int k = 0; k < d; k++) {
                x[i * d + k] = base[k] + (float) (spread * Blocks.gaussian(rnd));
            }
        }
        final UpdateBlock b = new UpdateBlock(x, n, d);
        final AggregationResult.KrumResult r = MultiKrum.withDefaultM(f).aggregate(b);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, r.rejected());
        final int[] expected = ReferenceKrum.select(b, f, n - f);
        assertArrayEquals(expected, r.selected());
    }

    @Test
    void shouldRefuseUpdatesWhoseDistancesOverflowFloat() {
        final UpdateBlock b = Blocks.gaussian(6, 9, 16, 1);
        b.data()[4 * 16 + 3] = 3e30f;
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> MultiKrum.withDefaultM(2).aggregate(b));
        assertEquals("row 0: squared distances overflow float32 (values of magnitude ~1e19 or more); scale or clip"
            + " the updates before Multi-Krum", e.getMessage());
    }

    @Test
    void shouldBreakTiesByTheLowerIndex() {
        final float[][] rows = new float[7][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {i % 2 == 0 ? 1f : -1f, 0f};
        }
        final AggregationResult.KrumResult r = MultiKrum.of(1, 3).aggregate(UpdateBlock.of(rows));
        // Rows 0,2,4,6 share the lowest score (three neighbours at distance 0 within n-f-2 = 4).
        assertArrayEquals(new int[] {0, 2, 4}, r.selected());
        assertArrayEquals(new int[] {1, 3, 5, 6}, r.rejected());
        assertArrayEquals(new float[] {1f, 0f}, r.aggregate());
    }

    @Test
    void shouldRejectInvalidParametersNamingThem() {
        final UpdateBlock b = Blocks.gaussian(1, 8, 4, 1);
        assertEquals("multi-krum needs n > 2f + 2, got n=8, f=3 (at most f=2 for n=8)",
            assertThrows(IllegalArgumentException.class, () -> MultiKrum.withDefaultM(3).aggregate(b)).getMessage());
        assertEquals("multi-krum needs m in 1..n, got m=9, n=8",
            assertThrows(IllegalArgumentException.class, () -> MultiKrum.of(1, 9).aggregate(b)).getMessage());
        assertEquals("multi-krum needs m >= 1, got m=0",
            assertThrows(IllegalArgumentException.class, () -> MultiKrum.of(1, 0)).getMessage());
        assertEquals("multi-krum needs f >= 0, got f=-1",
            assertThrows(IllegalArgumentException.class, () -> MultiKrum.krum(-1)).getMessage());
        assertEquals("multi-krum needs n > 2f + 2, got n=2, f=0 (Krum needs at least 3 updates)",
            assertThrows(IllegalArgumentException.class,
                () -> MultiKrum.krum(0).aggregate(Blocks.gaussian(1, 2, 4, 1))).getMessage());
    }
}
