package io.canopy.frame;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.PayloadChecks;
import io.canopy.codec.Segments;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.DirectBuffer;

/**
 * Checks a received frame completely before anything in it is used, and counts the outcome.
 *
 * <p>{@link #check} validates every header field against the buffer and the {@link FrameLimits} —
 * magic, version, type, codec, a watermark's reserved bits, signature fields, round, group, model version, dimension, input
 * count, codec parameter, payload length against codec, limits and buffer — then the CRC32C over
 * header and payload, then the payload's content in its encoded form (finite values, top-k indices
 * in order and in range, int8 scales in range; {@link PayloadChecks}), then, when the limits carry a
 * {@link FrameAuthenticator}, the sender's signature. It only reads: for the
 * element-wise codecs the content check runs chunk by chunk right behind the checksum, while the
 * chunk is in cache. Only a frame that passed all of it is decoded, by {@link #decodePayload}, which
 * then cannot fail — so a rejected frame never writes a value anywhere, and nothing partially
 * applies. Rejections are return values, never exceptions.
 *
 * <p>Owned by one receiving thread. The counters are readable from any thread.
 */
public final class FrameValidator {

    /** Payload bytes checksummed and checked per step: small enough to stay in L1 between the two. */
    static final int CHUNK_BYTES = 16 * 1024;

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

    /** The header view of the frame last passed to {@link #check}. */
    public FrameDecoder frame() {
        return frame;
    }

    /**
     * Validates the whole frame occupying {@code buffer[offset..+length)} — header, checksum and
     * payload content — without decoding it; null when it passes.
     */
    public RejectReason check(final DirectBuffer buffer, final int offset, final int length) {
        final RejectReason header = checkFields(buffer, offset, length);
        if (header != null) {
            return header;
        }
        final RejectReason payload = checkPayload(buffer, offset);
        if (payload != null) {
            return payload;
        }
        // Last, being by far the dearest: a corrupted frame is refused by its checksum before a signature is
        // verified. A watermark carries no signature (PROTOCOL.md, "Signatures").
        final FrameAuthenticator authenticator = limits.authenticator();
        return authenticator == null || frame.type() == FrameType.WATERMARK ? null : authenticator.authenticate(frame);
    }

    private RejectReason checkFields(final DirectBuffer buffer, final int offset, final int length) {
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
        // A watermark is header only and rides on any stream; everything else must be the stream's type.
        final boolean watermark = frame.type() == FrameType.WATERMARK;
        if (!watermark && frame.type() != lim.type()) {
            return RejectReason.BAD_TYPE;
        }
        final CodecId codec = frame.codec();
        if (codec == null || (watermark ? codec != CodecId.FP32 : !lim.allows(codec))) {
            return RejectReason.BAD_CODEC;
        }
        if (watermark && frame.modelVersion() != 0) {
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
        if (!watermark && lim.modelVersion() != FrameLimits.ANY_MODEL && frame.modelVersion() != lim.modelVersion()) {
            return RejectReason.STALE_MODEL;
        }
        final int d = frame.dimension();
        if (d != (watermark ? 0 : lim.dimension())) {
            return RejectReason.DIMENSION_MISMATCH;
        }
        final int inputs = frame.inputCount();
        // An aggregate may fold no input: a time-closed tier of the gated release always reports, empty or not.
        if (watermark ? inputs != 0 : lim.type() == FrameType.GRADIENT ? inputs != 1 : inputs < 0) {
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
        return null;
    }

    private RejectReason checkPayload(final DirectBuffer buffer, final int offset) {
        final CodecId codec = frame.codec();
        final int payloadLength = frame.payloadLength();
        final int payload = frame.payloadOffset();
        final MemorySegment segment = Segments.of(buffer);
        final long base = Segments.offset(buffer, payload);
        checksum.beginHeader(buffer, offset);
        boolean finite = true;
        if (PayloadChecks.elementwise(codec)) {
            // One read of each chunk from memory: checksum it, then check its values while it is in L1.
            for (int at = 0; at < payloadLength; at += CHUNK_BYTES) {
                final int n = Math.min(CHUNK_BYTES, payloadLength - at);
                checksum.update(buffer, payload + at, n);
                finite = finite && PayloadChecks.finite(codec, segment, base + at, n);
            }
        } else {
            checksum.update(buffer, payload, payloadLength);
        }
        if (checksum.value() != frame.checksum()) {
            return RejectReason.BAD_CHECKSUM;
        }
        if (!finite) {
            return RejectReason.NON_FINITE;
        }
        if (!PayloadChecks.elementwise(codec)) {
            return switch (PayloadChecks.verify(codec, frame.codecParameter(), segment, base, frame.dimension())) {
                case Codecs.OK -> null;
                case Codecs.BAD_INDICES -> RejectReason.BAD_INDICES;
                case Codecs.BAD_SCALE -> RejectReason.BAD_SCALE;
                default -> RejectReason.NON_FINITE;
            };
        }
        return null;
    }

    /**
     * Decodes the frame that last passed {@link #check} into {@code dst[dstOffset..+dimension)}.
     * Call it only after {@link #check} returned null; it cannot fail then.
     */
    public void decodePayload(final float[] dst, final int dstOffset) {
        final DirectBuffer b = frame.buffer();
        Codecs.decodeVerified(frame.codec(), frame.codecParameter(), Segments.of(b),
            Segments.offset(b, frame.payloadOffset()), frame.dimension(), dst, dstOffset);
    }

    /**
     * {@link #check}, then {@link #decodePayload} if it passed, counted; null when accepted. On a
     * rejection {@code dst} is not touched.
     */
    public RejectReason validate(final DirectBuffer buffer, final int offset, final int length, final float[] dst,
                                 final int dstOffset) {
        final RejectReason reason = check(buffer, offset, length);
        if (reason == null) {
            decodePayload(dst, dstOffset);
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
