package io.canopy.frame;

import io.canopy.codec.CodecId;
import io.canopy.codec.Segments;
import io.canopy.codec.UpdateEncoder;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Writes one frame into a caller's buffer: set the header fields, then {@link #encode} compresses
 * the values straight into the payload and seals the frame with its CRC32C. A flyweight: wrap,
 * write, repeat — nothing is allocated per frame. The frame is unsigned ({@link SignatureScheme#NONE},
 * signature length 0) unless a {@link SignatureWriter} is set, which then signs it after the CRC is sealed
 * (the signature's own allocations are the JDK's; see {@code io.canopy.enroll.FrameSignatures}).
 *
 * <p>Not thread-safe; one per sending thread.
 */
public final class FrameEncoder {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final FrameChecksum checksum = new FrameChecksum();
    private MutableDirectBuffer buffer;
    private int offset;
    private FrameType type = FrameType.GRADIENT;
    private long roundId;
    private long senderId;
    private int groupId;
    private int inputCount = 1;
    private long timestampNs;
    private int modelVersion;
    private SignatureWriter signer;

    public FrameEncoder wrap(final MutableDirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public FrameEncoder type(final FrameType type) {
        this.type = type;
        return this;
    }

    public FrameEncoder roundId(final long roundId) {
        this.roundId = roundId;
        return this;
    }

    public FrameEncoder senderId(final long senderId) {
        this.senderId = senderId;
        return this;
    }

    /** Cluster id for a gradient, continent id for an aggregate. */
    public FrameEncoder groupId(final int groupId) {
        this.groupId = groupId;
        return this;
    }

    /** The sender's time, ns since the round opened; see {@link FrameLayout#TIMESTAMP_OFFSET}. */
    public FrameEncoder timestampNs(final long timestampNs) {
        this.timestampNs = timestampNs;
        return this;
    }

    /**
     * The global model version the values were computed on (a leaf: the version it trained on), in
     * [0, 2^32); a cluster refuses a gradient on any version but its round plan's as {@link RejectReason#STALE_MODEL}.
     */
    public FrameEncoder modelVersion(final long modelVersion) {
        if (modelVersion < 0 || modelVersion > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("modelVersion=" + modelVersion + " must be in [0, 2^32)");
        }
        this.modelVersion = (int) modelVersion;
        return this;
    }

    /** Signs every frame {@link #encode} writes from now on; null for unsigned frames. Watermarks stay unsigned. */
    public FrameEncoder signer(final SignatureWriter signer) {
        if (signer != null && signer.scheme() == SignatureScheme.NONE) {
            throw new IllegalArgumentException("a signer must sign: scheme NONE is what no signer means");
        }
        this.signer = signer;
        return this;
    }

    /** Updates folded into this frame: 1 for a gradient. */
    public FrameEncoder inputCount(final int inputCount) {
        this.inputCount = inputCount;
        return this;
    }

    /**
     * Encodes {@code values[from..+dimension)} with {@code codec} and seals the frame.
     *
     * @return the frame length in bytes
     * @throws IllegalArgumentException if the frame does not fit in the wrapped buffer (a sizing bug)
     */
    public int encode(final UpdateEncoder codec, final float[] values, final int from, final int dimension) {
        final long payload = codec.payloadLength(dimension);
        final SignatureWriter sign = signer;
        final SignatureScheme scheme = sign == null ? SignatureScheme.NONE : sign.scheme();
        final long frameLength = FrameLayout.frameLength(Math.toIntExact(payload), scheme.length());
        if (frameLength > buffer.capacity() - (long) offset) {
            throw new IllegalArgumentException("frame of " + frameLength + " bytes (" + codec.codec().label() + ", d="
                + dimension + ") does not fit in the " + (buffer.capacity() - offset) + " bytes left in the buffer");
        }
        final int payloadLength = (int) payload;
        final MutableDirectBuffer b = buffer;
        final int o = offset;
        b.putInt(o + FrameLayout.MAGIC_OFFSET, FrameLayout.MAGIC, LE);
        b.putByte(o + FrameLayout.VERSION_OFFSET, (byte) FrameLayout.VERSION);
        b.putByte(o + FrameLayout.TYPE_OFFSET, (byte) type.code());
        b.putByte(o + FrameLayout.CODEC_OFFSET, (byte) codec.codec().code());
        b.putByte(o + FrameLayout.SIGNATURE_SCHEME_OFFSET, (byte) scheme.code());
        b.putLong(o + FrameLayout.ROUND_ID_OFFSET, roundId, LE);
        b.putLong(o + FrameLayout.SENDER_ID_OFFSET, senderId, LE);
        b.putInt(o + FrameLayout.GROUP_ID_OFFSET, groupId, LE);
        b.putInt(o + FrameLayout.DIMENSION_OFFSET, dimension, LE);
        b.putInt(o + FrameLayout.CODEC_PARAMETER_OFFSET, codec.parameter(), LE);
        b.putInt(o + FrameLayout.PAYLOAD_LENGTH_OFFSET, payloadLength, LE);
        b.putInt(o + FrameLayout.INPUT_COUNT_OFFSET, inputCount, LE);
        b.putInt(o + FrameLayout.SIGNATURE_LENGTH_OFFSET, scheme.length(), LE);
        b.putInt(o + FrameLayout.MODEL_VERSION_OFFSET, modelVersion, LE);
        b.putLong(o + FrameLayout.TIMESTAMP_OFFSET, timestampNs, LE);
        codec.encode(values, from, dimension, Segments.of(b), Segments.offset(b, o + FrameLayout.HEADER_LENGTH));
        b.putInt(o + FrameLayout.CHECKSUM_OFFSET, checksum.compute(b, o, payloadLength), LE);
        if (sign != null) {
            sign.sign(b, o, payloadLength, o + FrameLayout.HEADER_LENGTH + payloadLength);
        }
        return (int) frameLength;
    }

    /**
     * Writes a {@link FrameType#WATERMARK} for the round, sender, group and timestamp set on this encoder.
     *
     * @return the frame length in bytes ({@link FrameLayout#HEADER_LENGTH})
     */
    public int encodeWatermark() {
        if (FrameLayout.HEADER_LENGTH > buffer.capacity() - (long) offset) {
            throw new IllegalArgumentException("a watermark needs " + FrameLayout.HEADER_LENGTH + " bytes, the buffer has "
                + (buffer.capacity() - offset) + " left");
        }
        final MutableDirectBuffer b = buffer;
        final int o = offset;
        b.putInt(o + FrameLayout.MAGIC_OFFSET, FrameLayout.MAGIC, LE);
        b.putByte(o + FrameLayout.VERSION_OFFSET, (byte) FrameLayout.VERSION);
        b.putByte(o + FrameLayout.TYPE_OFFSET, (byte) FrameType.WATERMARK.code());
        b.putByte(o + FrameLayout.CODEC_OFFSET, (byte) CodecId.FP32.code());
        b.putByte(o + FrameLayout.SIGNATURE_SCHEME_OFFSET, (byte) SignatureScheme.NONE.code());
        b.putLong(o + FrameLayout.ROUND_ID_OFFSET, roundId, LE);
        b.putLong(o + FrameLayout.SENDER_ID_OFFSET, senderId, LE);
        b.putInt(o + FrameLayout.GROUP_ID_OFFSET, groupId, LE);
        b.putInt(o + FrameLayout.DIMENSION_OFFSET, 0, LE);
        b.putInt(o + FrameLayout.CODEC_PARAMETER_OFFSET, 0, LE);
        b.putInt(o + FrameLayout.PAYLOAD_LENGTH_OFFSET, 0, LE);
        b.putInt(o + FrameLayout.INPUT_COUNT_OFFSET, 0, LE);
        b.putInt(o + FrameLayout.SIGNATURE_LENGTH_OFFSET, 0, LE);
        b.putInt(o + FrameLayout.MODEL_VERSION_OFFSET, 0, LE);
        b.putLong(o + FrameLayout.TIMESTAMP_OFFSET, timestampNs, LE);
        b.putInt(o + FrameLayout.CHECKSUM_OFFSET, checksum.compute(b, o, 0), LE);
        return FrameLayout.HEADER_LENGTH;
    }

    /**
     * Recomputes the checksum of the frame at {@code offset} from its current bytes; for tools and
     * tests that edit a header field and want only that field to be wrong.
     */
    public static void reseal(final MutableDirectBuffer buffer, final int offset) {
        final int payloadLength = buffer.getInt(offset + FrameLayout.PAYLOAD_LENGTH_OFFSET, LE);
        buffer.putInt(offset + FrameLayout.CHECKSUM_OFFSET, new FrameChecksum().compute(buffer, offset, payloadLength), LE);
    }
}
