package io.canopy.codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Checks a payload in its encoded form, reading only, so that a receiver can reject a frame before
 * decoding a single value into anyone's storage. A payload that passes decodes without error:
 * every value finite, every top-k index in range and in order, every int8 scale small enough that
 * no q·scale overflows.
 *
 * <p>Non-finite floats are recognised by their bits — exponent all ones: binary32 {@code 0x7F800000},
 * bfloat16 {@code 0x7F80}, binary16 {@code 0x7C00} — with the Vector API.
 */
public final class PayloadChecks {

    /** Largest int8 scale a receiver accepts: |q| ≤ 128, so q·scale stays finite. */
    public static final float INT8_MAX_SCALE = Float.MAX_VALUE / 128;

    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SS = ShortVector.SPECIES_PREFERRED;
    private static final int FP32_EXPONENT = 0x7F800000;
    private static final short BF16_EXPONENT = 0x7F80;
    private static final short FP16_EXPONENT = 0x7C00;

    private PayloadChecks() {
    }

    /** Whether the codec's payload is a plain array of values that can be checked in any chunks. */
    public static boolean elementwise(final CodecId codec) {
        return codec == CodecId.FP32 || codec == CodecId.FP16 || codec == CodecId.BF16;
    }

    /**
     * Whether {@code bytes} bytes of an elementwise codec's values at {@code offset} are all finite;
     * {@code bytes} must be a multiple of the value size.
     */
    public static boolean finite(final CodecId codec, final MemorySegment src, final long offset, final long bytes) {
        return switch (codec) {
            case FP32 -> finiteFp32(src, offset, (int) (bytes / 4));
            case BF16 -> finite16(src, offset, (int) (bytes / 2), BF16_EXPONENT);
            case FP16 -> finite16(src, offset, (int) (bytes / 2), FP16_EXPONENT);
            default -> throw new IllegalArgumentException(codec + " is not elementwise");
        };
    }

    /** Checks a whole payload of {@code d} values: {@link Codecs#OK} or the first fault's status. */
    public static int verify(final CodecId codec, final int parameter, final MemorySegment src, final long offset,
                             final int d) {
        return switch (codec) {
            case FP32, FP16, BF16 -> finite(codec, src, offset, Codecs.payloadLength(codec, d, parameter))
                ? Codecs.OK : Codecs.NON_FINITE;
            case INT8 -> int8Scales(src, offset, Codecs.int8Blocks(d, parameter));
            case TOPK -> topK(src, offset, d, parameter);
        };
    }

    private static boolean finiteFp32(final MemorySegment src, final long offset, final int n) {
        // The largest exponent field seen, with no branch per vector: finite iff it is not all ones.
        IntVector m0 = IntVector.zero(SI);
        IntVector m1 = IntVector.zero(SI);
        final int l = SI.length();
        int i = 0;
        for (final int bound = n - 2 * l; i <= bound; i += 2 * l) {
            m0 = m0.max(IntVector.fromMemorySegment(SI, src, offset + 4L * i, ByteOrder.LITTLE_ENDIAN).and(FP32_EXPONENT));
            m1 = m1.max(IntVector.fromMemorySegment(SI, src, offset + 4L * (i + l), ByteOrder.LITTLE_ENDIAN)
                .and(FP32_EXPONENT));
        }
        int max = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, src.get(Segments.INT_LE, offset + 4L * i) & FP32_EXPONENT);
        }
        return max != FP32_EXPONENT;
    }

    private static boolean finite16(final MemorySegment src, final long offset, final int n, final short exponent) {
        int i = 0;
        for (final int bound = n - SS.length(); i <= bound; i += SS.length()) {
            if (ShortVector.fromMemorySegment(SS, src, offset + 2L * i, ByteOrder.LITTLE_ENDIAN).and(exponent)
                .compare(VectorOperators.EQ, exponent).anyTrue()) {
                return false;
            }
        }
        for (; i < n; i++) {
            if ((src.get(Segments.SHORT_LE, offset + 2L * i) & exponent) == exponent) {
                return false;
            }
        }
        return true;
    }

    private static int int8Scales(final MemorySegment src, final long offset, final int blocks) {
        for (int b = 0; b < blocks; b++) {
            final float scale = src.get(Segments.FLOAT_LE, offset + 4L * b);
            // Written so that NaN fails too.
            if (!(scale >= 0f && scale <= INT8_MAX_SCALE)) {
                return Codecs.BAD_SCALE;
            }
        }
        return Codecs.OK;
    }

    private static int topK(final MemorySegment src, final long offset, final int d, final int k) {
        int previous = -1;
        for (int j = 0; j < k; j++) {
            final int index = src.get(Segments.INT_LE, offset + 4L * j);
            if (index <= previous || index >= d) {
                return Codecs.BAD_INDICES;
            }
            previous = index;
        }
        return finiteFp32(src, offset + 4L * k, k) ? Codecs.OK : Codecs.NON_FINITE;
    }
}
