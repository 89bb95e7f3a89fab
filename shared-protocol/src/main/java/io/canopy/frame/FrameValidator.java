package io.canopy.frame;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.Segments;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.DirectBuffer;

/**
 * Checks a received frame before anything in it is used, and counts the outcome.
 *
 * <p>Two steps, so a receiver can choose where the values go once the header is known good:
 * {@link #checkHeader} validates every header field against the buffer and the {@link FrameLimits}
 * — magic, version, type, codec, reserved bits, signature fields, round, group, dimension, input
 * count, codec parameter, payload length against codec, limits and buffer, then the CRC32C —
 * reading no payload value until the checksum over them matches; {@link #decodePayload} then
 * decompresses and checks indices, scales and finiteness. Rejections are return values, never
 * exceptions. On a payload rejection the destination range holds unspecified values: a receiver
 * claims it only for accepted frames, so nothing partially applies.
 *
 * <p>Owned by one receiving thread. The counters are readable from any thread.
 */
public final class FrameValidator {

    private final FrameDecoder frame = new FrameDecoder();
    private final FrameChecksum checksum = new FrameChecksum();
    private final AtomicLongArray rejected = new AtomicLongArray(RejectReason.count());
    private volatile long accepted;
    private FrameLimits limits;

    public FrameValidator(final FrameLimits limits) {
        limits(limits);
    }

    /** Switches expectations, e.g. when the next round opens. Call from the owning thread. */
    public void limits(final FrameLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits=null");
        }
        this.limits = limits;
    }

    public FrameLimits limits() {
        return limits;
    }

    /** The header view of the frame last passed to {@link #checkHeader}. */
    public FrameDecoder frame() {
        return frame;
    }

    /** Validates the header of the frame occupying {@code buffer[offset..+length)}; null when it passes. */
    public RejectReason checkHeader(final DirectBuffer buffer, final int offset, final int length) {
        frame.wrap(buffer, offset, length);
        if (length < FrameLayout.HEADER_LENGTH || offset < 0 || (long) offset + length > buffer.capacity()) {
            return RejectReason.TRUNCATED;
        }
        if (frame.magic() != FrameLayout.MAGIC) {
            return RejectReason.BAD_MAGIC;
        }
        if (frame.version() != FrameLayout.VERSION) {
            return RejectReason.BAD_VERSION;
        }
        final FrameLimits lim = limits;
        if (frame.type() != lim.type()) {
            return RejectReason.BAD_TYPE;
        }
        final CodecId codec = frame.codec();
        if (codec == null || !lim.allows(codec)) {
            return RejectReason.BAD_CODEC;
        }
        if (frame.reserved() != 0) {
            return RejectReason.BAD_RESERVED;
        }
        final SignatureScheme scheme = frame.signatureScheme();
        if (scheme == null || frame.signatureLength() != scheme.length()) {
            return RejectReason.BAD_SIGNATURE_FIELDS;
        }
        if (frame.roundId() != lim.roundId()) {
            return RejectReason.WRONG_ROUND;
        }
        if (lim.groupId() != FrameLimits.ANY_GROUP && frame.groupId() != lim.groupId()) {
            return RejectReason.WRONG_GROUP;
        }
        final int d = frame.dimension();
        if (d != lim.dimension()) {
            return RejectReason.DIMENSION_MISMATCH;
        }
        final int inputs = frame.inputCount();
        if (lim.type() == FrameType.GRADIENT ? inputs != 1 : inputs < 1) {
            return RejectReason.BAD_INPUT_COUNT;
        }
        final int parameter = frame.codecParameter();
        if (!Codecs.validParameter(codec, d, parameter)) {
            return RejectReason.BAD_CODEC_PARAMETER;
        }
        final int payloadLength = frame.payloadLength();
        if (payloadLength != Codecs.payloadLength(codec, d, parameter)) {
            return RejectReason.BAD_PAYLOAD_LENGTH;
        }
        if (payloadLength > lim.maxPayloadLength()) {
            return RejectReason.PAYLOAD_TOO_LARGE;
        }
        final long frameLength = FrameLayout.frameLength(payloadLength, frame.signatureLength());
        if (frameLength > length) {
            return RejectReason.TRUNCATED;
        }
        if (frameLength < length) {
            return RejectReason.TRAILING_BYTES;
        }
        if (checksum.compute(buffer, offset, payloadLength) != frame.checksum()) {
            return RejectReason.BAD_CHECKSUM;
        }
        return null;
    }

    /**
     * Decodes the payload of the frame that last passed {@link #checkHeader} into
     * {@code dst[dstOffset..+dimension)}; null when every value is good.
     */
    public RejectReason decodePayload(final float[] dst, final int dstOffset) {
        final DirectBuffer b = frame.buffer();
        final int status = Codecs.decode(frame.codec(), frame.codecParameter(), Segments.of(b),
            Segments.offset(b, frame.payloadOffset()), frame.dimension(), dst, dstOffset);
        return switch (status) {
            case Codecs.OK -> null;
            case Codecs.BAD_INDICES -> RejectReason.BAD_INDICES;
            case Codecs.BAD_SCALE -> RejectReason.BAD_SCALE;
            default -> RejectReason.NON_FINITE;
        };
    }

    /** Both steps, counted; null when accepted. {@code dst} needs room for the dimension at {@code dstOffset}. */
    public RejectReason validate(final DirectBuffer buffer, final int offset, final int length, final float[] dst,
                                 final int dstOffset) {
        RejectReason reason = checkHeader(buffer, offset, length);
        if (reason == null) {
            reason = decodePayload(dst, dstOffset);
        }
        if (reason == null) {
            countAccepted();
        } else {
            countRejected(reason);
        }
        return reason;
    }

    /** Counts one dropped frame; the owning thread only. */
    public void countRejected(final RejectReason reason) {
        rejected.setRelease(reason.ordinal(), rejected.getPlain(reason.ordinal()) + 1);
    }

    /** Counts one accepted frame; the owning thread only. */
    public void countAccepted() {
        accepted++;
    }

    public long accepted() {
        return accepted;
    }

    public long rejected(final RejectReason reason) {
        return rejected.getAcquire(reason.ordinal());
    }

    public long rejectedTotal() {
        long sum = 0;
        for (int i = 0; i < rejected.length(); i++) {
            sum += rejected.getAcquire(i);
        }
        return sum;
    }

    /** Rejections by reason, indexed by {@link RejectReason#ordinal()}: a fresh copy. */
    public long[] rejectedByReason() {
        final long[] out = new long[rejected.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rejected.getAcquire(i);
        }
        return out;
    }
}
