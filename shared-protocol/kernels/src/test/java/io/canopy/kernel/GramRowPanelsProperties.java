package io.canopy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.testing.AllocationMeter;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link GramRowPanels}, the dot-product kernel {@link GramMatrix} takes for few long rows (d > 1024, n ≤
 * {@link GramRowPanels#maxRows()}), against the plain double reference {@link ScalarKernels#gram}.
 *
 * <p>Tolerance 1e-5·max G_ii: within a panel each lane sums KC/W ≤ 128 float products and the lane reduction adds
 * W ≤ 16 more roundings, so an entry's float error is at most about (128 + 16)·2⁻²⁴ ≈ 8.6e-6 of ‖q_i‖·‖q_j‖ ≤ max
 * G_ii (Cauchy-Schwarz), and the panels' sums are added in double. Rounding μ and the centred values to float
 * adds a few ulp of the same scale. Typical errors are far smaller (random-walk, √ of the count).
 */
class GramRowPanelsProperties {

    /** Rows offset + uniform noise: the offset, shared by all rows, is what the centring must remove. */
    private static float[] block(final long seed, final int n, final int d, final double offset) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[n * d];
        for (int k = 0; k < d; k++) {
            final double base = offset * (rnd.nextDouble() - 0.5);
            for (int i = 0; i < n; i++) {
                x[i * d + k] = (float) (base + rnd.nextDouble() - 0.5);
            }
        }
        return x;
    }

    private static double maxDiagonal(final double[] g, final int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, g[i * n + i]);
        }
        return m;
    }

    @Property(tries = 60)
    void shouldMatchTheDoubleReferenceGramForFewLongRows(@ForAll @IntRange(min = 1, max = 124) final int n,
                                                         @ForAll @IntRange(min = 1025, max = 3100) final int d,
                                                         @ForAll @IntRange(min = 1, max = 2) final int threads,
                                                         @ForAll final long seed) {
        final float[] x = block(seed, n, d, 20);
        final double[] expected = new double[n * n];
        ScalarKernels.gram(x, n, d, true, expected);
        final double[] actual = new double[n * n];
        GramMatrix.centredGram(x, n, d, actual, new GramMatrix.Workspace(threads));
        final double tolerance = 1e-5 * maxDiagonal(expected, n) + 1e-30;
        for (int i = 0; i < n * n; i++) {
            assertEquals(expected[i], actual[i], tolerance, "n=" + n + " d=" + d + " element " + i);
        }
    }

    @Property(tries = 60)
    void shouldMatchTheDoubleReferenceDistancesForFewLongRows(@ForAll @IntRange(min = 1, max = 124) final int n,
                                                              @ForAll @IntRange(min = 1025, max = 3100) final int d,
                                                              @ForAll @IntRange(min = 1, max = 2) final int threads,
                                                              @ForAll final long seed) {
        final float[] x = block(seed, n, d, 20);
        final double[] g = new double[n * n];
        ScalarKernels.gram(x, n, d, true, g);
        final double[] actual = new double[n * n];
        Arrays.fill(actual, Double.NaN);
        GramMatrix.lowerSquaredDistances(x, n, d, actual, new GramMatrix.Workspace(threads));
        // A distance is G_ii + G_jj − 2·G_ij: four times the Gram entries' scale.
        final double tolerance = 4e-5 * maxDiagonal(g, n) + 1e-30;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                final int at = i * n + j;
                if (j > i) {
                    assertTrue(Double.isNaN(actual[at]), "upper triangle written at " + i + "," + j);
                } else if (j == i) {
                    assertEquals(0.0, actual[at], 0.0);
                } else {
                    final double expected = Math.max(0, g[i * n + i] + g[j * n + j] - 2 * g[i * n + j]);
                    assertEquals(expected, actual[at], tolerance, "n=" + n + " d=" + d + " element " + i + "," + j);
                }
            }
        }
    }

    @Test
    void shouldAllocateNothingOnceTheWorkspaceHasGrown() {
        final int n = 20;
        final int d = 3000;
        final float[] x = block(11, n, d, 5);
        final double[] out = new double[n * n];
        final GramMatrix.Workspace ws = new GramMatrix.Workspace(1);
        final long perCall = AllocationMeter.steadyStateBytesPerCall(
            () -> GramMatrix.lowerSquaredDistances(x, n, d, out, ws), 20, 200, 0);
        assertEquals(0, perCall, "bytes allocated per call");
    }
}
