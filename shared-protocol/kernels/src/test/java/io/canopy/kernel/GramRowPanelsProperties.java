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
 * adds a few ulp of the same scale. Typical errors are far smaller (random-walk, √ of the count). Distances shift
 * the rows by a median of three rows instead of μ when {@link GramRowPanels#shiftKeepsPrecision} allows it, which
 * bounds their error by 4× the centred bound's largest value (argued there): 16 · 8.6e-6 ≈ 1.4e-4 of max G_ii.
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
        // A distance is G_ii + G_jj − 2·G_ij: four times the Gram entries' scale, four times again for the shift.
        final double tolerance = 1.4e-4 * maxDiagonal(g, n) + 1e-30;
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

    /**
     * ALIE-like rows (a base of norm 1e4 plus perturbations of norm 1e-2, where the uncentred float formula fails),
     * with two far rows among the n: at rows the shift is not read from, the distances come from the three-row shift;
     * at two of its rows (0 and n/2), that shift is refused and the rows are centred again, with the same bits as
     * the centred Gram matrix gives. Either way each distance is within the centred kernel's bound for its pair.
     */
    @Property(tries = 12)
    void shouldRefuseAShiftReadFromOutliersAndCentreInstead(@ForAll @IntRange(min = 6, max = 124) final int n,
                                                            @ForAll @IntRange(min = 1025, max = 2600) final int d,
                                                            @ForAll @IntRange(min = 1, max = 2) final int threads,
                                                            @ForAll final boolean outliersWhereTheShiftIsRead,
                                                            @ForAll final long seed) {
        final int[] far = outliersWhereTheShiftIsRead ? new int[] {0, n / 2} : new int[] {1, n - 2};
        final float[] x = nearDuplicates(seed, n, d, far);
        final GramMatrix.Workspace ws = new GramMatrix.Workspace(threads);
        final double[] actual = new double[n * n];
        GramMatrix.lowerSquaredDistances(x, n, d, actual, ws);
        assertEquals(outliersWhereTheShiftIsRead ? 1 : 0, ws.centredAgain, "calls centred again");

        final double[] g = new double[n * n];
        ScalarKernels.gram(x, n, d, true, g);
        final double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = g[i * n + i];
        }
        final double m = Math.sqrt(Arrays.stream(norms).sorted().toArray()[n / 2]);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                final double expected = g[i * n + i] + g[j * n + j] - 2 * g[i * n + j];
                final double ci = Math.sqrt(norms[i]);
                final double cj = Math.sqrt(norms[j]);
                // Centred: 8.6e-6·(‖c_i‖ + ‖c_j‖)²; shifted: 4·8.6e-6·(max(‖c_i‖, m) + max(‖c_j‖, m))² (the javadoc).
                final double bound = outliersWhereTheShiftIsRead ? 8.6e-6 * Math.pow(ci + cj, 2)
                    : 4 * 8.6e-6 * Math.pow(Math.max(ci, m) + Math.max(cj, m), 2);
                assertEquals(expected, actual[i * n + j], bound, "pair " + i + "," + j);
            }
        }
        if (outliersWhereTheShiftIsRead) {
            final double[] centred = new double[n * n];
            GramMatrix.centredGram(x, n, d, centred, new GramMatrix.Workspace(threads));
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    final double fromGram = Math.max(0, centred[i * n + i] + centred[j * n + j] - 2 * centred[i * n + j]);
                    assertEquals(fromGram, actual[i * n + j], 0.0, "pair " + i + "," + j);
                }
            }
        }
    }

    /**
     * The refusal is needed: on a block whose shift rows are outliers, the distances from that shift, taken anyway,
     * are at least 10× further from the double reference (over the pairs of ordinary rows) than those the kernel
     * returns after centring again.
     */
    @Test
    void shouldLoseMorePrecisionWhenTheShiftReadFromOutliersIsTakenAnyway() {
        final int n = 40;
        final int d = 3000;
        final float[] x = nearDuplicates(5, n, d, new int[] {0, n / 2});
        final double[] acc = new double[GramRowPanels.accLength(n)];
        final float[] q = new float[GramRowPanels.panelLength(n)];
        GramRowPanels.columnRange(x, n, d, 0, d, true, q, java.lang.foreign.MemorySegment.ofArray(q),
            new double[GramRowPanels.KC], new float[GramRowPanels.KC], acc);
        final double[] shifted = new double[n * n];
        GramRowPanels.unpack(new double[][] {acc}, 1, n, shifted);
        assertTrue(!GramRowPanels.shiftKeepsPrecision(shifted, n, new double[n], new double[n]),
            "the shift was expected to fail");
        GramMatrix.distancesFromLowerGram(shifted, n, new double[n]);
        final double[] returned = new double[n * n];
        GramMatrix.lowerSquaredDistances(x, n, d, returned, new GramMatrix.Workspace(1));
        final double[] g = new double[n * n];
        ScalarKernels.gram(x, n, d, true, g);
        double shiftedError = 0;
        double returnedError = 0;
        for (int i = 1; i < n; i++) {
            for (int j = 1; j < i; j++) {
                if (i != n / 2 && j != n / 2) {
                    final double expected = g[i * n + i] + g[j * n + j] - 2 * g[i * n + j];
                    shiftedError = Math.max(shiftedError, Math.abs(shifted[i * n + j] - expected));
                    returnedError = Math.max(returnedError, Math.abs(returned[i * n + j] - expected));
                }
            }
        }
        assertTrue(shiftedError > 10 * returnedError, "errors: shift taken anyway " + shiftedError + ", returned "
            + returnedError);
    }

    /** n rows of one base of norm 1e4 plus perturbations of norm 1e-2; the rows in far are moved 10 away. */
    private static float[] nearDuplicates(final long seed, final int n, final int d, final int[] far) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final double[] base = unit(rnd, d);
        final float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            final double[] noise = unit(rnd, d);
            final int row = i;
            final double size = Arrays.stream(far).anyMatch(f -> f == row) ? 10 : 1e-2;
            for (int k = 0; k < d; k++) {
                x[i * d + k] = (float) (1e4 * base[k] + size * noise[k]);
            }
        }
        return x;
    }

    private static double[] unit(final SplittableRandom rnd, final int d) {
        final double[] v = new double[d];
        double norm = 0;
        for (int k = 0; k < d; k++) {
            v[k] = rnd.nextDouble() - 0.5;
            norm += v[k] * v[k];
        }
        final double scale = 1 / Math.sqrt(norm);
        for (int k = 0; k < d; k++) {
            v[k] *= scale;
        }
        return v;
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
