package io.canopy.codec;

/** In-place quickselect over a float prefix (Hoare's FIND, median-of-three pivot). */
final class Selection {

    private Selection() {
    }

    /** The value of rank {@code rank} (0 = smallest) among {@code a[0..n)}; reorders {@code a}. Inputs must not be NaN. */
    static float kthSmallest(final float[] a, final int n, final int rank) {
        int lo = 0;
        int hi = n - 1;
        while (hi > lo) {
            final int mid = (lo + hi) >>> 1;
            final float pivot = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    final float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // Now a[lo..j] <= pivot <= a[i..hi], and anything strictly between j and i equals pivot.
            if (rank <= j) {
                hi = j;
            } else if (rank >= i) {
                lo = i;
            } else {
                return a[rank];
            }
        }
        return a[rank];
    }

    private static float median(final float x, final float y, final float z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }
}
