package io.canopy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Both tile shapes of {@link GramMatrix} (4×4 strips where vectors are 512 bits, 4×2 on AVX2) and both ways
 * the distances are written (from the tiles when d fits one panel on one thread, else from the accumulators),
 * whichever the machine running the tests would choose. Each element is one FMA chain over k in every path, so
 * they must agree bit for bit; {@link GramMatrixTest} holds the preferred shape to the scalar reference.
 */
class GramTileShapesProperties {

    private static float[] gaussianBlock(final long seed, final int n, final int d) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 + rnd.nextDouble() - 0.5);
        }
        return x;
    }

    @Property(tries = 120)
    void shouldGiveTheSameBitsWithEitherTileShape(@ForAll @IntRange(min = 1, max = 140) final int n,
                                                  @ForAll @IntRange(min = 1, max = 2200) final int d,
                                                  @ForAll @IntRange(min = 1, max = 2) final int threads,
                                                  @ForAll final long seed) {
        final float[] x = gaussianBlock(seed, n, d);
        final double[] wide = new double[n * n];
        final double[] narrow = new double[n * n];
        GramMatrix.pairwiseSquaredDistances(x, n, d, wide, new GramMatrix.Workspace(threads), 4);
        GramMatrix.pairwiseSquaredDistances(x, n, d, narrow, new GramMatrix.Workspace(threads), 2);
        for (int i = 0; i < n * n; i++) {
            assertEquals(Double.doubleToRawLongBits(narrow[i]), Double.doubleToRawLongBits(wide[i]),
                "n=" + n + " d=" + d + " element " + i);
        }
    }

    @Property(tries = 60)
    void shouldMatchTheDoubleReferenceWithTheTwoStripTile(@ForAll @IntRange(min = 1, max = 70) final int n,
                                                          @ForAll @IntRange(min = 1, max = 700) final int d,
                                                          @ForAll final long seed) {
        final float[] x = gaussianBlock(seed, n, d);
        final double[] g = new double[n * n];
        ScalarKernels.gram(x, n, d, true, g);
        final double[] actual = new double[n * n];
        GramMatrix.pairwiseSquaredDistances(x, n, d, actual, new GramMatrix.Workspace(1), 2);
        double scale = 0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, 4 * g[i * n + i]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                final double expected = i == j ? 0 : Math.max(0, g[i * n + i] + g[j * n + j] - 2 * g[i * n + j]);
                assertEquals(expected, actual[i * n + j], 1e-5 * scale + 1e-30, "element " + i + "," + j);
            }
        }
    }

    @Property(tries = 120)
    void shouldWriteSinglePanelDistancesWithTheAccumulatorsBitsAndLeaveTheUpperTriangle(
            @ForAll @IntRange(min = 1, max = 140) final int n,
            @ForAll @IntRange(min = 1, max = 1024) final int d,
            @ForAll final boolean fourStrips,
            @ForAll final long seed) {
        final int strips = fourStrips ? 4 : 2;
        final float[] x = gaussianBlock(seed, n, d);
        final GramMatrix.Workspace ws = new GramMatrix.Workspace(1);
        // centredGram always goes through the double accumulators: the path that lowerSquaredDistances skips.
        final double[] g = new double[n * n];
        GramMatrix.centredGram(x, n, d, g, ws);
        final double[] lower = new double[n * n];
        Arrays.fill(lower, Double.NaN);
        GramMatrix.lowerSquaredDistances(x, n, d, lower, ws, strips);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                final double expected = j > i ? Double.NaN
                    : j == i ? 0.0 : Math.max(0.0, g[i * n + i] + g[j * n + j] - 2.0 * g[i * n + j]);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(lower[i * n + j]),
                    "n=" + n + " d=" + d + " element " + i + "," + j);
            }
        }
    }

    @Test
    void shouldRefuseATileShapeThereIsNoKernelFor() {
        assertEquals("ns=3: the kernels have tiles of 2 or 4 column strips", assertThrows(IllegalArgumentException.class,
            () -> GramMatrix.lowerSquaredDistances(new float[4], 2, 2, new double[4], new GramMatrix.Workspace(1), 3))
            .getMessage());
    }
}
