package io.canopy.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/** Round trips of every codec, and each Vector API kernel against its scalar reference. */
class CodecProperties {

    /** Fixed, so every run tries the same cases; change it to explore others. */
    static final String SEED = "20261123";

    @Provide
    Arbitrary<float[]> anyFloats() {
        // Every bit pattern: NaNs, infinities, subnormals and signed zeros included.
        return Arbitraries.integers().map(Float::intBitsToFloat).array(float[].class).ofMinSize(0).ofMaxSize(100);
    }

    @Provide
    Arbitrary<float[]> updates() {
        return Arbitraries.floats().between(-1e4f, 1e4f).array(float[].class).ofMinSize(1).ofMaxSize(300);
    }

    private static MemorySegment buffer(final long bytes) {
        return MemorySegment.ofArray(new byte[(int) bytes + 3]);
    }

    @Property(seed = SEED)
    void fp32RoundTripIsExactBitForBit(@ForAll("anyFloats") final float[] x, @ForAll @IntRange(max = 3) final int at) {
        final MemorySegment seg = buffer(4L * x.length + at);
        Fp32Codec.encode(x, 0, x.length, seg, at);
        final float[] y = new float[x.length];
        final boolean finite = Fp32Codec.decode(seg, at, x.length, y, 0);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]));
            assertEquals(Float.floatToRawIntBits(x[i]), seg.get(Segments.INT_LE, at + 4L * i));
        }
        assertEquals(allFinite(x), finite);
    }

    @Property(seed = SEED)
    void fp16IsWithinHalfAnUlpOfBinary16(@ForAll("updates") final float[] x) {
        final MemorySegment seg = buffer(2L * x.length);
        Fp16Codec.encode(x, 0, x.length, seg, 0);
        final float[] y = new float[x.length];
        assertTrue(Fp16Codec.decode(seg, 0, x.length, y, 0));
        for (int i = 0; i < x.length; i++) {
            // Round to nearest: half a unit in the last place, 2^-11 relative, or half the smallest subnormal 2^-24.
            final float bound = Math.max(Math.abs(x[i]) * 0x1p-11f, 0x1p-25f);
            assertTrue(Math.abs(y[i] - x[i]) <= bound, () -> "fp16 error too large");
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[i])), y[i]);
        }
    }

    @net.jqwik.api.Example
    void fp16VectorDecodeMatchesFloat16ToFloatForEveryHalf() {
        final int n = 1 << 16;
        final MemorySegment seg = buffer(2L * n);
        for (int h = 0; h < n; h++) {
            seg.set(Segments.SHORT_LE, 2L * h, (short) h);
        }
        final float[] y = new float[n];
        Fp16Codec.decode(seg, 0, n, y, 0);
        for (int h = 0; h < n; h++) {
            final int expected = Float.floatToRawIntBits(Float.float16ToFloat((short) h));
            final int actual = Float.floatToRawIntBits(y[h]);
            if (Float.isNaN(y[h])) {
                assertTrue(Float.isNaN(Float.float16ToFloat((short) h)), "half " + h);
            } else {
                assertEquals(expected, actual, "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Property(seed = SEED)
    void bf16VectorKernelsMatchTheScalarReferenceBitForBit(@ForAll("anyFloats") final float[] x) {
        final MemorySegment seg = buffer(2L * x.length);
        Bf16Codec.encode(x, 0, x.length, seg, 0);
        final short[] expected = new short[x.length];
        ScalarCodecs.bf16Encode(x, expected);
        final short[] actual = seg.asSlice(0, 2L * x.length).toArray(Segments.SHORT_LE);
        assertArrayEquals(expected, actual);
        final float[] y = new float[x.length];
        final boolean finite = Bf16Codec.decode(seg, 0, x.length, y, 0);
        final float[] ref = new float[x.length];
        ScalarCodecs.bf16Decode(expected, ref);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(y[i]));
        }
        assertEquals(allFinite(ref), finite);
    }

    @Property(seed = SEED)
    void bf16IsWithinItsRoundingBound(@ForAll("updates") final float[] x) {
        final MemorySegment seg = buffer(2L * x.length);
        Bf16Codec.encode(x, 0, x.length, seg, 0);
        final float[] y = new float[x.length];
        assertTrue(Bf16Codec.decode(seg, 0, x.length, y, 0));
        for (int i = 0; i < x.length; i++) {
            // 7 stored fraction bits, round to nearest: relative error at most 2^-8 (normal range).
            assertTrue(Math.abs(y[i] - x[i]) <= Math.max(Math.abs(x[i]) * 0x1p-8f, 0x1p-133f));
        }
    }

    @Property(seed = SEED)
    void int8VectorKernelsMatchTheScalarReferenceBitForBit(@ForAll("updates") final float[] x,
                                                           @ForAll @IntRange(min = 1, max = 70) final int block,
                                                           @ForAll final int seed) {
        final int blocks = Codecs.int8Blocks(x.length, block);
        final MemorySegment seg = buffer(Codecs.payloadLength(CodecId.INT8, x.length, block));
        Int8Codec.encode(x, 0, x.length, block, seed, seg, 0);
        final float[] scales = new float[blocks];
        final byte[] q = new byte[x.length];
        ScalarCodecs.int8Encode(x, block, seed, scales, q);
        assertArrayEquals(scales, seg.asSlice(0, 4L * blocks).toArray(Segments.FLOAT_LE));
        assertArrayEquals(q, seg.asSlice(4L * blocks, x.length).toArray(ValueLayout.JAVA_BYTE));
        final float[] y = new float[x.length];
        assertEquals(Codecs.OK, Int8Codec.decode(seg, 0, x.length, block, y, 0));
        final float[] ref = new float[x.length];
        ScalarCodecs.int8Decode(scales, q, block, ref);
        assertArrayEquals(ref, y);
        for (int i = 0; i < x.length; i++) {
            // One quantization step at most: the block's max|x|/127 (plus float rounding of the scale).
            assertTrue(Math.abs(y[i] - x[i]) <= scales[i / block] * 1.0001f + 1e-30f,
                "int8 error beyond one step at " + i);
        }
    }

    @Property(seed = SEED)
    void int8DecodesARunOfWholeBlocksFromInsideAPayloadToTheBitsOfTheWholeDecode(
        @ForAll("updates") final float[] x, @ForAll @IntRange(min = 1, max = 70) final int block,
        @ForAll @IntRange(min = 0, max = 1000) final int first, @ForAll @IntRange(min = 0, max = 1000) final int count,
        @ForAll final int seed) {
        final int blocks = Codecs.int8Blocks(x.length, block);
        final MemorySegment seg = buffer(Codecs.payloadLength(CodecId.INT8, x.length, block));
        Int8Codec.encode(x, 0, x.length, block, seed, seg, 0);
        final float[] whole = new float[x.length];
        assertEquals(Codecs.OK, Int8Codec.decode(seg, 0, x.length, block, whole, 0));
        final int b0 = first % blocks;
        final int lo = b0 * block;
        final int values = Math.min(x.length, (b0 + 1 + count % (blocks - b0)) * block) - lo;
        final float[] run = new float[values + 3];
        assertEquals(Codecs.OK, Int8Codec.decode(seg, 4L * b0, 4L * blocks + lo, values, block, run, 3));
        assertArrayEquals(Arrays.copyOfRange(whole, lo, lo + values), Arrays.copyOfRange(run, 3, 3 + values),
            "blocks from " + b0 + ", " + values + " values");
    }

    @Property(seed = SEED)
    void payloadChecksSeeNonFiniteValuesExactlyWhenDecodingWould(@ForAll("anyFloats") final float[] x,
                                                               @ForAll @IntRange(max = 3) final int at) {
        final MemorySegment seg = buffer(4L * x.length + at);
        final float[] y = new float[x.length];
        // fp32
        Fp32Codec.encode(x, 0, x.length, seg, at);
        assertEquals(Fp32Codec.decode(seg, at, x.length, y, 0), PayloadChecks.finite(CodecId.FP32, seg, at, 4L * x.length));
        // bf16 and fp16 over the same bytes read as 16-bit values: every bit pattern, both halves of each float.
        final int n16 = 2 * x.length;
        final float[] z = new float[n16];
        assertEquals(Bf16Codec.decode(seg, at, n16, z, 0), PayloadChecks.finite(CodecId.BF16, seg, at, 2L * n16));
        assertEquals(Fp16Codec.decode(seg, at, n16, z, 0), PayloadChecks.finite(CodecId.FP16, seg, at, 2L * n16));
    }

    @Property(tries = 200, seed = SEED)
    void topKKeepsExactlyTheKLargestMagnitudes(@ForAll("updates") final float[] x, @ForAll @IntRange(min = 1,
        max = 300) final int kWanted) {
        final int k = Math.min(kWanted, x.length);
        final TopKEncoder enc = new TopKEncoder(x.length, k);
        final MemorySegment seg = buffer(8L * k);
        enc.encode(x, 0, seg, 0);
        final float[] y = new float[x.length];
        assertEquals(Codecs.OK, TopKCodec.decode(seg, 0, x.length, k, y, 0));
        final float[] sent = seg.asSlice(4L * k, 4L * k).toArray(Segments.FLOAT_LE);
        final float[] sentMagnitudes = abs(sent);
        final float[] all = abs(x);
        Arrays.sort(sentMagnitudes);
        Arrays.sort(all);
        assertArrayEquals(Arrays.copyOfRange(all, x.length - k, x.length), sentMagnitudes);
        // The first call has no residual: what it did not send stays behind exactly.
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i] + enc.residual()[i]);
            assertTrue(y[i] == 0f || enc.residual()[i] == 0f);
        }
    }

    @Property(tries = 200, seed = SEED)
    void topKErrorFeedbackCarriesWhatWasDroppedIntoTheNextFrame(@ForAll("updates") final float[] x,
                                                               @ForAll final long seed,
                                                               @ForAll @FloatRange(min = 0.01f, max = 0.9f) final float fraction) {
        final int d = x.length;
        final int k = Math.max(1, (int) (fraction * d));
        final TopKEncoder enc = new TopKEncoder(d, k);
        final MemorySegment seg = buffer(8L * k);
        final float[] carried = new float[d];
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] next = new float[d];
        for (int round = 0; round < 4; round++) {
            final float[] in = round == 0 ? x : next;
            if (round > 0) {
                for (int i = 0; i < d; i++) {
                    next[i] = (float) rnd.nextGaussian();
                }
            }
            enc.encode(in, 0, seg, 0);
            final float[] y = new float[d];
            assertEquals(Codecs.OK, TopKCodec.decode(seg, 0, d, k, y, 0));
            for (int i = 0; i < d; i++) {
                // sent + kept = this update + what was kept before, in the encoder's own float arithmetic.
                assertEquals(in[i] + carried[i], y[i] + enc.residual()[i]);
            }
            System.arraycopy(enc.residual(), 0, carried, 0, d);
        }
    }

    private static float[] abs(final float[] x) {
        final float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.abs(x[i]);
        }
        return out;
    }

    private static boolean allFinite(final float[] x) {
        for (final float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
