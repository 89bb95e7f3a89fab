package io.canopy.frame;

/**
 * Why a frame was dropped. Each receiver counts rejections in an array indexed by {@link #ordinal()},
 * so the order here is part of the metrics contract: append new reasons at the end.
 */
public enum RejectReason {
    /** The buffer is shorter than the header, or than the header says the frame is. */
    TRUNCATED,
    /** The first four bytes are not "CNPY". */
    BAD_MAGIC,
    /** A version this build does not read. */
    BAD_VERSION,
    /** Unknown frame type, or not the type this receiver expects. */
    BAD_TYPE,
    /** Unknown codec, or one the round plan does not allow. */
    BAD_CODEC,
    /** A watermark's model-version field (reserved on a header-only frame) is not zero. */
    BAD_RESERVED,
    /** Unknown signature scheme, or a signature length that disagrees with its scheme. */
    BAD_SIGNATURE_FIELDS,
    /** Round id is not the round being collected. */
    WRONG_ROUND,
    /** Group id (cluster or continent) is not this receiver's. */
    WRONG_GROUP,
    /** Dimension disagrees with the round plan. */
    DIMENSION_MISMATCH,
    /** Input count is not 1 for a gradient, or not positive for an aggregate. */
    BAD_INPUT_COUNT,
    /** The codec parameter is out of range for its codec (int8 block size, top-k k). */
    BAD_CODEC_PARAMETER,
    /** Payload length disagrees with what codec, dimension and parameter imply. */
    BAD_PAYLOAD_LENGTH,
    /** Payload longer than the round plan allows. */
    PAYLOAD_TOO_LARGE,
    /** The buffer holds bytes past the end of the frame. */
    TRAILING_BYTES,
    /** CRC32C of header and payload does not match. */
    BAD_CHECKSUM,
    /** Top-k indices not strictly increasing within [0, dimension). */
    BAD_INDICES,
    /** An int8 block scale is negative, not finite, or so large that a decoded value could overflow. */
    BAD_SCALE,
    /** A value is NaN or infinite (read from its encoded bits, before decoding). */
    NON_FINITE,
    /** The frame was valid but the handler threw while taking it; counted, then dropped. */
    HANDLER_ERROR,
    /** The update was computed on a model version other than the one the round plan names (a stale model). */
    STALE_MODEL,
    /**
     * Signatures are required and the signature does not verify under the sender's enrolled key over this
     * frame and the round's nonce: a spoofed sender, a key other than the enrolled one, garbage bytes, a frame
     * replayed into another round or run, or a scheme other than the sender's enrolled one.
     */
    BAD_SIGNATURE,
    /** Signatures are required and the sender has no enrolled public key in the cluster the frame names. */
    NOT_ENROLLED,
    /** Signatures are required and the frame carries none (signature scheme 0). */
    UNSIGNED,
    /**
     * Aggregates are signed by members and the routing table names no member, or one without a fleet certificate
     * this receiver has checked, as the host of the sending cluster or continent.
     */
    UNKNOWN_OWNER;

    private static final RejectReason[] VALUES = values();

    /** All reasons in ordinal order, without the copy {@code values()} makes. */
    public static RejectReason fromOrdinal(final int ordinal) {
        return VALUES[ordinal];
    }

    public static int count() {
        return VALUES.length;
    }
}
