package io.canopy.frame;

/**
 * Byte offsets of the Canopy frame header, version {@link #VERSION}. Every multi-byte field is
 * little-endian; {@code shared-protocol/PROTOCOL.md} describes each field byte by byte.
 *
 * <pre>
 *   0  int32  magic            0x59504E43, the ASCII bytes "CNPY"
 *   4  uint8  version          2
 *   5  uint8  frame type       {@link FrameType}
 *   6  uint8  codec id         {@link io.canopy.codec.CodecId}
 *   7  uint8  signature scheme {@link SignatureScheme}; 0 = unsigned
 *   8  int64  round id
 *  16  int64  sender id
 *  24  int32  group id         cluster id (gradient) or continent id (aggregate)
 *  28  int32  dimension        number of float values the payload decodes to
 *  32  int32  codec parameter  int8: block size; topk: k; otherwise 0
 *  36  int32  payload length   bytes
 *  40  int32  input count      updates folded into this frame: 1 for a gradient
 *  44  int32  signature length bytes of signature after the payload; 0 when unsigned
 *  48  int32  CRC32C           over bytes [0, 48) and [52, 64 + payload length)
 *  52  uint32 model version    the global model version the update was computed on (gradient: the
 *                              version the leaf trained on; aggregate: the round's); 0 on a watermark
 *  56  int64  timestamp        sender's time in ns since the round opened (simulations: the virtual
 *                              arrival time; otherwise informational, receivers keep their own clock)
 *  64  payload, then the signature
 * </pre>
 *
 * <p>The header is 64 bytes so the payload starts 8-byte aligned relative to the frame.
 */
public final class FrameLayout {

    /** "CNPY" read as a little-endian int32. */
    public static final int MAGIC = 0x59504E43;
    public static final int VERSION = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int CODEC_OFFSET = 6;
    public static final int SIGNATURE_SCHEME_OFFSET = 7;
    public static final int ROUND_ID_OFFSET = 8;
    public static final int SENDER_ID_OFFSET = 16;
    public static final int GROUP_ID_OFFSET = 24;
    public static final int DIMENSION_OFFSET = 28;
    public static final int CODEC_PARAMETER_OFFSET = 32;
    public static final int PAYLOAD_LENGTH_OFFSET = 36;
    public static final int INPUT_COUNT_OFFSET = 40;
    public static final int SIGNATURE_LENGTH_OFFSET = 44;
    public static final int CHECKSUM_OFFSET = 48;
    public static final int MODEL_VERSION_OFFSET = 52;
    public static final int TIMESTAMP_OFFSET = 56;
    public static final int HEADER_LENGTH = 64;

    private FrameLayout() {
    }

    /** Total frame length for a payload and signature of these lengths. */
    public static long frameLength(final int payloadLength, final int signatureLength) {
        return (long) HEADER_LENGTH + payloadLength + signatureLength;
    }
}
