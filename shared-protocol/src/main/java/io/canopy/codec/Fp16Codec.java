package io.canopy.codec;

import java.lang.foreign.MemorySegment;

/**
 * IEEE 754-2008 binary16 ("half precision"): 1 sign, 5 exponent, 10 fraction bits, 2 bytes per
 * value, round to nearest even ({@link Float#floatToFloat16}). Relative error at most 2^-11 for
 * normal values in [6.1e-5, 65504]; smaller magnitudes lose precision as subnormals and values
 * above 65504 become infinite, which the receiver rejects, so callers should clip first.
 *
 * <p>The Vector API of JDK 25 has no float↔half conversion operator, so these are plain loops:
 * C2 compiles {@code Float.floatToFloat16}/{@code float16ToFloat} to the F16C instructions and
 * vectorizes such loops itself (superword {@code VectorCastF2HF}/{@code VectorCastHF2F}).
 */
public final class Fp16Codec {

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
        float bad = 0f;
        for (int i = 0; i < d; i++) {
            final float v = Float.float16ToFloat(src.get(Segments.SHORT_LE, srcOffset + 2L * i));
            bad += v - v;
            dst[dstOffset + i] = v;
        }
        return bad == 0f;
    }
}
