package io.canopy.frame;

import io.canopy.codec.CodecId;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Reads a frame's header fields in place. A flyweight with no checks of its own: read fields only
 * of a frame {@link FrameValidator} has accepted, or while validating it. Handlers receive this view;
 * it is valid only during the callback.
 */
public final class FrameDecoder {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    public FrameDecoder wrap(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Bytes available to this frame in the buffer (the received message length). */
    public int length() {
        return length;
    }

    public int magic() {
        return buffer.getInt(offset + FrameLayout.MAGIC_OFFSET, LE);
    }

    public int version() {
        return buffer.getByte(offset + FrameLayout.VERSION_OFFSET) & 0xFF;
    }

    public int typeCode() {
        return buffer.getByte(offset + FrameLayout.TYPE_OFFSET) & 0xFF;
    }

    public FrameType type() {
        return FrameType.fromCode(typeCode());
    }

    public int codecCode() {
        return buffer.getByte(offset + FrameLayout.CODEC_OFFSET) & 0xFF;
    }

    public CodecId codec() {
        return CodecId.fromCode(codecCode());
    }

    public int signatureSchemeCode() {
        return buffer.getByte(offset + FrameLayout.SIGNATURE_SCHEME_OFFSET) & 0xFF;
    }

    public SignatureScheme signatureScheme() {
        return SignatureScheme.fromCode(signatureSchemeCode());
    }

    public long roundId() {
        return buffer.getLong(offset + FrameLayout.ROUND_ID_OFFSET, LE);
    }

    public long senderId() {
        return buffer.getLong(offset + FrameLayout.SENDER_ID_OFFSET, LE);
    }

    public int groupId() {
        return buffer.getInt(offset + FrameLayout.GROUP_ID_OFFSET, LE);
    }

    public int dimension() {
        return buffer.getInt(offset + FrameLayout.DIMENSION_OFFSET, LE);
    }

    public int codecParameter() {
        return buffer.getInt(offset + FrameLayout.CODEC_PARAMETER_OFFSET, LE);
    }

    public int payloadLength() {
        return buffer.getInt(offset + FrameLayout.PAYLOAD_LENGTH_OFFSET, LE);
    }

    public int inputCount() {
        return buffer.getInt(offset + FrameLayout.INPUT_COUNT_OFFSET, LE);
    }

    public int signatureLength() {
        return buffer.getInt(offset + FrameLayout.SIGNATURE_LENGTH_OFFSET, LE);
    }

    public int checksum() {
        return buffer.getInt(offset + FrameLayout.CHECKSUM_OFFSET, LE);
    }

    /** The sender's time, ns since the round opened. */
    public long timestampNs() {
        return buffer.getLong(offset + FrameLayout.TIMESTAMP_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /** The model version the sender computed on (unsigned 32-bit); 0 on a watermark. */
    public long modelVersion() {
        return buffer.getInt(offset + FrameLayout.MODEL_VERSION_OFFSET, LE) & 0xFFFF_FFFFL;
    }

    /** Buffer index of the first payload byte. */
    public int payloadOffset() {
        return offset + FrameLayout.HEADER_LENGTH;
    }

    /** Buffer index of the first signature byte (meaningful when the signature length is positive). */
    public int signatureOffset() {
        return payloadOffset() + payloadLength();
    }
}
