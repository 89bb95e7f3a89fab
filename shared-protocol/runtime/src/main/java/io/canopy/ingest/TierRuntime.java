package io.canopy.ingest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameAuthenticator;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import io.canopy.frame.SignatureWriter;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.FrameSubscriber;
import io.canopy.transport.PublishResult;

/**
 * The data-plane side of one aggregating tier on one node, the same for clusters, continents and the
 * global tier: a subscriber on the tier's input stream feeding a {@link TierIngest} under its own
 * {@link IngestAgent}, and a pool of publishers that carry the tier's aggregates one hop up (fp32, so
 * nothing is lost between aggregators). Which groups it serves and what it does with a closed block
 * is the tier's business, given through {@link TierIngest.Groups} and the {@link TierIngest.ClosedSink}.
 */
public final class TierRuntime {
    private final TierIngest ingest;
    private final FrameSubscriber subscriber;
    private final Upstream upstream;
    private final AtomicLong opened = new AtomicLong(-1);
    private final boolean frameTimeDeadlines;
    private final IngestAgent agent;
    private final NanoClock clock;
    private final LinkAuthentication links;
    private final boolean linkedInput;
    private final int inputStream;
    /** The tagger of the current run's aggregates, made once per run rather than once per aggregate. */
    private volatile RunTagger outputTagger;

    /** A run id with its tagger (null when links are off), swapped whole so two publishing threads never mix them. */
    private record RunTagger(long runId, SignatureWriter writer) {
    }

    /**
     * @param inputStream        the stream this tier's inputs arrive on
     * @param outputStream       the stream its aggregates leave on, or −1 for none (the global tier)
     * @param pool               blocks: groups open at once on this node
     * @param capacity           the hard maximum of rows per block: the most inputs one group can have (a block
     *                           allocates rows for its group's planned count only; see {@link IngestBlock})
     * @param publisherCount     publishers: at least the threads that publish at once
     * @param frameTimeDeadlines true when a simulated swarm's timestamps and watermarks drive the deadlines
     */
    public TierRuntime(CanopyTransport transport, String name, FrameLimits initialLimits, int inputStream,
                       int outputStream, int pool, int capacity, int publisherCount, boolean frameTimeDeadlines,
                       NanoClock clock, TierIngest.ClosedSink sink) {
        this(transport, name, initialLimits, inputStream, outputStream < 0 ? null
                : Upstream.local(transport, outputStream, publisherCount), pool, capacity, frameTimeDeadlines, clock, sink);
    }

    /**
     * @param upstream where aggregates go (null for the global tier, which sends none)
     */
    public TierRuntime(CanopyTransport transport, String name, FrameLimits initialLimits, int inputStream,
                       Upstream upstream, int pool, int capacity, boolean frameTimeDeadlines, NanoClock clock,
                       TierIngest.ClosedSink sink) {
        this.frameTimeDeadlines = frameTimeDeadlines;
        this.clock = clock;
        // Aggregates in and out are tagged under the transport's link key when it has one (docs/security.md);
        // leaf gradients are the cluster tier's to authenticate, with the round's plan.
        this.links = transport.context().links();
        this.linkedInput = initialLimits.type() == FrameType.AGGREGATE;
        this.inputStream = inputStream;
        QuorumPolicy any = QuorumPolicy.of(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO);
        TierIngest.FrameClock frameClock = frameTimeDeadlines ? frame -> frame.timestampNs() : frame -> clock.nanoTime();
        this.ingest = new TierIngest(pool, capacity, initialLimits.dimension(), any, sink, frameClock);
        this.subscriber = transport.subscriber(inputStream, authenticated(initialLimits, 0L), ingest);
        this.upstream = upstream;
        this.agent = new IngestAgent(name, ingest, subscriber, clock, !frameTimeDeadlines);
        transport.startAgent(agent);
    }

    /**
     * Opens {@code round} on this node; only the first call for a round does anything, so every actor of
     * the tier may call it.
     *
     * @param runId the round plan's run id: aggregates arriving here must be tagged for it
     * @return whether this call opened the round
     */
    public boolean openRound(long round, FrameLimits limits, TierIngest.Groups groups, double inputNormBound,
                             boolean projectOverNorm, long openedAtNs, long runId) {
        long previous = opened.get();
        if (round <= previous || !opened.compareAndSet(previous, round)) {
            return false;
        }
        subscriber.limits(authenticated(limits, runId));
        // Frame timestamps count from the round's opening, so on frame time the round opens at 0.
        ingest.openRound(round, groups, inputNormBound, projectOverNorm, frameTimeDeadlines ? 0L : openedAtNs);
        return true;
    }

    /** {@code limits} with the link check of run {@code runId}'s aggregates arriving here, when links are authenticated. */
    private FrameLimits authenticated(FrameLimits limits, long runId) {
        FrameAuthenticator check = linkedInput ? links.verifier(inputStream, runId) : null;
        return check == null ? limits : limits.withAuthenticator(check);
    }

    /** Whether the ingest agent is collecting {@code round}. */
    public boolean isOpen(long round) {
        return ingest.currentRound() == round;
    }

    /**
     * Sends an aggregate one hop up, as fp32, tagged for run {@code runId} when links are authenticated; waits out back
     * pressure within the transport's bound.
     */
    public PublishResult publish(long round, long sender, int group, int inputs, long timestampNs, float[] values,
                                 int dimension, long runId) {
        if (upstream == null) {
            throw new IllegalStateException("this tier sends no aggregates");
        }
        FramePublisher publisher;
        try {
            publisher = upstream.acquire(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PublishResult.CLOSED;
        }
        if (publisher == null) {
            return PublishResult.NOT_CONNECTED; // no node hosts the parent group right now
        }
        try {
            AggregateFrame.header(publisher.encoder(), round, sender, group, inputs).timestampNs(timestampNs)
                .signer(taggerFor(runId));
            return publisher.send(UpdateEncoder.fp32(), values, 0, dimension);
        } finally {
            upstream.release(publisher);
        }
    }

    private SignatureWriter taggerFor(long runId) {
        RunTagger tagger = outputTagger;
        if (tagger == null || tagger.runId() != runId) {
            tagger = new RunTagger(runId, links.signer(upstream.stream(), runId));
            outputTagger = tagger;
        }
        return tagger.writer();
    }

    /** Returns a block to the pool once its aggregate is out. */
    public void release(IngestBlock block) {
        ingest.release(block);
    }

    /** This node hosts {@code group} from now on in {@code round} (see {@link TierIngest#addGroup}). */
    public void addGroup(long round, int group) {
        ingest.addGroup(round, group);
    }

    /** One input of {@code group} will never come (its sender failed). */
    public void withdraw(long round, int group, long nowNs) {
        ingest.withdraw(round, group, nowNs);
    }

    /** Now on the clock this tier's deadlines run on (wall or virtual), for opening rounds and withdrawing inputs. */
    public long nowNs() {
        return clock.nanoTime();
    }

    /** Frames sent, bytes sent and back-pressure events of this tier's aggregates so far (zeros without any). */
    public long[] sentTotals() {
        return upstream == null ? new long[3] : upstream.sentTotals();
    }

    /** The ingest agent's busy time so far (see {@link IngestAgent#busyNanos()}). */
    public long ingestBusyNanos() {
        return agent.busyNanos();
    }

    public TierIngest ingest() {
        return ingest;
    }

    public FrameSubscriber subscriber() {
        return subscriber;
    }
}
