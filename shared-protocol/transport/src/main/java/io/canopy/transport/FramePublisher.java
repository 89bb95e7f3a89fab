package io.canopy.transport;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameEncoder;
import io.canopy.straggler.NanoClock;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes frames into its own off-heap buffer and offers them to an Aeron publication; Aeron
 * fragments frames longer than the MTU. Back pressure is waited out with the context's idle
 * strategy for at most the offer timeout, after which the outcome is reported, never spun on forever.
 *
 * <p>One sending thread; allocation-free per frame.
 */
public final class FramePublisher implements AutoCloseable {

    private final ExclusivePublication publication;
    private final UnsafeBuffer buffer;
    private final FrameEncoder encoder = new FrameEncoder();
    private final IdleStrategy idle;
    private final NanoClock clock;
    private final long offerTimeoutNs;
    private long framesSent;
    private long bytesSent;
    private long backPressureEvents;
    private long timeouts;

    FramePublisher(final ExclusivePublication publication, final TransportContext ctx) {
        if (publication.maxMessageLength() < ctx.maxFrameLength()) {
            final int max = publication.maxMessageLength();
            publication.close();
            throw new IllegalStateException("maxFrameLength=" + ctx.maxFrameLength() + " does not fit channel "
                + ctx.publicationChannel() + ": its largest message is " + max + " bytes (term length / 8)");
        }
        this.publication = publication;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            org.agrona.BitUtil.align(ctx.maxFrameLength(), 64), 64));
        this.encoder.wrap(buffer, 0);
        this.idle = ctx.newIdleStrategy();
        this.clock = ctx.nanoClock();
        this.offerTimeoutNs = ctx.offerTimeoutNs();
    }

    /** The encoder over this publisher's buffer: set the header fields, then call {@link #send}. */
    public FrameEncoder encoder() {
        return encoder;
    }

    /** Encodes {@code values[from..+d)} with the encoder's current header fields and publishes the frame. */
    public PublishResult send(final UpdateEncoder codec, final float[] values, final int from, final int d) {
        final int length = encoder.encode(codec, values, from, d);
        return offer(buffer, 0, length);
    }

    /** Publishes a {@link io.canopy.frame.FrameType#WATERMARK} with the encoder's round, sender, group and timestamp. */
    public PublishResult sendWatermark() {
        return offer(buffer, 0, encoder.encodeWatermark());
    }

    /** Publishes {@code length} bytes as one message, waiting out back pressure for at most the offer timeout. */
    public PublishResult offer(final DirectBuffer source, final int offset, final int length) {
        boolean waiting = false;
        long deadline = 0;
        idle.reset();
        while (true) {
            final long result = publication.offer(source, offset, length);
            if (result > 0) {
                framesSent++;
                bytesSent += length;
                return PublishResult.SENT;
            }
            if (result == Publication.CLOSED) {
                return PublishResult.CLOSED;
            }
            if (result == Publication.MAX_POSITION_EXCEEDED) {
                return PublishResult.MAX_POSITION_EXCEEDED;
            }
            // BACK_PRESSURED, ADMIN_ACTION or NOT_CONNECTED: worth waiting for, up to the timeout.
            final long now = clock.nanoTime();
            if (!waiting) {
                waiting = true;
                deadline = now + offerTimeoutNs;
                backPressureEvents++;
            } else if (now - deadline >= 0) {
                timeouts++;
                return result == Publication.NOT_CONNECTED ? PublishResult.NOT_CONNECTED
                    : PublishResult.BACK_PRESSURE_TIMEOUT;
            }
            idle.idle();
        }
    }

    /** Waits until a subscriber is connected; false after {@code timeoutNs}. */
    public boolean awaitConnected(final long timeoutNs) {
        final long deadline = clock.nanoTime() + timeoutNs;
        idle.reset();
        while (!publication.isConnected()) {
            if (clock.nanoTime() - deadline >= 0) {
                return false;
            }
            idle.idle();
        }
        return true;
    }

    public int maxMessageLength() {
        return publication.maxMessageLength();
    }

    public int termLength() {
        return publication.termBufferLength();
    }

    public long framesSent() {
        return framesSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** Offers that met back pressure (or no subscriber) at least once. */
    public long backPressureEvents() {
        return backPressureEvents;
    }

    public long timeouts() {
        return timeouts;
    }

    @Override
    public void close() {
        publication.close();
    }
}
