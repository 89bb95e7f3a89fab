package io.canopy.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScalarSelectionTest {

    @Test
    void shouldSelectOnOrderedReversedTiedAndOrganPipeInputs() {
        final SplittableRandom random = new SplittableRandom(5);
        for (final int n : new int[] {1, 2, 3, 7, 64, 257, 1000}) {
            final float[][] inputs = new float[5][n];
            for (int i = 0; i < n; i++) {
                inputs[0][i] = i;
                inputs[1][i] = n - i;
                inputs[2][i] = 3f;
                inputs[3][i] = Math.min(i, n - i);
                inputs[4][i] = random.nextInt(3);
            }
            for (final float[] input : inputs) {
                for (final int kth : new int[] {0, n / 3, n / 2, n - 1}) {
                    final float[] a = input.clone();
                    ScalarSelection.select(a, 0, n - 1, kth);
                    final float[] sorted = input.clone();
                    Arrays.sort(sorted);
                    assertEquals(sorted[kth], a[kth], "n=" + n + ", kth=" + kth);
                    for (int i = 0; i < n; i++) {
                        assertTrue(i < kth ? a[i] <= a[kth] : a[i] >= a[kth], "n=" + n + ", kth=" + kth + ", i=" + i);
                    }
                    Arrays.sort(a);
                    assertEquals(Arrays.toString(sorted), Arrays.toString(a), "a permutation of the input");
                }
            }
        }
    }

    @Test
    void shouldSumFloatsExactlyWhateverTheirOrder() {
        final long[] acc = new long[ScalarSelection.BUCKETS];
        final float[] a = {3e38f, 1f, -3e38f, Float.MIN_VALUE, 0.5f, -0.0f};
        assertEquals(1.5 + Float.MIN_VALUE, ScalarSelection.orderFreeSum(a, 0, a.length, acc));
        final float[] b = {1f, 0.5f, Float.MIN_VALUE, -0.0f, 3e38f, -3e38f};
        assertEquals(1.5 + Float.MIN_VALUE, ScalarSelection.orderFreeSum(b, 0, b.length, acc));
    }
}
