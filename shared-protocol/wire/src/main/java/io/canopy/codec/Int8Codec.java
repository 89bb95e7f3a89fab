package io.canopy.codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-bit quantization with one binary32 scale per block of B values and stochastic rounding.
 *
 * <p>Block b's scale is s = max|x|/127. Each value becomes q = floor(x/s + u) clamped to
 * [-127, 127], with u uniform in [0, 1), and decodes to q·s. (Computed as round-to-nearest of
 * x/s + u − 1/2, which has the same distribution and vectorizes without float-to-int fix-ups.)
 * Since P(round up) equals the fractional part of x/s, E[q·s] = x: the quantizer is unbiased (stochastic rounding as in Gupta
 * et al., "Deep Learning with Limited Numerical Precision", ICML 2015; the per-block scaling as in
 * QSGD, Alistarh et al. 2017), so the errors of many leaves average out instead of adding up.
 * The error of one value is below s = max|x|/127.
 *
 * <p>The uniform draws are a counter-based hash of (seed, element index) — a two-multiply
 * xor-shift mix in the style of Wellons' "lowbias32" — so they vectorize, need no state per lane,
 * and are reproducible from the seed. u has 24 random bits and x/s + u − 1/2 is rounded once to
 * float (resolution 2^-17 near 127), which bounds any residual bias by about 2^-17 of a step.
 *
 * <p>Blocks whose largest magnitude is below {@link #MIN_MAX_ABS} encode as zeros with scale 0
 * (their 127/max would overflow); a non-finite input writes a non-finite scale, which every
 * receiver rejects, rather than silently sending zeros. Receivers also reject scales above
 * {@link PayloadChecks#INT8_MAX_SCALE} (so no q·s can overflow): values beyond about ±3.37e38 cannot
 * travel as int8.
 */
public final class Int8Codec {

    /** Below this block maximum, 127/max overflows binary32: the block is sent as zeros. */
    public static final float MIN_MAX_ABS = 0x1p-120f;

    static final int GOLDEN = 0x9E3779B9;
    static final int MIX1 = 0x7feb352d;
    static final int MIX2 = 0x846ca68b;
    /** 1.5·2^23: v + this, for |v| < 2^22, is 1.5·2^23 + round(v), so its bits minus these bits are round(v). */
    static final float ROUNDING_MAGIC = 12582912f;
    static final int ROUNDING_MAGIC_BITS = 0x4B400000;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Byte> SB = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final IntVector IOTA = IntVector.zero(SI).addIndex(1);

    private Int8Codec() {
    }

    /**
     * Encodes {@code d} values into {@code ceil(d/B)} scales followed by {@code d} bytes.
     *
     * @param seed varies the rounding draws: use a different one per frame (see {@link UpdateEncoder})
     */
    public static void encode(final float[] src, final int srcOffset, final int d, final int blockSize,
                              final int seed, final MemorySegment dst, final long dstOffset) {
        final int blocks = Codecs.int8Blocks(d, blockSize);
        final long qOffset = dstOffset + 4L * blocks;
        for (int b = 0; b < blocks; b++) {
            final int lo = b * blockSize;
            final int n = Math.min(blockSize, d - lo);
            final float maxAbs = maxAbs(src, srcOffset + lo, n);
            if (!(maxAbs <= Float.MAX_VALUE) || maxAbs < MIN_MAX_ABS) {
                // NaN/infinite input: send the poison so receivers reject it; tiny block: zeros.
                dst.set(Segments.FLOAT_LE, dstOffset + 4L * b, maxAbs < MIN_MAX_ABS ? 0f : maxAbs);
                dst.asSlice(qOffset + lo, n).fill((byte) 0);
                continue;
            }
            dst.set(Segments.FLOAT_LE, dstOffset + 4L * b, maxAbs / 127f);
            quantize(src, srcOffset + lo, n, 127f / maxAbs, seed, lo, dst, qOffset + lo);
        }
    }

    private static float maxAbs(final float[] x, final int from, final int n) {
        // Four independent maxima: one chain would wait on the max latency every step.
        FloatVector m0 = FloatVector.zero(S);
        FloatVector m1 = FloatVector.zero(S);
        FloatVector m2 = FloatVector.zero(S);
        FloatVector m3 = FloatVector.zero(S);
        int i = 0;
        for (final int bound4 = n - 4 * L; i <= bound4; i += 4 * L) {
            // max of abs propagates NaN in the Vector API (as Math.max does), so NaN input is seen.
            m0 = m0.max(FloatVector.fromArray(S, x, from + i).abs());
            m1 = m1.max(FloatVector.fromArray(S, x, from + i + L).abs());
            m2 = m2.max(FloatVector.fromArray(S, x, from + i + 2 * L).abs());
            m3 = m3.max(FloatVector.fromArray(S, x, from + i + 3 * L).abs());
        }
        for (final int bound = n - L; i <= bound; i += L) {
            m0 = m0.max(FloatVector.fromArray(S, x, from + i).abs());
        }
        float r = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            r = Math.max(r, Math.abs(x[from + i]));
        }
        return r;
    }

    private static void quantize(final float[] x, final int from, final int n, final float inv, final int seed,
                                 final int index0, final MemorySegment dst, final long dstOffset) {
        final FloatVector scale = FloatVector.broadcast(S, inv);
        int i = 0;
        for (final int bound = n - L; i <= bound; i += L) {
            IntVector h = IOTA.add(index0 + i).mul(GOLDEN).lanewise(VectorOperators.XOR, seed).mul(MIX1);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(MIX2);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
            // u − 1/2, uniform in [−1/2, 1/2): exact, both terms being multiples of 2^-24.
            final FloatVector u = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
                .fma(0x1p-24f, -0.5f);
            // Adding 1.5·2^23 rounds to an integer held in the low mantissa bits; Java's float-to-int
            // conversion would need NaN and saturation fix-ups that cost more than the rest of the loop.
            final FloatVector y = FloatVector.fromArray(S, x, from + i).fma(scale, u).add(ROUNDING_MAGIC);
            final IntVector q = y.reinterpretAsInts().sub(ROUNDING_MAGIC_BITS).max(-127).min(127);
            ((ByteVector) q.convertShape(VectorOperators.I2B, SB, 0))
                .intoMemorySegment(dst, dstOffset + i, ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < n; i++) {
            dst.set(java.lang.foreign.ValueLayout.JAVA_BYTE, dstOffset + i,
                (byte) ScalarCodecs.quantize(x[from + i], inv, seed, index0 + i));
        }
    }

    /** Decodes d values; {@link Codecs#BAD_SCALE} or {@link Codecs#NON_FINITE} on a bad payload. */
    public static int decode(final MemorySegment src, final long srcOffset, final int d, final int blockSize,
                             final float[] dst, final int dstOffset) {
        return decode(src, srcOffset, srcOffset + 4L * Codecs.int8Blocks(d, blockSize), d, blockSize, dst, dstOffset);
    }

    /**
     * Decodes d values whose block scales start at {@code scalesOffset} and whose bytes start at {@code qOffset}:
     * a run of whole blocks inside a payload (its scales and its bytes are apart there), with the bits the whole
     * payload's decode gives them.
     */
    public static int decode(final MemorySegment src, final long scalesOffset, final long qOffset, final int d,
                             final int blockSize, final float[] dst, final int dstOffset) {
        final int blocks = Codecs.int8Blocks(d, blockSize);
        FloatVector bad = FloatVector.zero(S);
        float tail = 0f;
        for (int b = 0; b < blocks; b++) {
            final float scale = src.get(Segments.FLOAT_LE, scalesOffset + 4L * b);
            if (!(scale >= 0f && scale <= Float.MAX_VALUE)) {
                return Codecs.BAD_SCALE;
            }
            final int lo = b * blockSize;
            final int n = Math.min(blockSize, d - lo);
            int i = 0;
            for (final int bound = n - L; i <= bound; i += L) {
                final FloatVector v = ((FloatVector) ByteVector.fromMemorySegment(SB, src, qOffset + lo + i,
                    ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2F, S, 0)).mul(scale);
                bad = bad.add(v.sub(v));
                v.intoArray(dst, dstOffset + lo + i);
            }
            for (; i < n; i++) {
                final float v = src.get(java.lang.foreign.ValueLayout.JAVA_BYTE, qOffset + lo + i) * scale;
                tail += v - v;
                dst[dstOffset + lo + i] = v;
            }
        }
        return bad.reduceLanes(VectorOperators.ADD) + tail == 0f ? Codecs.OK : Codecs.NON_FINITE;
    }
}
