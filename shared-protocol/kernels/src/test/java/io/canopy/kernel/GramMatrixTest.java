package io.canopy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The blocked centred Gram matrix and the distances from it, against the double-precision scalar reference
 * {@link ScalarKernels#gram}. Sizes straddle the tile edges (4 rows, 2·W columns, W = vector lanes), the
 * k-panel length (256), and the work threshold above which d is split over two threads.
 */
class GramMatrixTest {

    /** Rows x_i = offset + noise, the offset shared by all rows (as model updates share the model). */
    private static float[] block(final long seed, final int n, final int d, final double offset, final double noise) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final double[] base = new double[d];
        for (int k = 0; k < d; k++) {
            base[k] = offset * gaussian(rnd);
        }
        final float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                x[i * d + k] = (float) (base[k] + noise * gaussian(rnd));
            }
        }
        return x;
    }

    private static double gaussian(final SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian.
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static double[] referenceGram(final float[] x, final int n, final int d) {
        final double[] g = new double[n * n];
        ScalarKernels.gram(x, n, d, true, g);
        return g;
    }

    private static double[] referenceDistances(final float[] x, final int n, final int d) {
        final double[] g = referenceGram(x, n, d);
        final double[] dist = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dist[i * n + j] = i == j ? 0 : Math.max(0, g[i * n + i] + g[j * n + j] - 2 * g[i * n + j]);
            }
        }
        return dist;
    }

    private static double maxAbs(final double[] a) {
        double m = 0;
        for (final double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static void assertClose(final double[] expected, final double[] actual, final double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            final int at = i;
            assertEquals(expected[i], actual[i], tolerance, () -> "element " + at);
        }
    }

    @Property(tries = 150)
    void shouldMatchTheDoubleReferenceGram(@ForAll @IntRange(min = 1, max = 70) final int n,
                                           @ForAll @IntRange(min = 1, max = 700) final int d,
                                           @ForAll final long seed) {
        final float[] x = block(seed, n, d, 3, 1);
        final double[] expected = referenceGram(x, n, d);
        final double[] actual = new double[n * n];
        GramMatrix.centredGram(x, n, d, actual);
        // |G_ij| ≤ max G_ii (Cauchy-Schwarz): the scale every entry's rounding is measured against.
        assertClose(expected, actual, 1e-5 * maxAbs(expected) + 1e-30);
    }

    @Property(tries = 150)
    void shouldMatchTheDoubleReferenceDistances(@ForAll @IntRange(min = 1, max = 70) final int n,
                                                @ForAll @IntRange(min = 1, max = 700) final int d,
                                                @ForAll final long seed) {
        final float[] x = block(seed, n, d, 10, 0.5);
        final double[] expected = referenceDistances(x, n, d);
        final double[] actual = new double[n * n];
        GramMatrix.pairwiseSquaredDistances(x, n, d, actual);
        assertClose(expected, actual, 1e-5 * maxAbs(expected) + 1e-30);
    }

    @Property(tries = 100)
    void shouldKeepDiagonalExactlyZeroAndDistancesSymmetricAndNonNegative(
            @ForAll @IntRange(min = 1, max = 60) final int n,
            @ForAll @IntRange(min = 1, max = 600) final int d,
            @ForAll final long seed) {
        // Near-identical rows make G_ii + G_jj − 2·G_ij round to tiny negatives unless clamped.
        final float[] x = block(seed, n, d, 1, 1e-4);
        final double[] dist = new double[n * n];
        GramMatrix.pairwiseSquaredDistances(x, n, d, dist);
        for (int i = 0; i < n; i++) {
            assertEquals(0.0, dist[i * n + i], 0.0);
            for (int j = 0; j < n; j++) {
                assertEquals(dist[i * n + j], dist[j * n + i], 0.0);
                assertTrue(dist[i * n + j] >= 0.0, "negative distance at " + i + "," + j);
            }
        }
    }

    @Property(tries = 100)
    void shouldKeepTheCentredGramExactlySymmetric(@ForAll @IntRange(min = 1, max = 60) final int n,
                                                  @ForAll @IntRange(min = 1, max = 600) final int d,
                                                  @ForAll final long seed) {
        final float[] x = block(seed, n, d, 2, 1);
        final double[] g = new double[n * n];
        GramMatrix.centredGram(x, n, d, g);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(g[i * n + j], g[j * n + i], 0.0);
            }
        }
    }

    @Property(tries = 60)
    void shouldPermuteTheDistancesWhenTheRowsArePermuted(@ForAll @IntRange(min = 2, max = 50) final int n,
                                                         @ForAll @IntRange(min = 1, max = 400) final int d,
                                                         @ForAll final long seed) {
        final float[] x = block(seed, n, d, 5, 1);
        final int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        final SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = n - 1; i > 0; i--) {
            final int j = rnd.nextInt(i + 1);
            final int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        final float[] y = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, perm[i] * d, y, i * d, d);
        }
        final double[] dx = new double[n * n];
        final double[] dy = new double[n * n];
        GramMatrix.pairwiseSquaredDistances(x, n, d, dx);
        GramMatrix.pairwiseSquaredDistances(y, n, d, dy);
        // Equal up to the rounding of μ, which is summed in a different row order.
        final double tolerance = 1e-9 * maxAbs(dx) + 1e-30;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(dx[perm[i] * n + perm[j]], dy[i * n + j], tolerance);
            }
        }
    }

    @Test
    void shouldResolveNearDuplicateRowsWithHugeNormsThatTheUncentredFloatFormulaGetsWrong() {
        // ALIE-like: every row is one base vector of norm 1e4 plus a perturbation of norm ~1e-2.
        final int n = 20;
        final int d = 1000;
        final SplittableRandom rnd = new SplittableRandom(42);
        final double[] base = new double[d];
        for (int k = 0; k < d; k++) {
            base[k] = gaussian(rnd);
        }
        final double norm = Math.sqrt(java.util.Arrays.stream(base).map(v -> v * v).sum());
        final float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                x[i * d + k] = (float) (base[k] * 1e4 / norm + 1e-2 / Math.sqrt(d) * gaussian(rnd));
            }
        }
        final double[] expected = referenceDistances(x, n, d);
        final double scale = maxAbs(expected);

        double naiveError = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                final float naive = VectorKernels.squaredNorm(x, i * d, d) + VectorKernels.squaredNorm(x, j * d, d)
                    - 2 * VectorKernels.dot(x, i * d, x, j * d, d);
                naiveError = Math.max(naiveError, Math.abs(naive - expected[i * n + j]));
            }
        }
        assertTrue(naiveError > 10 * scale, "the uncentred float formula was expected to fail: error " + naiveError
            + " vs distance scale " + scale);

        final double[] actual = new double[n * n];
        GramMatrix.pairwiseSquaredDistances(x, n, d, actual);
        assertClose(expected, actual, 1e-5 * scale);
    }

    @Test
    void shouldMatchTheReferenceWhenTheWorkIsSplitOverThreadsAndPanelsAreRagged() {
        // n·n·d/2 well above the parallel threshold; d = 3·256 + 7 leaves a short last panel in each half.
        for (final int n : new int[] {131, 9}) {
            final int d = n == 9 ? 200_003 : 775;
            final float[] x = block(n, n, d, 4, 1);
            final double[] expectedGram = referenceGram(x, n, d);
            final double[] gram = new double[n * n];
            GramMatrix.centredGram(x, n, d, gram);
            assertClose(expectedGram, gram, 1e-5 * maxAbs(expectedGram));
            final double[] expected = referenceDistances(x, n, d);
            final double[] dist = new double[n * n];
            GramMatrix.pairwiseSquaredDistances(x, n, d, dist);
            assertClose(expected, dist, 1e-5 * maxAbs(expected));
        }
    }

    @Test
    void shouldGiveZeroForASingleRowAndForIdenticalRows() {
        final double[] one = {Double.NaN};
        GramMatrix.pairwiseSquaredDistances(new float[] {1f, 2f, 3f}, 1, 3, one);
        assertEquals(0.0, one[0], 0.0);
        final float[] same = new float[5 * 17];
        for (int i = 0; i < same.length; i++) {
            same[i] = (i % 17) * 0.25f - 1f;
        }
        final double[] dist = new double[25];
        GramMatrix.pairwiseSquaredDistances(same, 5, 17, dist);
        for (final double v : dist) {
            assertEquals(0.0, v, 0.0);
        }
    }

    @Test
    void shouldIgnoreTrailingElementsOfLongerArrays() {
        final float[] x = block(3, 6, 17, 1, 1);
        final float[] padded = java.util.Arrays.copyOf(x, x.length + 40);
        java.util.Arrays.fill(padded, x.length, padded.length, 1e30f);
        final double[] expected = new double[36];
        final double[] actual = new double[36 + 5];
        GramMatrix.pairwiseSquaredDistances(x, 6, 17, expected);
        GramMatrix.pairwiseSquaredDistances(padded, 6, 17, actual);
        for (int i = 0; i < 36; i++) {
            assertEquals(expected[i], actual[i], 0.0);
        }
        assertEquals(0.0, actual[36], 0.0);
    }

    @Test
    void shouldCountTheLowerTriangleFlops() {
        assertEquals(1000.0 * 1001 * 100_000, GramMatrix.flops(1000, 100_000), 0.0);
        assertEquals(2.0 * 17, GramMatrix.flops(1, 17), 0.0);
    }

    @Test
    void shouldRejectNonPositiveSizesAndShortArraysNamingTheValues() {
        final double[] out = new double[4];
        assertEquals("n=0, d=3: both must be positive", assertThrows(IllegalArgumentException.class,
            () -> GramMatrix.pairwiseSquaredDistances(new float[6], 0, 3, out)).getMessage());
        assertEquals("n=2, d=-1: both must be positive", assertThrows(IllegalArgumentException.class,
            () -> GramMatrix.centredGram(new float[6], 2, -1, out)).getMessage());
        assertEquals("block has 5 floats, n*d=6", assertThrows(IllegalArgumentException.class,
            () -> GramMatrix.pairwiseSquaredDistances(new float[5], 2, 3, out)).getMessage());
        assertEquals("out has 3 doubles, n*n=4", assertThrows(IllegalArgumentException.class,
            () -> GramMatrix.centredGram(new float[6], 2, 3, new double[3])).getMessage());
    }
}
