package io.canopy.aggregation;

/** Orders row indices by a double key without boxing. */
public final class IndexOrder {

    private IndexOrder() {
    }

    /**
     * Indices 0..n-1 sorted by ascending {@code keys[i]}, ties broken by the lower index (a stable
     * merge sort), so every selection is deterministic and independent of thread timing.
     */
    public static int[] ascending(final double[] keys) {
        final int n = keys.length;
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int width = 1; width < n; width <<= 1) {
            for (int lo = 0; lo < n; lo += width << 1) {
                final int mid = Math.min(lo + width, n);
                final int hi = Math.min(lo + (width << 1), n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    // <= keeps the earlier (lower-index) run first on equal keys: stability.
                    b[k++] = keys[a[i]] <= keys[a[j]] ? a[i++] : a[j++];
                }
                while (i < mid) {
                    b[k++] = a[i++];
                }
                while (j < hi) {
                    b[k++] = a[j++];
                }
            }
            final int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }
}
