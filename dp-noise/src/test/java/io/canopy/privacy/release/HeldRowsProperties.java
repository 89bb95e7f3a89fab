package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.ScalarCodecs;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Pass 2 over rows held compressed ({@link HeldRows}) against the scalar reference over the block the scalar codecs
 * decode, and Lemma G under compression: one leaf more or less changes no other leaf's held row, moves the pass by at
 * most τ/m_c and W by at most 1.
 */
class HeldRowsProperties {

    private static final long ROUND = 77;

    /** The block as the scalar codecs encode and decode it, row i's int8 draws keyed by (round, sender i). */
    private static float[] scalarDecoded(final CodecId codec, final float[] block, final int rows, final int d,
                                         final long[] senders) {
        final float[] out = new float[rows * d];
        final float[] row = new float[d];
        final float[] back = new float[d];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(block, i * d, row, 0, d);
            if (codec == CodecId.BF16) {
                final short[] bits = new short[d];
                ScalarCodecs.bf16Encode(row, bits);
                ScalarCodecs.bf16Decode(bits, back);
            } else {
                final float[] scales = new float[Codecs.int8Blocks(d, Codecs.INT8_DEFAULT_BLOCK)];
                final byte[] q = new byte[d];
                ScalarCodecs.int8Encode(row, Codecs.INT8_DEFAULT_BLOCK, HeldRows.roundingSeed(ROUND, senders[i]), scales, q);
                ScalarCodecs.int8Decode(scales, q, Codecs.INT8_DEFAULT_BLOCK, back);
            }
            System.arraycopy(back, 0, out, i * d, d);
        }
        return out;
    }

    private static long[] senders(final SplittableRandom rnd, final int rows) {
        final long[] s = new long[rows];
        for (int i = 0; i < rows; i++) {
            s[i] = rnd.nextLong(1L << 40);
        }
        return s;
    }

    @Property(tries = 60, seed = "20261203")
    void pass_two_over_held_rows_equals_the_scalar_reference_over_the_decoded_block(
        @ForAll @IntRange(min = 0, max = 20) final int rows, @ForAll @IntRange(min = 1, max = 2300) final int d,
        @ForAll final boolean int8, @ForAll @DoubleRange(min = 0.1, max = 2) final double rho,
        @ForAll @DoubleRange(min = 0.1, max = 1) final double tauShare, @ForAll final long seed) {
        final CodecId codec = int8 ? CodecId.INT8 : CodecId.BF16;
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] block = ClusterPassesProperties.randomBlock(rnd, rows, d, 1.5);
        final float[] v1 = ClusterPassesProperties.randomBlock(rnd, 1, d, 0.3);
        final long[] senders = senders(rnd, rows);
        final float[] decoded = scalarDecoded(codec, block, rows, d, senders);
        for (int i = 0; i < rows; i++) {
            // The float and double norms may disagree within 1e-6 of the boundary.
            Assume.that(Math.abs(ScalarReference.distance(decoded, i, d, v1) / rho - 1) > 1e-4);
        }
        // A held store reused from an earlier round, of another size and codec, must keep nothing of it.
        final HeldRows held = new HeldRows().hold(int8 ? CodecId.BF16 : CodecId.INT8,
            ClusterPassesProperties.randomBlock(rnd, rows + 2, d + 5, 3), rows + 2, d + 5, ROUND - 1, i -> i);
        held.hold(codec, block, rows, d, ROUND, i -> senders[i]);
        final float[] row = new float[d];
        for (int i = 0; i < rows; i++) {
            assertTrue(held.decode(i, row));
            for (int j = 0; j < d; j++) {
                assertEquals(Float.floatToIntBits(decoded[i * d + j]), Float.floatToIntBits(row[j]),
                    "row " + i + " coordinate " + j + ": the codec kernel and the scalar codec differ");
            }
        }
        final double tau = tauShare * rho;
        final double mc = 1 + rnd.nextDouble() * 20;
        final float[] out = new float[d];
        final int w = ClusterPasses.gated(held, d, v1, rho, tau, mc, new double[d], new float[d + 3], out);
        final double[] ref = ScalarReference.gated(decoded, rows, d, v1, rho, tau, mc);
        assertEquals((int) ref[d], w);
        final double scale = 1 + rows * tau / mc;
        for (int j = 0; j < d; j++) {
            assertEquals(ref[j], out[j], 2e-6 * scale + 1e-6 * Math.abs(ref[j]), "coordinate " + j);
        }
    }

    @Property(tries = 60, seed = "20261203")
    void one_leaf_more_changes_no_other_held_row_and_moves_pass_two_by_at_most_tau_over_m(
        @ForAll @IntRange(min = 0, max = 16) final int rows, @ForAll @IntRange(min = 1, max = 1500) final int d,
        @ForAll final boolean int8, @ForAll @DoubleRange(min = 0.2, max = 2) final double rho,
        @ForAll @DoubleRange(min = 0.1, max = 1) final double tauShare, @ForAll final long seed) {
        final CodecId codec = int8 ? CodecId.INT8 : CodecId.BF16;
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] without = ClusterPassesProperties.randomBlock(rnd, rows, d, rho);
        final long[] sendersWithout = senders(rnd, rows);
        // The neighbour: one more leaf, arriving at a random position, so every later row moves down by one.
        final int at = rnd.nextInt(rows + 1);
        final float[] extra = ClusterPassesProperties.randomBlock(rnd, 1, d, 3 * rho);
        final float[] with = new float[(rows + 1) * d];
        final long[] sendersWith = new long[rows + 1];
        for (int i = 0, k = 0; i <= rows; i++) {
            if (i == at) {
                System.arraycopy(extra, 0, with, i * d, d);
                sendersWith[i] = -1 - rnd.nextLong(1L << 40); // an id none of the others has
            } else {
                System.arraycopy(without, k * d, with, i * d, d);
                sendersWith[i] = sendersWithout[k++];
            }
        }
        final HeldRows a = new HeldRows().hold(codec, without, rows, d, ROUND, i -> sendersWithout[i]);
        final HeldRows b = new HeldRows().hold(codec, with, rows + 1, d, ROUND, i -> sendersWith[i]);
        for (int i = 0; i < rows; i++) {
            final int inB = i < at ? i : i + 1;
            assertArrayEquals(a.storedRow(i).toArray(ValueLayout.JAVA_BYTE), b.storedRow(inB).toArray(ValueLayout.JAVA_BYTE),
                "leaf " + sendersWithout[i] + "'s held row changed when another leaf joined");
        }
        final float[] v1 = ClusterPassesProperties.randomBlock(rnd, 1, d, 0.2 * rho);
        final double tau = tauShare * rho;
        final double mc = 1 + rnd.nextDouble() * 20;
        final float[] oa = new float[d];
        final float[] ob = new float[d];
        final int wa = ClusterPasses.gated(a, d, v1, rho, tau, mc, new double[d], new float[d], oa);
        final int wb = ClusterPasses.gated(b, d, v1, rho, tau, mc, new double[d], new float[d], ob);
        assertTrue(wb - wa == 0 || wb - wa == 1, "W moved from " + wa + " to " + wb);
        double moved = 0;
        for (int j = 0; j < d; j++) {
            moved += ((double) ob[j] - oa[j]) * ((double) ob[j] - oa[j]);
        }
        // Each output coordinate is rounded to float once: allow that, relative to the outputs' size.
        final double rounding = Math.sqrt(d) * 0x1p-23 * (1 + Math.sqrt(d) * 0.2 * rho + (rows + 1) * tau / mc);
        assertTrue(Math.sqrt(moved) <= tau / mc + rounding, "pass 2 moved by " + Math.sqrt(moved) + " > tau/m = " + tau / mc);
    }

    @Test
    void a_leaf_inside_the_gate_moves_pass_two_by_its_whole_clipped_term() {
        final int d = 512;
        final double rho = 1.0;
        final double tau = 0.5;
        final double mc = 4;
        final float[] v1 = new float[d];
        final float[] leaf = new float[d];
        leaf[3] = 0.9f; // inside the gate (0.9 <= rho), clipped to tau = 0.5
        final HeldRows none = new HeldRows().hold(CodecId.INT8, new float[0], 0, d, ROUND, i -> 0);
        final HeldRows one = new HeldRows().hold(CodecId.INT8, leaf, 1, d, ROUND, i -> 42);
        final float[] o0 = new float[d];
        final float[] o1 = new float[d];
        assertEquals(0, ClusterPasses.gated(none, d, v1, rho, tau, mc, new double[d], new float[d], o0));
        assertEquals(1, ClusterPasses.gated(one, d, v1, rho, tau, mc, new double[d], new float[d], o1));
        // int8 holds 0.9 exactly (it is its block's maximum, 127 steps), so the bound tau/m is attained.
        assertEquals(tau * ClusterPasses.CLIP_GUARD / mc, o1[3] - o0[3], 1e-7);
    }

    @Test
    void rows_are_held_as_fp32_bf16_or_int8_and_a_bad_block_or_scratch_is_refused() {
        assertEquals("rows are held as fp32, bf16 or int8, not fp16", assertThrows(IllegalArgumentException.class,
            () -> new HeldRows().hold(CodecId.FP16, new float[4], 1, 4, ROUND, i -> 0)).getMessage());
        assertEquals("rows are held as fp32, bf16 or int8, not topk", assertThrows(IllegalArgumentException.class,
            () -> new HeldRows().hold(CodecId.TOPK, new float[4], 1, 4, ROUND, i -> 0)).getMessage());
        assertEquals("need 0 <= rows, d >= 1 and rows*d <= block length; got rows=2 d=4 block length 4",
            assertThrows(IllegalArgumentException.class,
                () -> new HeldRows().hold(CodecId.BF16, new float[4], 2, 4, ROUND, i -> 0)).getMessage());
        final HeldRows held = new HeldRows().hold(CodecId.BF16, new float[8], 2, 4, ROUND, i -> 0);
        assertEquals("the row scratch needs d=4 entries, got 3", assertThrows(IllegalArgumentException.class,
            () -> ClusterPasses.gated(held, 4, new float[4], 1, 1, 1, new double[4], new float[3], new float[4])).getMessage());
        assertEquals("the held rows have d=4, the pass d=5", assertThrows(IllegalArgumentException.class,
            () -> ClusterPasses.gated(held, 5, new float[5], 1, 1, 1, new double[5], new float[5], new float[5])).getMessage());
    }

    @Property(tries = 40, seed = "20261203")
    void rows_held_as_fp32_give_the_pass_over_the_block_and_a_cleared_store_gives_the_centre(
        @ForAll @IntRange(min = 0, max = 20) final int rows, @ForAll @IntRange(min = 1, max = 2300) final int d,
        @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] block = ClusterPassesProperties.randomBlock(rnd, rows, d, 1.5);
        final float[] v1 = ClusterPassesProperties.randomBlock(rnd, 1, d, 0.3);
        // Held after a larger round, so the kept array is longer than this round's rows.
        final HeldRows held = new HeldRows().hold(CodecId.FP32, ClusterPassesProperties.randomBlock(rnd, rows + 3, d, 2),
            rows + 3, d, ROUND - 1, i -> i);
        held.hold(CodecId.FP32, block, rows, d, ROUND, i -> i);
        final float[] direct = new float[d];
        final float[] viaHeld = new float[d];
        final int w = ClusterPasses.gated(block, rows, d, v1, 0.9, 0.6, 7, new double[d], direct);
        assertEquals(w, ClusterPasses.gated(held, d, v1, 0.9, 0.6, 7, new double[d], new float[0], viaHeld));
        // The same pass over the same values; only the Vector API's lane order, compiled or not, may move the last bits.
        for (int j = 0; j < d; j++) {
            assertEquals(direct[j], viaHeld[j], 2e-6 * (1 + rows * 0.6 / 7) + 1e-6 * Math.abs(direct[j]), "coordinate " + j);
        }
        held.clear();
        final float[] empty = new float[d];
        assertEquals(0, ClusterPasses.gated(held, d, v1, 0.9, 0.6, 7, new double[d], new float[0], empty));
        assertArrayEquals(v1, empty, "no rows held: O2 = v1");
    }

    @Test
    void held_bytes_are_two_a_value_for_bf16_and_one_plus_a_scale_per_block_for_int8() {
        assertEquals(4_000_000L, HeldRows.bytes(CodecId.FP32, 1, 1_000_000));
        assertEquals(2_000_000L, HeldRows.bytes(CodecId.BF16, 1, 1_000_000));
        assertEquals(1_000_000L + 4 * 3907, HeldRows.bytes(CodecId.INT8, 1, 1_000_000));
    }
}
