package io.canopy.codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * No compression: IEEE 754 binary32, little-endian, 4 bytes per value. Encoding is a bulk copy;
 * decoding copies with the Vector API and checks finiteness in the same pass, so a NaN costs no
 * second sweep over the values.
 */
public final class Fp32Codec {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Fp32Codec() {
    }

    public static void encode(final float[] src, final int srcOffset, final int d, final MemorySegment dst,
                              final long dstOffset) {
        MemorySegment.copy(src, srcOffset, dst, Segments.FLOAT_LE, dstOffset, d);
    }

    /** Decodes d values; false when any is NaN or infinite (the destination then holds them anyway). */
    public static boolean decode(final MemorySegment src, final long srcOffset, final int d, final float[] dst,
                                 final int dstOffset) {
        // x − x is 0 for finite x and NaN otherwise; summing those keeps one NaN flag per lane.
        FloatVector bad = FloatVector.zero(S);
        int i = 0;
        for (final int bound = d - L; i <= bound; i += L) {
            final FloatVector v = FloatVector.fromMemorySegment(S, src, srcOffset + 4L * i, ByteOrder.LITTLE_ENDIAN);
            bad = bad.add(v.sub(v));
            v.intoArray(dst, dstOffset + i);
        }
        float tail = 0f;
        for (; i < d; i++) {
            final float v = src.get(Segments.FLOAT_LE, srcOffset + 4L * i);
            tail += v - v;
            dst[dstOffset + i] = v;
        }
        return bad.reduceLanes(VectorOperators.ADD) + tail == 0f;
    }
}
