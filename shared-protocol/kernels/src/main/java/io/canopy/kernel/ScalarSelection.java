package io.canopy.kernel;

import java.util.Arrays;

/**
 * Scalar per-coordinate selection for the coordinate-wise trimmed mean (Yin et al. 2018) when n is
 * too large for the SIMD path ({@link LaneSelection}) to keep its scratch in L1: two quickselects per column move
 * the k smallest and the k largest values to the ends, and the middle is summed in an
 * order-independent way, so no column is ever fully sorted.
 *
 * <p>Selection is Hoare's FIND (C. A. R. Hoare, CACM 4(7), 1961, Algorithm 65) with a
 * median-of-three pivot and a branch-free partition; a pivot that is the least value gathers its
 * copies instead, so runs of ties end in one round. After {@code 2·log2(n) + 8} rounds, which only
 * crafted inputs reach, it sorts the remaining range instead, bounding the worst case by O(n log n)
 * (the introselect idea of Musser 1997).
 *
 * <p>Not thread-safe per scratch array; the methods are stateless otherwise.
 */
final class ScalarSelection {

    /** Buckets of 8 binary exponents each cover every finite float exponent (1..254 after folding subnormals). */
    static final int BUCKETS = 32;

    private ScalarSelection() {
    }

    /**
     * Partitions {@code a[from, from+n)} so that its first k entries are the k smallest, its last k
     * the k largest and the n−2k in between the middle order statistics (in no particular order).
     */
    static void partitionMiddle(final float[] a, final int from, final int n, final int k) {
        if (k == 0) {
            return;
        }
        select(a, from, from + n - 1, from + k);
        select(a, from + k, from + n - 1, from + n - k - 1);
    }

    /** Moves the (kth − lo)-th smallest of {@code a[lo..hi]} to {@code a[kth]}, smaller ones before it, larger after. */
    static void select(final float[] a, final int lo, final int hi, final int kth) {
        int l = lo;
        int r = hi;
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(hi - lo + 1)) + 8;
        while (l < r) {
            if (--rounds < 0) {
                Arrays.sort(a, l, r + 1);
                return;
            }
            final float x = medianOfThree(a[l], a[(l + r) >>> 1], a[r]);
            final int split = partition(a, l, r, x, false);
            if (split > l) {
                // a[l, split) < x <= a[split, r], both sides non-empty since x is one of the values.
                if (kth < split) {
                    r = split - 1;
                } else {
                    l = split;
                }
            } else {
                // Nothing is below x, so x is the least value: gather its copies to the left.
                final int ties = partition(a, l, r, x, true);
                if (kth < ties) {
                    return;
                }
                l = ties;
            }
        }
    }

    /**
     * Branch-free Lomuto partition (the form popularised by A. Alexandrescu, 2019): moves the values
     * below x (at most x if {@code orEqual}) to the front of a[l..r] and returns where the rest begins.
     * On random data a branching partition mispredicts about every other comparison; this one costs
     * the same whatever the data.
     */
    private static int partition(final float[] a, final int l, final int r, final float x, final boolean orEqual) {
        int i = l;
        for (int j = l; j <= r; j++) {
            final float v = a[j];
            a[j] = a[i];
            a[i] = v;
            i += (orEqual ? v <= x : v < x) ? 1 : 0;
        }
        return i;
    }

    private static float medianOfThree(final float a, final float b, final float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /**
     * Σ a[from, to) in double, computed from an exact integer accumulation so that the result does not
     * depend on the order of the values (a plain double sum does, through rounding, e.g. when ±3e38
     * cancel next to small values). Each finite float is m·2^(e−150) with |m| < 2^24 and e in 1..254;
     * {@code m << (e mod 8)} (below 2^31) is added to bucket e/8 exactly, and the 32 buckets, each an
     * exact double while n < 2^22, are added smallest first. Relative to Σ|a|, the error is below 2^-47.
     *
     * @param acc scratch of {@link #BUCKETS} longs, overwritten
     */
    static double orderFreeSum(final float[] a, final int from, final int to, final long[] acc) {
        Arrays.fill(acc, 0L);
        for (int i = from; i < to; i++) {
            final int bits = Float.floatToRawIntBits(a[i]);
            final int biased = (bits >>> 23) & 0xFF;
            final int mantissa = biased == 0 ? bits & 0x7FFFFF : (bits & 0x7FFFFF) | 0x800000;
            // Subnormals share the scale of the smallest normal exponent.
            final int e = Math.max(biased, 1);
            final long term = (long) mantissa << (e & 7);
            acc[e >>> 3] += bits < 0 ? -term : term;
        }
        double sum = 0.0;
        for (int b = 0; b < BUCKETS; b++) {
            sum += Math.scalb((double) acc[b], 8 * b - 150);
        }
        return sum;
    }
}
