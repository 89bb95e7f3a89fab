package io.canopy.codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * bfloat16 (Google Brain's "brain floating point"; Kalamkar et al., "A Study of BFLOAT16 for Deep
 * Learning Training", 2019): the upper 16 bits of a binary32 — same 8-bit exponent, 7 fraction
 * bits — so the range of fp32 survives and the relative error is at most 2^-8 (round to nearest
 * even). NaN stays NaN (quiet bit set); values beyond bf16's largest finite value round to infinity.
 *
 * <p>Vector API kernels; {@link ScalarCodecs#bf16Encode}/{@link ScalarCodecs#bf16Decode} are the
 * bit-exact references the tests compare against.
 */
public final class Bf16Codec {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    // As many short lanes as float lanes, so one I2S conversion maps a float vector to one store.
    private static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));

    private Bf16Codec() {
    }

    public static void encode(final float[] src, final int srcOffset, final int d, final MemorySegment dst,
                              final long dstOffset) {
        int i = 0;
        for (final int bound = d - L; i <= bound; i += L) {
            final FloatVector v = FloatVector.fromArray(S, src, srcOffset + i);
            final IntVector bits = v.reinterpretAsInts();
            final IntVector high = bits.lanewise(VectorOperators.LSHR, 16);
            // Round to nearest even: add 0x7FFF plus the lowest kept bit, then truncate.
            IntVector r = bits.add(high.and(1)).add(0x7FFF).lanewise(VectorOperators.LSHR, 16);
            r = r.blend(high.or(0x40), v.test(VectorOperators.IS_NAN).cast(SI));
            ((ShortVector) r.convertShape(VectorOperators.I2S, SS, 0))
                .intoMemorySegment(dst, dstOffset + 2L * i, ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < d; i++) {
            dst.set(Segments.SHORT_LE, dstOffset + 2L * i, ScalarCodecs.toBf16(src[srcOffset + i]));
        }
    }

    /** Decodes d values; false when any is NaN or infinite. */
    public static boolean decode(final MemorySegment src, final long srcOffset, final int d, final float[] dst,
                                 final int dstOffset) {
        FloatVector bad = FloatVector.zero(S);
        int i = 0;
        for (final int bound = d - L; i <= bound; i += L) {
            final ShortVector s = ShortVector.fromMemorySegment(SS, src, srcOffset + 2L * i, ByteOrder.LITTLE_ENDIAN);
            final FloatVector v = ((IntVector) s.convertShape(VectorOperators.ZERO_EXTEND_S2I, SI, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            bad = bad.add(v.sub(v));
            v.intoArray(dst, dstOffset + i);
        }
        float tail = 0f;
        for (; i < d; i++) {
            final float v = ScalarCodecs.fromBf16(src.get(Segments.SHORT_LE, srcOffset + 2L * i));
            tail += v - v;
            dst[dstOffset + i] = v;
        }
        return bad.reduceLanes(VectorOperators.ADD) + tail == 0f;
    }
}
