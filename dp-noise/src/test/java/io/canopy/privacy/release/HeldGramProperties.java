package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.canopy.codec.CodecId;
import io.canopy.kernel.ChunkedGram;
import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.PlainDistances;
import io.canopy.testing.AllocationMeter;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The detector's geometry from rows held compressed (issue 17: the Gram computed from the compressed form): {@link
 * HeldRows} decodes a range of columns with the bits of its whole-row decode, and {@link ChunkedGram} over the held
 * rows gives the squared distances between the rows as held, against the plain double sums Σ_k (x_ik − x_jk)² over
 * the rows {@link HeldRows#decode(int, float[])} gives.
 *
 * <p>Tolerance 4e-5·max_i ‖q_i‖², q_i the held row i less the column mean (ChunkedGramProperties argues it): each
 * chunk's float Gram entry is within 1e-5·‖q_i^(c)‖·‖q_j^(c)‖ of the exact one, the chunks add in double, so by
 * Cauchy-Schwarz G_ij is within 1e-5·‖q_i‖·‖q_j‖, and a distance G_ii + G_jj − 2·G_ij within four times that. The rows
 * share an offset five times their spread, which the centring keeps out of the scale.
 */
class HeldGramProperties {

    private static final long ROUND = 91;

    /** n rows around a shared offset, as a cluster's accepted updates, held as {@code codec} with random senders. */
    private static HeldRows held(final CodecId codec, final SplittableRandom rnd, final int n, final int d) {
        final float[] offset = ClusterPassesProperties.randomBlock(rnd, 1, d, 5);
        final float[] block = ClusterPassesProperties.randomBlock(rnd, n, d, 1);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                block[i * d + k] += offset[k];
            }
        }
        final long[] senders = new long[n];
        for (int i = 0; i < n; i++) {
            senders[i] = rnd.nextLong(1L << 40);
        }
        return new HeldRows().hold(codec, block, n, d, ROUND, i -> senders[i]);
    }

    private static float[] decoded(final HeldRows held) {
        final int n = held.rows();
        final int d = held.dimension();
        final float[] x = new float[n * d];
        final float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            assertTrue(held.decode(i, row));
            System.arraycopy(row, 0, x, i * d, d);
        }
        return x;
    }

    @Property(tries = 80)
    void the_distances_from_held_rows_match_the_plain_double_sums_over_the_decoded_rows(
        @ForAll @IntRange(min = 3, max = 40) final int n, @ForAll @IntRange(min = 1, max = 3000) final int d,
        @ForAll final boolean int8, @ForAll final long seed) {
        final HeldRows held = held(int8 ? CodecId.INT8 : CodecId.BF16, new SplittableRandom(seed), n, d);
        final float[] x = decoded(held);
        final double[] actual = new double[n * n];
        ChunkedGram.lowerSquaredDistances(held, actual, new ChunkedGram.Workspace(new GramMatrix.Workspace(1)));

        final double tolerance = 4e-5 * PlainDistances.maxCentredNorm(x, n, d) + 1e-30;
        for (int i = 0; i < n; i++) {
            assertEquals(0.0, actual[i * n + i], 0.0);
            for (int j = 0; j < i; j++) {
                final double expected = PlainDistances.squared(x, d, i, j);
                if (Math.abs(expected - actual[i * n + j]) > tolerance) {
                    fail("n=" + n + " d=" + d + " pair " + i + "," + j + ": " + actual[i * n + j] + ", expected "
                        + expected + " within " + tolerance);
                }
            }
        }
    }

    @Property(tries = 150)
    void a_range_of_columns_decodes_to_the_bits_of_the_whole_row_decode(
        @ForAll @IntRange(min = 1, max = 3000) final int d, @ForAll @IntRange(min = 0, max = 2) final int codecIndex,
        @ForAll final long seed) {
        final CodecId codec = new CodecId[] {CodecId.FP32, CodecId.BF16, CodecId.INT8}[codecIndex];
        final SplittableRandom rnd = new SplittableRandom(seed);
        final HeldRows held = held(codec, rnd, 3, d);
        final float[] whole = new float[d];
        final float[] range = new float[d + 7];
        for (int i = 0; i < 3; i++) {
            assertTrue(held.decode(i, whole));
            for (int t = 0; t < 6; t++) {
                // Chunks aligned to int8's 256-value blocks as the Gram reads them, and ranges starting and ending anywhere.
                final int from = t < 2 ? Math.min(d, rnd.nextInt(4) * ChunkedGram.CHUNK) : rnd.nextInt(d + 1);
                final int to = t == 0 ? Math.min(d, from + ChunkedGram.CHUNK) : from + rnd.nextInt(d - from + 1);
                final int offset = rnd.nextInt(8);
                Arrays.fill(range, Float.NaN);
                assertTrue(held.decode(i, from, to, range, offset));
                // assertArrayEquals compares floats by their bits.
                assertArrayEquals(Arrays.copyOfRange(whole, from, to), Arrays.copyOfRange(range, offset, offset + to - from),
                    codec.label() + " row " + i + " columns [" + from + ", " + to + ")");
                for (int k = 0; k < range.length; k++) {
                    if ((k < offset || k >= offset + to - from) && !Float.isNaN(range[k])) {
                        fail("written outside the range at " + k);
                    }
                }
            }
        }
    }

    @Test
    void a_row_holding_a_value_that_is_not_finite_decodes_to_false_where_the_value_is_read() {
        final int d = 600;
        for (final CodecId codec : new CodecId[] {CodecId.FP32, CodecId.BF16, CodecId.INT8}) {
            for (final float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                final float[] block = new float[3 * d];
                Arrays.fill(block, 0.5f);
                block[d + d - 1] = bad;
                final HeldRows held = new HeldRows().hold(codec, block, 3, d, ROUND, i -> i);
                final float[] into = new float[d];
                final String what = codec.label() + " holding " + bad;
                assertTrue(held.decode(0, into), what + ": row 0");
                assertEquals(false, held.decode(1, into), what + ": row 1");
                assertEquals(false, held.decode(1, d - 256, d, into, 0), what + ": row 1, its last columns");
                assertTrue(held.decode(1, 0, 256, into, 0), what + ": row 1, its first columns");
            }
        }
    }

    @Test
    void held_rows_keep_the_senders_they_were_held_with() {
        final long[] senders = {42, 7, 1L << 40};
        final HeldRows held = new HeldRows().hold(CodecId.INT8, new float[3 * 300], 3, 300, ROUND, i -> senders[i]);
        for (int i = 0; i < 3; i++) {
            assertEquals(senders[i], held.sender(i));
        }
    }

    @Test
    void the_distances_from_held_rows_allocate_nothing_once_the_scratch_has_grown() {
        for (final CodecId codec : new CodecId[] {CodecId.BF16, CodecId.INT8}) {
            final int n = 8;
            final HeldRows held = held(codec, new SplittableRandom(5), n, 2100);
            final double[] out = new double[n * n];
            final ChunkedGram.Workspace ws = new ChunkedGram.Workspace(new GramMatrix.Workspace(1));
            final long perCall = AllocationMeter.steadyStateBytesPerCall(
                () -> ChunkedGram.lowerSquaredDistances(held, out, ws), 20, 400, 0);
            assertEquals(0, perCall, codec.label() + ": bytes allocated per call");
        }
    }
}
