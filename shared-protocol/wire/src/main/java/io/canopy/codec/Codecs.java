package io.canopy.codec;

import java.lang.foreign.MemorySegment;

/**
 * Payload sizes, parameter ranges and the decode dispatch for every {@link CodecId}. Decoding
 * returns a status code rather than throwing: a bad payload is an expected outcome on the receive
 * path, not an exception.
 */
public final class Codecs {

    /** Decoded; every value finite. */
    public static final int OK = 0;
    /** A decoded value is NaN or infinite. */
    public static final int NON_FINITE = 1;
    /** Top-k indices not strictly increasing within [0, d). */
    public static final int BAD_INDICES = 2;
    /** An int8 scale is negative, not finite, or above {@link PayloadChecks#INT8_MAX_SCALE}. */
    public static final int BAD_SCALE = 3;

    /** Largest int8 block size: one scale per 64 Ki values is already negligible overhead. */
    public static final int INT8_MAX_BLOCK = 1 << 16;
    /** Default int8 block: a 1.6% scale overhead, small enough that one outlier spoils little. */
    public static final int INT8_DEFAULT_BLOCK = 256;

    private Codecs() {
    }

    /** Whether {@code parameter} is legal for {@code codec} at dimension {@code d} (d > 0). */
    public static boolean validParameter(final CodecId codec, final int d, final int parameter) {
        return switch (codec) {
            case FP32, FP16, BF16 -> parameter == 0;
            case INT8 -> parameter >= 1 && parameter <= INT8_MAX_BLOCK;
            case TOPK -> parameter >= 1 && parameter <= d;
        };
    }

    /** Payload bytes for {@code d} values; the parameter must be valid. A long, so no size overflows. */
    public static long payloadLength(final CodecId codec, final int d, final int parameter) {
        return switch (codec) {
            case FP32 -> 4L * d;
            case FP16, BF16 -> 2L * d;
            case INT8 -> 4L * int8Blocks(d, parameter) + d;
            case TOPK -> 8L * parameter;
        };
    }

    public static int int8Blocks(final int d, final int blockSize) {
        return (int) ((d + (long) blockSize - 1) / blockSize);
    }

    /**
     * Decodes a payload that {@link PayloadChecks#verify} (or the frame validator) has accepted, so it
     * cannot fail. (The decoders' own finiteness checks ride along in registers and cost next to
     * nothing; they are not relied on.)
     */
    public static void decodeVerified(final CodecId codec, final int parameter, final MemorySegment src,
                                      final long srcOffset, final int d, final float[] dst, final int dstOffset) {
        decode(codec, parameter, src, srcOffset, d, dst, dstOffset);
    }

    /**
     * Decodes {@code d} values from {@code src} at {@code srcOffset} into {@code dst[dstOffset..+d)}.
     * The payload length must already have been checked against {@link #payloadLength}. On a
     * non-OK status the destination range holds unspecified values.
     */
    public static int decode(final CodecId codec, final int parameter, final MemorySegment src, final long srcOffset,
                             final int d, final float[] dst, final int dstOffset) {
        return switch (codec) {
            case FP32 -> Fp32Codec.decode(src, srcOffset, d, dst, dstOffset) ? OK : NON_FINITE;
            case FP16 -> Fp16Codec.decode(src, srcOffset, d, dst, dstOffset) ? OK : NON_FINITE;
            case BF16 -> Bf16Codec.decode(src, srcOffset, d, dst, dstOffset) ? OK : NON_FINITE;
            case INT8 -> Int8Codec.decode(src, srcOffset, d, parameter, dst, dstOffset);
            case TOPK -> TopKCodec.decode(src, srcOffset, d, parameter, dst, dstOffset);
        };
    }
}
