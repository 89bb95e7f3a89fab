package io.canopy.ingest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.canopy.enroll.LinkAuthentication;
import io.canopy.frame.FrameAuthenticator;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FrameHandler;
import io.canopy.transport.FrameSubscriber;
import io.canopy.transport.PublishResult;
import org.agrona.concurrent.Agent;

/**
 * The data-plane side of one aggregating tier on one node, the same for clusters, continents and the
 * global tier: a subscriber on the tier's input stream feeding a {@link TierIngest} under its own
 * {@link IngestAgent}, and a pool of publishers that carry the tier's aggregates one hop up (fp32, so
 * nothing is lost between aggregators). Which groups it serves and what it does with a closed block
 * is the tier's business, given through {@link TierIngest.Groups} and the {@link TierIngest.ClosedSink}.
 */
public final class TierRuntime {

    /**
     * What a tier's runtime is wired to: Aeron through a {@link CanopyTransport} on a node ({@link #of}), or an
     * in-memory network in a simulation, which feeds the subscriber and steps the ingest agent itself.
     */
    public interface Wiring {
        /** Who may send aggregates between tiers: the tags checked on this tier's input. */
        LinkAuthentication links();

        /** A subscriber (not started) on {@code stream} that hands each valid frame to {@code handler}. */
        FrameSubscriber subscriber(int stream, FrameLimits limits, FrameHandler handler);

        /** Runs {@code agent}'s duty cycle from now on: on a node, on a thread of its own until the transport closes. */
        void start(Agent agent);

        /** The wiring of a node: subscribers and agent threads of {@code transport}. */
        static Wiring of(CanopyTransport transport) {
            return new Wiring() {
                @Override
                public LinkAuthentication links() {
                    return transport.context().links();
                }

                @Override
                public FrameSubscriber subscriber(int stream, FrameLimits limits, FrameHandler handler) {
                    return transport.subscriber(stream, limits, handler);
                }

                @Override
                public void start(Agent agent) {
                    transport.startAgent(agent);
                }
            };
        }
    }

    /** Where a tier's aggregates go one hop up: {@link Upstream} on a node, a simulated network in tests. */
    public interface Sender {
        /**
         * Sends an aggregate as fp32, tagged for run {@code runId} when links are authenticated; an expected failure
         * (back pressure past the bound, no route) is the result, never an exception.
         */
        PublishResult send(long round, long sender, int group, int inputs, long timestampNs, float[] values,
                           int dimension, long runId);

        /** Frames sent, bytes sent and back-pressure events so far. */
        long[] sentTotals();
    }

    private final TierIngest ingest;
    private final FrameSubscriber subscriber;
    private final Sender upstream;
    /** The round and epoch opened last (guarded by this runtime's lock). */
    private long opened = -1;
    private int openedEpoch;
    private final AtomicBoolean started = new AtomicBoolean();
    private final boolean frameTimeDeadlines;
    private final IngestAgent agent;
    private final Wiring wiring;
    private final NanoClock clock;
    private final LinkAuthentication links;
    private final boolean linkedInput;
    private final int inputStream;

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
        this(Wiring.of(transport), name, initialLimits, inputStream, outputStream < 0 ? null
                : Upstream.local(transport, outputStream, publisherCount), pool, capacity, frameTimeDeadlines, clock, sink);
    }

    /**
     * @param upstream where aggregates go (null for the global tier, which sends none)
     */
    public TierRuntime(CanopyTransport transport, String name, FrameLimits initialLimits, int inputStream,
                       Sender upstream, int pool, int capacity, boolean frameTimeDeadlines, NanoClock clock,
                       TierIngest.ClosedSink sink) {
        this(Wiring.of(transport), name, initialLimits, inputStream, upstream, pool, capacity, frameTimeDeadlines, clock,
            sink);
    }

    /**
     * Builds the runtime and starts nothing: its ingest agent runs from {@link #start} on (a simulation steps
     * {@link #agent} itself instead).
     *
     * @param upstream where aggregates go (null for the global tier, which sends none)
     */
    public TierRuntime(Wiring wiring, String name, FrameLimits initialLimits, int inputStream, Sender upstream, int pool,
                       int capacity, boolean frameTimeDeadlines, NanoClock clock, TierIngest.ClosedSink sink) {
        this.wiring = wiring;
        this.frameTimeDeadlines = frameTimeDeadlines;
        this.clock = clock;
        // Aggregates in and out are tagged under the transport's link key when it has one (docs/security.md);
        // leaf gradients are the cluster tier's to authenticate, with the round's plan.
        this.links = wiring.links();
        this.linkedInput = initialLimits.type() == FrameType.AGGREGATE;
        this.inputStream = inputStream;
        QuorumPolicy any = QuorumPolicy.of(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO);
        TierIngest.FrameClock frameClock = frameTimeDeadlines ? frame -> frame.timestampNs() : frame -> clock.nanoTime();
        this.ingest = new TierIngest(pool, capacity, initialLimits.dimension(), any, sink, frameClock);
        this.subscriber = wiring.subscriber(inputStream, authenticated(initialLimits, 0L), ingest);
        this.upstream = upstream;
        this.agent = new IngestAgent(name, ingest, subscriber, clock, !frameTimeDeadlines);
    }

    /**
     * Starts the ingest agent through the wiring (on a node, its own thread). Until then nothing is polled and
     * rounds opened are only queued; a second call fails.
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(agent.roleName() + " is already started");
        }
        wiring.start(agent);
    }

    /** The ingest agent, for a caller that runs it itself (a simulation calls {@link IngestAgent#doWork()}). */
    public IngestAgent agent() {
        return agent;
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
        return openRound(round, 0, limits, groups, inputNormBound, projectOverNorm, openedAtNs, runId);
    }

    /**
     * Opens {@code round} of coordinator epoch {@code epoch}: a later round, or the round open now again under a higher
     * epoch (a coordinator that took over re-issued it). A re-opened round starts empty: the ingest drops the blocks
     * it was filling for the old epoch ({@link TierIngest#openRound}), so nothing sent for the old copy counts here.
     * Between tiers the data round ids of a higher epoch are higher anyway ({@code RoundPlan.dataRound}); leaves keep
     * sending the plan's round id, so the cluster tier re-opens the same id.
     *
     * @return whether this call opened the round
     */
    public synchronized boolean openRound(long round, int epoch, FrameLimits limits, TierIngest.Groups groups,
                                          double inputNormBound, boolean projectOverNorm, long openedAtNs, long runId) {
        if (round < opened || round == opened && epoch <= openedEpoch) {
            return false;
        }
        opened = round;
        openedEpoch = epoch;
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
        return upstream.send(round, sender, group, inputs, timestampNs, values, dimension, runId);
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
