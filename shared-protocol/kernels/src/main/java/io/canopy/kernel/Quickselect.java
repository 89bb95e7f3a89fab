package io.canopy.kernel;

/**
 * In-place selection of the k-th smallest value (Hoare's FIND, 1961) with a median-of-three pivot,
 * O(n) on average. Inputs must not hold NaN. One algorithm, spelled once per primitive type.
 */
public final class Quickselect {
    private Quickselect() {
    }

    /** The value of rank {@code k} (0 = smallest) among {@code a[0..n)}; reorders {@code a}. */
    public static float kthSmallest(final float[] a, final int n, final int k) {
        int lo = 0;
        int hi = n - 1;
        while (hi > lo) {
            final int mid = (lo + hi) >>> 1;
            final float pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
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
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            // a[lo..j] <= pivot <= a[i..hi]; anything strictly between j and i equals the pivot.
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    /** {@link #kthSmallest(float[], int, int)} for doubles. */
    public static double kthSmallest(final double[] a, final int n, final int k) {
        int lo = 0;
        int hi = n - 1;
        while (hi > lo) {
            final int mid = (lo + hi) >>> 1;
            final double pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
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
                    final double t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }
}
