package io.canopy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.testing.AllocationMeter;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkedGram}, the distances of rows read {@value ChunkedGram#CHUNK} columns at a time, against the plain
 * double sums Σ_k (x_ik − x_jk)².
 *
 * <p>Tolerance 4e-5·max G_ii (G the centred Gram matrix, in double): a chunk's centred Gram entry is within GramMatrix's
 * 1e-5·‖q_i^(c)‖·‖q_j^(c)‖ of the exact one (GramRowPanelsProperties, GramMatrixTest), the chunks' entries are added in
 * double, so the sum is within 1e-5·Σ_c ‖q_i^(c)‖·‖q_j^(c)‖ ≤ 1e-5·‖q_i‖·‖q_j‖ (Cauchy-Schwarz) ≤ 1e-5·max G_ii; a
 * distance G_ii + G_jj − 2·G_ij carries four such errors. The rows share a large offset, which only the centring keeps
 * out of that scale.
 */
class ChunkedGramProperties {

    /** n rows of N(0, 1) values around a shared offset of N(0, offset²) values, which the centring must remove. */
    static float[] block(final long seed, final int n, final int d, final double offset) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[n * d];
        for (int k = 0; k < d; k++) {
            final double shared = offset * rnd.nextGaussian();
            for (int i = 0; i < n; i++) {
                x[i * d + k] = (float) (shared + rnd.nextGaussian());
            }
        }
        return x;
    }

    @Property(tries = 60)
    void the_chunked_distances_match_the_plain_double_sums_within_four_gram_errors(
        @ForAll @IntRange(min = 1, max = 40) final int n, @ForAll @IntRange(min = 1, max = 3000) final int d,
        @ForAll @IntRange(min = 1, max = 2) final int threads, @ForAll final long seed) {
        final float[] x = block(seed, n, d, 20);
        final double[] actual = new double[n * n];
        Arrays.fill(actual, Double.NaN);
        ChunkedGram.lowerSquaredDistances(new FloatColumns(x, n, d), actual,
            new ChunkedGram.Workspace(new GramMatrix.Workspace(threads)));
        final double tolerance = 4e-5 * PlainDistances.maxCentredNorm(x, n, d) + 1e-30;
        for (int i = 0; i < n; i++) {
            assertEquals(0.0, actual[i * n + i], 0.0, "diagonal " + i);
            for (int j = 0; j < i; j++) {
                assertEquals(PlainDistances.squared(x, d, i, j), actual[i * n + j], tolerance, "n=" + n + " d=" + d
                    + " pair " + i + "," + j);
                assertTrue(Double.isNaN(actual[j * n + i]), "upper triangle written at " + j + "," + i);
            }
        }
    }

    @Test
    void a_row_that_is_not_finite_is_refused_naming_it_and_its_columns() {
        final float[] x = block(3, 4, 2100, 1);
        x[2 * 2100 + 1500] = Float.NaN;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
            ChunkedGram.lowerSquaredDistances(new FloatColumns(x, 4, 2100), new double[16],
                new ChunkedGram.Workspace(new GramMatrix.Workspace(1))));
        assertEquals("row 2 has a value that is not finite in columns [1024, 2048)", e.getMessage());
    }

    @Test
    void repeated_calls_allocate_nothing_once_the_workspace_has_grown() {
        final int n = 20;
        final int d = 3000;
        final ColumnRanges rows = new FloatColumns(block(11, n, d, 5), n, d);
        final double[] out = new double[n * n];
        final ChunkedGram.Workspace ws = new ChunkedGram.Workspace(new GramMatrix.Workspace(1));
        final long perCall = AllocationMeter.steadyStateBytesPerCall(
            () -> ChunkedGram.lowerSquaredDistances(rows, out, ws), 20, 200, 0);
        assertEquals(0, perCall, "bytes allocated per call");
    }
}
