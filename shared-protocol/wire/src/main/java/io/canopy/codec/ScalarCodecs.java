package io.canopy.codec;

/**
 * Plain scalar references for the vectorized codec kernels: the tests require the Vector API
 * versions to agree with these bit for bit. Not for the hot path.
 */
public final class ScalarCodecs {

    private ScalarCodecs() {
    }

    /** binary32 → bfloat16 bits, round to nearest even; NaN stays NaN. */
    public static short toBf16(final float x) {
        final int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + ((bits >>> 16) & 1) + 0x7FFF) >>> 16);
    }

    public static float fromBf16(final short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static void bf16Encode(final float[] src, final short[] dst) {
        for (int i = 0; i < src.length; i++) {
            dst[i] = toBf16(src[i]);
        }
    }

    public static void bf16Decode(final short[] src, final float[] dst) {
        for (int i = 0; i < src.length; i++) {
            dst[i] = fromBf16(src[i]);
        }
    }

    /** The uniform draw in [0, 1) for element {@code index} under {@code seed} (24 bits). */
    public static float uniform(final int seed, final int index) {
        int h = (index * Int8Codec.GOLDEN ^ seed) * Int8Codec.MIX1;
        h = (h ^ (h >>> 15)) * Int8Codec.MIX2;
        h ^= h >>> 16;
        return (h >>> 8) * 0x1p-24f;
    }

    /**
     * floor(x·inv + u) clamped to [-127, 127], computed as the codec does: round to nearest of
     * fma(x, inv, u − 1/2), read from the mantissa of its sum with 1.5·2^23.
     */
    public static int quantize(final float x, final float inv, final int seed, final int index) {
        final float y = Math.fma(x, inv, uniform(seed, index) - 0.5f) + Int8Codec.ROUNDING_MAGIC;
        return Math.max(-127, Math.min(127, Float.floatToRawIntBits(y) - Int8Codec.ROUNDING_MAGIC_BITS));
    }

    /** The int8 encoding of {@code x}: {@code scales[ceil(d/B)]} and {@code q[d]}, as the codec writes them. */
    public static void int8Encode(final float[] x, final int blockSize, final int seed, final float[] scales,
                                  final byte[] q) {
        for (int b = 0; b * blockSize < x.length; b++) {
            final int lo = b * blockSize;
            final int hi = Math.min(x.length, lo + blockSize);
            float max = 0f;
            for (int i = lo; i < hi; i++) {
                max = Math.max(max, Math.abs(x[i]));
            }
            if (!(max <= Float.MAX_VALUE) || max < Int8Codec.MIN_MAX_ABS) {
                scales[b] = max < Int8Codec.MIN_MAX_ABS ? 0f : max;
                for (int i = lo; i < hi; i++) {
                    q[i] = 0;
                }
                continue;
            }
            scales[b] = max / 127f;
            final float inv = 127f / max;
            for (int i = lo; i < hi; i++) {
                q[i] = (byte) quantize(x[i], inv, seed, i);
            }
        }
    }

    public static void int8Decode(final float[] scales, final byte[] q, final int blockSize, final float[] dst) {
        for (int i = 0; i < q.length; i++) {
            dst[i] = q[i] * scales[i / blockSize];
        }
    }
}
