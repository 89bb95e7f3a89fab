package io.canopy.kernel;

import java.util.Arrays;

/**
 * Comparator networks that split n values into three groups: the k smallest, the n−2k middle values
 * and the k largest, each group in no particular order. That is all a coordinate-wise trimmed mean
 * needs (Yin et al. 2018, "Byzantine-robust distributed learning: towards optimal statistical
 * rates", ICML); the median is the case k = ⌊(n−1)/2⌋.
 *
 * <p>Construction: Batcher's odd–even merge sort (K. E. Batcher, "Sorting networks and their
 * applications", AFIPS 1968; Knuth, TAOCP vol. 3, §5.3.4, Algorithm M in its iterative form) over
 * the next power of two N ≥ n, with the wires n..N−1 taken to carry +∞. A comparator that touches
 * such a wire leaves every value where it is, so it is dropped; the rest sorts any n values. Then,
 * walking backwards, a comparator is dropped when neither of its wires is touched by a comparator kept
 * after it and both wires end in the same group: it could only swap two values within a group. For
 * n = 100 this keeps 900 of 1104 comparators at k = 10 (1086 would be needed to leave the middle
 * sorted) and 897 for the median.
 *
 * <p>The first stages of Batcher's sort only sort aligned runs of {@code presorted} wires; callers
 * that sort those runs themselves (in registers) ask for the network without them. Any sort of the
 * runs will do: the later stages only assume each run is sorted.
 *
 * <p>Comparators are returned as pairs {@code (lo, hi)} with {@code lo < hi}: after the
 * compare–exchange, wire {@code lo} holds the smaller value. Stateless and thread-safe.
 */
public final class SelectionNetwork {

    /** Largest n served; beyond a few hundred wires the callers' scratch would leave L1 anyway. */
    public static final int MAX_WIRES = 4096;

    private SelectionNetwork() {
    }

    /**
     * The comparators, as {@code [lo0, hi0, lo1, hi1, ...]}, that leave wires {@code [0, k)} holding
     * the k smallest inputs, wires {@code [k, n−k)} the middle ones and {@code [n−k, n)} the k largest.
     *
     * @throws IllegalArgumentException unless {@code 1 ≤ n ≤ MAX_WIRES}, {@code k ≥ 0} and {@code 2k < n}
     */
    public static int[] comparators(final int n, final int k) {
        return comparators(n, k, 1);
    }

    /**
     * As {@link #comparators(int, int)}, for wires whose aligned runs {@code [r·presorted,
     * (r+1)·presorted)} are already sorted ascending (the last run padded with +∞ past n).
     *
     * @throws IllegalArgumentException also unless {@code presorted} is a power of two
     */
    public static int[] comparators(final int n, final int k, final int presorted) {
        if (!(n >= 1 && n <= MAX_WIRES)) {
            throw new IllegalArgumentException("selection network needs 1 <= n <= " + MAX_WIRES + ", got n=" + n);
        }
        if (!(k >= 0 && 2L * k < n)) {
            throw new IllegalArgumentException("selection network needs 0 <= k and 2k < n, got k=" + k + ", n=" + n);
        }
        if (!(presorted >= 1 && Integer.bitCount(presorted) == 1)) {
            throw new IllegalArgumentException("presorted runs must be a power of two long, got presorted=" + presorted);
        }
        return prune(batcher(n, presorted), n, k);
    }

    /** Batcher's odd–even merge sort for n wires from the merge of runs of {@code first}; +∞ padding left out. */
    static int[] batcher(final int n, final int first) {
        int big = 1;
        int log = 0;
        while (big < n) {
            big <<= 1;
            log++;
        }
        // N·log N·(log N + 1)/4 bounds the comparator count of the padded network.
        final int[] pairs = new int[Math.max(2, big * log * (log + 1) / 2)];
        int count = 0;
        for (int p = first; p < big; p <<= 1) {
            for (int step = p; step >= 1; step >>= 1) {
                for (int j = step % p; j + step < big; j += 2 * step) {
                    final int width = Math.min(step, big - j - step);
                    for (int i = 0; i < width; i++) {
                        final int lo = i + j;
                        final int hi = lo + step;
                        // Stage p merges sorted runs of p into runs of 2p: never across a 2p boundary.
                        if (lo / (2 * p) == hi / (2 * p) && hi < n) {
                            pairs[count++] = lo;
                            pairs[count++] = hi;
                        }
                    }
                }
            }
        }
        return Arrays.copyOf(pairs, count);
    }

    /** Drops, back to front, comparators that can only permute values within one output group. */
    private static int[] prune(final int[] pairs, final int n, final int k) {
        final boolean[] touched = new boolean[n];
        final boolean[] keep = new boolean[pairs.length / 2];
        int kept = 0;
        for (int c = pairs.length / 2 - 1; c >= 0; c--) {
            final int lo = pairs[2 * c];
            final int hi = pairs[2 * c + 1];
            if (!touched[lo] && !touched[hi] && group(lo, n, k) == group(hi, n, k)) {
                continue;
            }
            keep[c] = true;
            touched[lo] = true;
            touched[hi] = true;
            kept++;
        }
        final int[] out = new int[2 * kept];
        int o = 0;
        for (int c = 0; c < keep.length; c++) {
            if (keep[c]) {
                out[o++] = pairs[2 * c];
                out[o++] = pairs[2 * c + 1];
            }
        }
        return out;
    }

    private static int group(final int wire, final int n, final int k) {
        return wire < k ? 0 : wire < n - k ? 1 : 2;
    }
}
