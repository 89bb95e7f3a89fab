package io.canopy.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianTableTest {

    @Test
    void the_quantile_function_matches_known_values_of_the_normal_distribution() {
        // Reference values: Python 3.11 statistics.NormalDist().inv_cdf, printed to 17 digits.
        assertEquals(0.0, NormalQuantile.of(0.5), 0.0);
        assertEquals(1.6448536269514722, NormalQuantile.of(0.95), 1e-14);
        assertEquals(-2.3263478740408408, NormalQuantile.of(0.01), 1e-14);
        assertEquals(-4.264890793922825, NormalQuantile.of(1e-5), 1e-12);
        assertEquals(8.209536151601387, NormalQuantile.of(1 - 1e-16), 1e-6);
    }

    @Test
    void drawn_normals_have_the_moments_and_the_spread_of_a_standard_normal() {
        int n = 1 << 20;
        float[] out = new float[n];
        GaussianTable.addScaled(42L, 1L, 7L, 1.0f, out, 0, n);
        double sum = 0;
        double sumSquares = 0;
        int beyondTwo = 0;
        for (float v : out) {
            sum += v;
            sumSquares += (double) v * v;
            if (Math.abs(v) > 1.959963984540054) {
                beyondTwo++;
            }
        }
        double mean = sum / n;
        double variance = sumSquares / n - mean * mean;
        // Standard errors at n = 2^20: mean 0.001, variance 0.0014, tail share 0.0002.
        assertEquals(0.0, mean, 0.005);
        assertEquals(1.0, variance, 0.007);
        assertEquals(0.05, beyondTwo / (double) n, 0.001);
        assertTrue(GaussianTable.variance() > 0.999 && GaussianTable.variance() < 1.0);
    }

    @Test
    void the_same_counter_gives_the_same_draws_and_another_counter_other_draws() {
        float[] a = new float[37];
        float[] b = new float[37];
        float[] c = new float[37];
        GaussianTable.addScaled(1L, 2L, 3L, 2.0f, a, 0, 37);
        GaussianTable.addScaled(1L, 2L, 3L, 2.0f, b, 0, 37);
        GaussianTable.addScaled(1L, 2L, 4L, 2.0f, c, 0, 37);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        int same = 0;
        for (int i = 0; i < 37; i++) {
            same += a[i] == c[i] ? 1 : 0;
        }
        assertTrue(same < 3, same + " of 37 draws coincide across keys");
    }
}
