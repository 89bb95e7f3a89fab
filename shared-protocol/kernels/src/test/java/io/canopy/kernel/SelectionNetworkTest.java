package io.canopy.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionNetworkTest {

    /** By the 0–1 principle (Knuth §5.3.4), a network that splits every 0–1 input correctly splits every input. */
    @Test
    void shouldSplitEveryZeroOneInputForSmallN() {
        for (int n = 1; n <= 14; n++) {
            for (int k = 0; 2 * k < n; k++) {
                for (final int presorted : new int[] {1, 2, 8}) {
                    final int[] net = SelectionNetwork.comparators(n, k, presorted);
                    for (int bits = 0; bits < 1 << n; bits++) {
                        final int[] wires = new int[n];
                        for (int i = 0; i < n; i++) {
                            wires[i] = bits >>> i & 1;
                        }
                        presort(wires, presorted);
                        final int[] expected = wires.clone();
                        Arrays.sort(expected);
                        apply(net, wires);
                        assertGroups(expected, wires, k, "n=" + n + ", k=" + k + ", presorted=" + presorted + ", input=" + bits);
                    }
                }
            }
        }
    }

    @Test
    void shouldSplitRandomInputsUpToTwoHundredFiftySix() {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (final int n : new int[] {15, 16, 17, 31, 64, 100, 129, 200, 256}) {
            for (final int k : new int[] {0, 1, n / 10, n / 4, (n - 1) / 2}) {
                final int[] net = SelectionNetwork.comparators(n, k, 8);
                for (int trial = 0; trial < 50; trial++) {
                    final int[] wires = new int[n];
                    for (int i = 0; i < n; i++) {
                        wires[i] = trial % 2 == 0 ? random.nextInt() : random.nextInt(4);
                    }
                    presort(wires, 8);
                    final int[] expected = wires.clone();
                    Arrays.sort(expected);
                    apply(net, wires);
                    assertGroups(expected, wires, k, "n=" + n + ", k=" + k);
                }
            }
        }
    }

    @Test
    void shouldKeepTheComparatorCountsTheJavadocQuotes() {
        assertEquals(1104, SelectionNetwork.batcher(100, 1).length / 2);
        assertEquals(900, SelectionNetwork.comparators(100, 10).length / 2);
        assertEquals(897, SelectionNetwork.comparators(100, 49).length / 2);
    }

    @Test
    void shouldRejectBadParametersNamingThem() {
        assertEquals("selection network needs 0 <= k and 2k < n, got k=5, n=10",
            assertThrows(IllegalArgumentException.class, () -> SelectionNetwork.comparators(10, 5)).getMessage());
        assertEquals("selection network needs 1 <= n <= 4096, got n=0",
            assertThrows(IllegalArgumentException.class, () -> SelectionNetwork.comparators(0, 0)).getMessage());
        assertEquals("presorted runs must be a power of two long, got presorted=3",
            assertThrows(IllegalArgumentException.class, () -> SelectionNetwork.comparators(10, 1, 3)).getMessage());
    }

    @Test
    void shouldOrderEveryComparatorLowWireFirst() {
        final int[] net = SelectionNetwork.comparators(256, 25);
        for (int c = 0; c < net.length; c += 2) {
            assertTrue(0 <= net[c] && net[c] < net[c + 1] && net[c + 1] < 256, "comparator " + c / 2);
        }
    }

    private static void presort(final int[] wires, final int run) {
        for (int from = 0; from < wires.length; from += run) {
            Arrays.sort(wires, from, Math.min(wires.length, from + run));
        }
    }

    private static void apply(final int[] net, final int[] wires) {
        for (int c = 0; c < net.length; c += 2) {
            final int lo = wires[net[c]];
            final int hi = wires[net[c + 1]];
            wires[net[c]] = Math.min(lo, hi);
            wires[net[c + 1]] = Math.max(lo, hi);
        }
    }

    private static void assertGroups(final int[] sorted, final int[] wires, final int k, final String what) {
        final int n = wires.length;
        final int[][] bounds = {{0, k}, {k, n - k}, {n - k, n}};
        for (final int[] b : bounds) {
            final int[] got = Arrays.copyOfRange(wires, b[0], b[1]);
            Arrays.sort(got);
            assertArrayEquals(Arrays.copyOfRange(sorted, b[0], b[1]), got, what + ", wires " + b[0] + ".." + b[1]);
        }
    }
}
