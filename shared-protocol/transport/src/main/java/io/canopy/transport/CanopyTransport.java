package io.canopy.transport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.canopy.frame.FrameLimits;
import java.io.File;
import java.util.List;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's data-plane endpoint: the media driver (embedded by default) and the Aeron client,
 * from which publishers and subscribers are made.
 *
 * <p>An embedded driver's directory is deleted on {@link #close()}. One left behind by a crash is
 * found at start: if no driver is alive in it, it is removed with a warning; if one is, start
 * fails rather than share a driver it did not ask for.
 */
public final class CanopyTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CanopyTransport.class);

    private final TransportContext ctx;
    private final MediaDriver driver;
    private final Aeron aeron;
    // Actors on several threads add publishers while the node runs.
    private final List<AutoCloseable> owned = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CanopyTransport(final TransportContext ctx, final MediaDriver driver, final Aeron aeron) {
        this.ctx = ctx;
        this.driver = driver;
        this.aeron = aeron;
    }

    /** Concludes {@code ctx}, starts or joins the driver and connects a client. */
    public static CanopyTransport start(final TransportContext ctx) {
        ctx.conclude();
        LOG.info("aggregates between tiers: {}", ctx.links().describe());
        MediaDriver driver = null;
        if (ctx.driverMode() == TransportContext.DriverMode.EMBEDDED) {
            removeStaleDirectory(new File(ctx.aeronDirectoryName()), ctx.driverTimeoutMs());
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(ctx.aeronDirectoryName())
                .dirDeleteOnStart(false)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false)
                .threadingMode(ctx.threadingMode())
                .driverTimeoutMs(ctx.driverTimeoutMs())
                .mtuLength(ctx.mtuLength())
                .socketRcvbufLength(ctx.socketBufferLength())
                .socketSndbufLength(ctx.socketBufferLength())
                .initialWindowLength(ctx.socketBufferLength())
                .errorHandler(t -> LOG.error("media driver error", t)));
            LOG.info("embedded media driver started in {}", ctx.aeronDirectoryName());
        }
        try {
            final Aeron aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(ctx.aeronDirectoryName())
                .driverTimeoutMs(ctx.driverTimeoutMs())
                .errorHandler(t -> LOG.error("aeron client error", t)));
            return new CanopyTransport(ctx, driver, aeron);
        } catch (final RuntimeException e) {
            CloseHelper.quietClose(driver);
            throw e;
        }
    }

    /** Deletes {@code dir} if it is a dead driver's; refuses if a live driver is using it. */
    static void removeStaleDirectory(final File dir, final long driverTimeoutMs) {
        if (!dir.exists()) {
            return;
        }
        if (CommonContext.isDriverActive(dir, driverTimeoutMs, msg -> LOG.debug("{}", msg))) {
            throw new IllegalStateException("aeronDirectoryName=" + dir + " is in use by a running media driver: give"
                + " another directory, or driverMode=EXTERNAL to use that driver");
        }
        LOG.warn("removing stale Aeron directory {} left by a media driver that did not shut down cleanly", dir);
        IoUtil.delete(dir, false);
    }

    public TransportContext context() {
        return ctx;
    }

    public Aeron aeron() {
        return aeron;
    }

    /** A publisher on the context's channel and stream; closed with this transport. */
    public FramePublisher publisher() {
        return publisher(ctx.streamId());
    }

    /** A publisher on the context's channel and the given stream; closed with this transport. */
    public FramePublisher publisher(final int streamId) {
        final FramePublisher p = new FramePublisher(
            aeron.addExclusivePublication(ctx.publicationChannel(), streamId), ctx);
        owned.add(p);
        return p;
    }

    /**
     * A publisher to another node's UDP endpoint ({@code host:port}) on {@code streamId}: the context's
     * publication channel with its endpoint replaced, term length kept and the MTU chosen for that endpoint
     * ({@link TransportContext#publicationChannelTo}). Closed with this transport.
     */
    public FramePublisher publisherTo(final String endpoint, final int streamId) {
        final FramePublisher p = new FramePublisher(aeron.addExclusivePublication(ctx.publicationChannelTo(endpoint),
            streamId), ctx);
        owned.add(p);
        return p;
    }

    /** A subscriber (an unstarted agent) on the context's channel and stream; closed with this transport. */
    public FrameSubscriber subscriber(final FrameLimits limits, final FrameHandler handler) {
        return subscriber(ctx.streamId(), limits, handler);
    }

    /** A subscriber on the context's channel and the given stream; closed with this transport. */
    public FrameSubscriber subscriber(final int streamId, final FrameLimits limits, final FrameHandler handler) {
        if (limits.maxFrameLength() > ctx.maxFrameLength()) {
            throw new IllegalArgumentException("limits allow frames of " + limits.maxFrameLength()
                + " bytes but maxFrameLength=" + ctx.maxFrameLength());
        }
        final FrameSubscriber s = new FrameSubscriber(
            aeron.addSubscription(ctx.subscriptionChannel(), streamId), limits, handler, ctx.fragmentLimit());
        owned.add(s);
        return s;
    }

    /** Runs {@code subscriber} on its own thread under an {@link AgentRunner}; stopped on {@link #close()}. */
    public AgentRunner startReceiver(final FrameSubscriber subscriber) {
        final AgentRunner runner = new AgentRunner(ctx.newIdleStrategy(),
            t -> LOG.error("receive agent {} failed", subscriber.roleName(), t), null, subscriber);
        owned.add(0, runner);
        owned.remove(subscriber);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    /** Runs any agent (a receiver with work of its own, say) on its own thread; stopped on {@link #close()}. */
    public AgentRunner startAgent(final org.agrona.concurrent.Agent agent) {
        final AgentRunner runner = new AgentRunner(ctx.newIdleStrategy(),
            t -> LOG.error("agent {} failed", agent.roleName(), t), null, agent);
        owned.add(0, runner);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    @Override
    public void close() {
        for (final AutoCloseable c : owned) {
            CloseHelper.quietClose(c);
        }
        owned.clear();
        CloseHelper.quietClose(aeron);
        if (driver != null) {
            CloseHelper.quietClose(driver);
            LOG.info("embedded media driver stopped; {} deleted", ctx.aeronDirectoryName());
        }
    }
}
