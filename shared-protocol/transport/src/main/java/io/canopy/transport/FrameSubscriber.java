package io.canopy.transport;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.canopy.frame.FrameDecoder;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.RejectReason;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive agent: polls a subscription, reassembles fragmented frames, validates each frame
 * completely in place (header, checksum, values), and only then decodes it once — into the
 * handler's storage or a scratch array — and hands it to the {@link FrameHandler}. Rejected frames are counted by {@link RejectReason} and
 * dropped; a handler that throws is counted as {@link RejectReason#HANDLER_ERROR} and logged once;
 * nothing escapes {@link #doWork()}.
 *
 * <p>Run it under an {@link org.agrona.concurrent.AgentRunner} ({@link CanopyTransport#startReceiver})
 * or call {@link #doWork()} from a thread of your own. Counters may be read from any thread. Without Aeron (a
 * simulated network) it polls a {@link Source} of whole frames instead, through the same checks.
 */
public final class FrameSubscriber implements Agent, FragmentHandler, AutoCloseable {

    /** Whole frames from somewhere other than Aeron (a simulated network), polled once per duty cycle. */
    @FunctionalInterface
    public interface Source {
        /**
         * Hands at most {@code limit} whole frames to {@code frames} (the Aeron header argument may be null).
         *
         * @return the frames handed over
         */
        int poll(FragmentHandler frames, int limit);
    }

    private static final Logger LOG = LoggerFactory.getLogger(FrameSubscriber.class);

    /** The Aeron subscription polled, or null when frames come from {@link #source}. */
    private final Subscription subscription;
    private final Source source;
    private final FrameHandler handler;
    private final FragmentAssembler assembler;
    private final FrameValidator validator;
    private final int fragmentLimit;
    private final AtomicReference<FrameLimits> pendingLimits = new AtomicReference<>();
    private float[] scratch;
    private boolean handlerErrorLogged;
    private volatile long bytesReceived;
    private volatile long watermarks;

    FrameSubscriber(final Subscription subscription, final FrameLimits limits, final FrameHandler handler,
                    final int fragmentLimit) {
        this(subscription, null, limits, handler, fragmentLimit);
    }

    /** A subscriber fed whole frames by {@code source} (a simulated network) rather than by Aeron. */
    public FrameSubscriber(final Source source, final FrameLimits limits, final FrameHandler handler,
                           final int fragmentLimit) {
        this(null, source, limits, handler, fragmentLimit);
    }

    private FrameSubscriber(final Subscription subscription, final Source source, final FrameLimits limits,
                            final FrameHandler handler, final int fragmentLimit) {
        this.subscription = subscription;
        this.source = source;
        this.handler = handler;
        this.validator = new FrameValidator(limits);
        this.scratch = new float[limits.dimension()];
        this.fragmentLimit = fragmentLimit;
        // Off-heap assembly buffer, sized for the largest frame up front: no growth copies, and the
        // codecs read it through the one native segment with no allocation. A source's frames come whole.
        this.assembler = subscription == null ? null : new FragmentAssembler(this, limits.maxFrameLength(), true);
    }

    /** Expectations for the next round; applied by the agent at the start of its next duty cycle. */
    public void limits(final FrameLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits=null");
        }
        pendingLimits.set(limits);
    }

    @Override
    public int doWork() {
        // One volatile read per duty cycle; the swap (so a concurrent update is never lost) only on change.
        if (pendingLimits.get() != null) {
            final FrameLimits next = pendingLimits.getAndSet(null);
            validator.limits(next);
            if (scratch.length < next.dimension()) {
                scratch = new float[next.dimension()];
            }
        }
        return subscription == null ? source.poll(this, fragmentLimit) : subscription.poll(assembler, fragmentLimit);
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        bytesReceived = bytesReceived + length; // one writer (this agent); read by metrics
        final FrameValidator v = validator;
        try {
            final RejectReason reason = v.check(buffer, offset, length);
            if (reason != null) {
                v.countRejected(reason);
                return;
            }
            final FrameDecoder frame = v.frame();
            if (frame.type() == FrameType.WATERMARK) {
                handler.onWatermark(frame);
                watermarks++;
                return;
            }
            float[] dst = handler.destination(frame);
            int dstOffset = 0;
            if (dst == null) {
                dst = scratch;
            } else {
                dstOffset = handler.destinationOffset(frame);
                if (dstOffset < 0 || (long) dstOffset + frame.dimension() > dst.length) {
                    throw new IllegalStateException("handler destination has no room for d=" + frame.dimension()
                        + " at offset " + dstOffset + " (length " + dst.length + ")");
                }
            }
            // Only now, with every field, the checksum and every value verified, is anything written.
            v.decodePayload(dst, dstOffset);
            handler.onFrame(frame, dst, dstOffset);
            v.countAccepted();
        } catch (final RuntimeException e) {
            v.countRejected(RejectReason.HANDLER_ERROR);
            if (!handlerErrorLogged) {
                handlerErrorLogged = true;
                LOG.error("frame handler failed; further failures are only counted (frames.rejected HANDLER_ERROR)", e);
            }
        }
    }

    /** Bytes of every frame received, valid or not. */
    public long bytesReceived() {
        return bytesReceived;
    }

    public long accepted() {
        return validator.accepted();
    }

    /** Watermarks received (not counted in {@link #accepted()}). */
    public long watermarks() {
        return watermarks;
    }

    public long rejected(final RejectReason reason) {
        return validator.rejected(reason);
    }

    public long rejectedTotal() {
        return validator.rejectedTotal();
    }

    /** Rejections indexed by {@link RejectReason#ordinal()}. */
    public long[] rejectedByReason() {
        return validator.rejectedByReason();
    }

    public boolean isConnected() {
        return subscription == null || subscription.isConnected();
    }

    @Override
    public String roleName() {
        return subscription == null ? "canopy-frame-subscriber" : "canopy-frame-subscriber-" + subscription.streamId();
    }

    @Override
    public void onClose() {
        close();
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
