package io.canopy.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.canopy.testing.AllocationMeter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KrumScoresTest {

    @Test
    void shouldScoreEachRowByTheSumOfItsKSmallestOffDiagonalEntries() {
        // Four points on a line at 0, 1, 3, 7: squared distances.
        final double[] dist = {
            0, 1, 9, 49,
            1, 0, 4, 36,
            9, 4, 0, 16,
            49, 36, 16, 0};
        final double[] out = new double[4];
        KrumScores.scores(dist, 4, 2, out, new KrumScores.Workspace());
        assertArrayEquals(new double[] {1 + 9, 1 + 4, 4 + 9, 16 + 36}, out);
    }

    @Test
    void shouldCountTiesAtTheThresholdOnlyAsOftenAsTheNeighbourCountNeeds() {
        // Twelve points on a ring (past one block of lanes): each sees 0.5 four times, 2.0 four times, 9.0 three times.
        final int n = 12;
        final double[] dist = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                final int gap = Math.min(Math.floorMod(j - i, n), Math.floorMod(i - j, n));
                dist[i * n + j] = gap == 0 ? 0.0 : gap <= 2 ? 0.5 : gap <= 4 ? 2.0 : 9.0;
            }
        }
        final double[] five = new double[n];
        final double[] six = new double[n];
        KrumScores.scores(dist, n, 5, five, new KrumScores.Workspace());
        KrumScores.scores(dist, n, 6, six, new KrumScores.Workspace());
        final double[] expectedFive = new double[n];
        final double[] expectedSix = new double[n];
        Arrays.fill(expectedFive, 4 * 0.5 + 2.0);
        Arrays.fill(expectedSix, 4 * 0.5 + 2 * 2.0);
        assertArrayEquals(expectedFive, five);
        assertArrayEquals(expectedSix, six);
    }

    @Test
    void shouldIgnoreTheDiagonalWhateverItHolds() {
        final int n = 20;
        final double[] dist = KrumScoresProperties.symmetric(n, KrumScoresProperties.Values.DISTANCES, 3);
        final double[] expected = new double[n];
        KrumScores.scores(dist, n, 13, expected, new KrumScores.Workspace());
        for (int i = 0; i < n; i++) {
            dist[i * n + i] = i % 2 == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
        }
        final double[] out = new double[n];
        KrumScores.scores(dist, n, 13, out, new KrumScores.Workspace());
        assertArrayEquals(expected, out);
    }

    @Test
    void shouldGiveExactlyThePerRowPathsBitsOnValuesOutsideTheVectorDomain() {
        final int n = 40;
        for (final double odd : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0, -2.0}) {
            final double[] dist = KrumScoresProperties.symmetric(n, KrumScoresProperties.Values.DISTANCES, 11);
            dist[5 * n + 17] = odd;
            dist[17 * n + 5] = odd;
            final KrumScores.Workspace workspace = new KrumScores.Workspace();
            final double[] ours = new double[n];
            final double[] perRow = new double[n];
            KrumScores.scores(dist, n, 27, ours, workspace);
            KrumScores.scoresByQuickselect(dist, n, 27, perRow, workspace);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(perRow[i]), Double.doubleToRawLongBits(ours[i]),
                    "value " + odd + ", row " + i);
            }
        }
    }

    @Test
    void shouldHandleFewerRowsThanLanesAndNoNeighbours() {
        for (int n = 1; n <= 9; n++) {
            final double[] dist = KrumScoresProperties.symmetric(n, KrumScoresProperties.Values.TIES, n);
            for (int k = 0; k < n; k++) {
                final double[] out = new double[n];
                KrumScores.scores(dist, n, k, out, new KrumScores.Workspace());
                assertArrayEquals(KrumScoresProperties.referenceScores(dist, n, k), out, "n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void shouldRejectOutOfRangeArgumentsNamingThem() {
        final KrumScores.Workspace workspace = new KrumScores.Workspace();
        assertEquals("krum scores need 0 <= k <= n-1, got k=4, n=4", assertThrows(IllegalArgumentException.class,
            () -> KrumScores.scores(new double[16], 4, 4, new double[4], workspace)).getMessage());
        assertEquals("krum scores need 0 <= k <= n-1, got k=-1, n=4", assertThrows(IllegalArgumentException.class,
            () -> KrumScores.scores(new double[16], 4, -1, new double[4], workspace)).getMessage());
        assertEquals("krum scores need n >= 1, got n=0", assertThrows(IllegalArgumentException.class,
            () -> KrumScores.scores(new double[0], 0, 0, new double[0], workspace)).getMessage());
        assertEquals("dist has 15 doubles, n*n=16", assertThrows(IllegalArgumentException.class,
            () -> KrumScores.scores(new double[15], 4, 1, new double[4], workspace)).getMessage());
        assertEquals("out has 3 doubles, n=4", assertThrows(IllegalArgumentException.class,
            () -> KrumScores.scoresByQuickselect(new double[16], 4, 1, new double[3], workspace)).getMessage());
    }

    @Test
    void shouldAllocateNothingOnceTheWorkspaceHasGrown() {
        final int n = 300;
        final double[] dist = KrumScoresProperties.symmetric(n, KrumScoresProperties.Values.DISTANCES, 5);
        final double[] out = new double[n];
        final KrumScores.Workspace workspace = new KrumScores.Workspace();
        final long perCall = AllocationMeter.steadyStateBytesPerCall(
            () -> KrumScores.scores(dist, n, 223, out, workspace), 50, 200, 0);
        assertEquals(0, perCall, "bytes allocated per call");
    }
}
