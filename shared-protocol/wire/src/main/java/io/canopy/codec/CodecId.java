package io.canopy.codec;

/**
 * Compression codec of a frame's payload; the wire code is the byte at
 * {@link io.canopy.frame.FrameLayout#CODEC_OFFSET}. Payload layouts (all little-endian):
 * <ul>
 *   <li>{@link #FP32}: d IEEE 754 binary32 values, 4d bytes; parameter 0.
 *   <li>{@link #FP16}: d IEEE 754 binary16 values (round to nearest even), 2d bytes; parameter 0.
 *   <li>{@link #BF16}: d bfloat16 values (the high half of binary32, round to nearest even), 2d bytes; parameter 0.
 *   <li>{@link #INT8}: parameter B = block size; ceil(d/B) binary32 scales, then d signed bytes q with value q·scale.
 *   <li>{@link #TOPK}: parameter k; k int32 indices, strictly increasing in [0, d), then k binary32 values.
 * </ul>
 */
public enum CodecId {
    FP32(0, "fp32"),
    FP16(1, "fp16"),
    BF16(2, "bf16"),
    INT8(3, "int8"),
    TOPK(4, "topk");

    private static final CodecId[] BY_CODE = {FP32, FP16, BF16, INT8, TOPK};

    private final int code;
    private final String label;

    CodecId(final int code, final String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** Lower-case name used in configuration and benchmark output. */
    public String label() {
        return label;
    }

    /** Bit of this codec in a codec mask (see {@link io.canopy.frame.FrameLimits#codecMask()}). */
    public int bit() {
        return 1 << code;
    }

    /** The codec with this wire code, or null when unknown. */
    public static CodecId fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The codec with this label ("fp32", "int8", ...), or null. */
    public static CodecId fromLabel(final String label) {
        for (final CodecId c : BY_CODE) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        return null;
    }
}
