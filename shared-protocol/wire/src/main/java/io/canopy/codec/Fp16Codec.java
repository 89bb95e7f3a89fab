package io.canopy.codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * IEEE 754-2008 binary16 ("half precision"): 1 sign, 5 exponent, 10 fraction bits, 2 bytes per
 * value, round to nearest even ({@link Float#floatToFloat16}). Relative error at most 2^-11 for
 * normal values in [6.1e-5, 65504]; smaller magnitudes lose precision as subnormals and values
 * above 65504 become infinite, which the receiver rejects, so callers should clip first.
 *
 * <p>The Vector API of JDK 25 has no float↔half conversion operator. Encoding is a plain loop over
 * {@code Float.floatToFloat16}, which C2 compiles to F16C instructions and vectorizes itself.
 * Decoding is exact integer arithmetic in the Vector API: the half's exponent and fraction bits,
 * shifted into binary32 position, are the value times 2^-112 — subnormals included — so one
 * multiply by 2^112 rebuilds it; infinities and NaNs are patched in with a blend.
 * {@link Float#float16ToFloat} is the reference the tests compare against, over all 65536 inputs.
 */
public final class Fp16Codec {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));

    private Fp16Codec() {
    }

    public static void encode(final float[] src, final int srcOffset, final int d, final MemorySegment dst,
                              final long dstOffset) {
        for (int i = 0; i < d; i++) {
            dst.set(Segments.SHORT_LE, dstOffset + 2L * i, Float.floatToFloat16(src[srcOffset + i]));
        }
    }

    /** Decodes d values; false when any is NaN or infinite. */
    public static boolean decode(final MemorySegment src, final long srcOffset, final int d, final float[] dst,
                                 final int dstOffset) {
        FloatVector bad = FloatVector.zero(S);
        int i = 0;
        for (final int bound = d - L; i <= bound; i += L) {
            final IntVector h = (IntVector) ShortVector.fromMemorySegment(SS, src, srcOffset + 2L * i,
                ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.ZERO_EXTEND_S2I, SI, 0);
            final IntVector magnitude = h.and(0x7FFF);
            final IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            final FloatVector finite = magnitude.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
            final VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
            // Exponent all ones: infinity (fraction 0) or NaN, keeping the fraction's payload.
            final IntVector bits = finite.reinterpretAsInts()
                .blend(magnitude.lanewise(VectorOperators.LSHL, 13).or(0x7F800000), special).or(sign);
            final FloatVector v = bits.reinterpretAsFloats();
            bad = bad.add(v.sub(v));
            v.intoArray(dst, dstOffset + i);
        }
        float tail = 0f;
        for (; i < d; i++) {
            final float v = Float.float16ToFloat(src.get(Segments.SHORT_LE, srcOffset + 2L * i));
            tail += v - v;
            dst[dstOffset + i] = v;
        }
        return bad.reduceLanes(VectorOperators.ADD) + tail == 0f;
    }
}
