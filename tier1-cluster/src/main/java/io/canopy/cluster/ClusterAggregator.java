package io.canopy.cluster;

import io.canopy.codec.CodecId;
import io.canopy.control.ControlMessage;
import io.canopy.privacy.release.ClusterPasses;
import io.canopy.privacy.release.HeldRows;
import io.canopy.ingest.IngestBlock;
import io.canopy.round.ClusterReport;
import io.canopy.round.ReportSink;
import io.canopy.round.RoundPlan;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.transport.PublishResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One cluster of about a thousand leaves (tier 1). Its updates are collected into a block by the
 * node's {@link ClusterTier}; when the block closes it arrives here, and the actor runs Multi-Krum,
 * adds tier-1 noise, sends the aggregate to its continent over the data plane and reports on the
 * control plane — whether or not it had anything to release. Runs on the compute dispatcher.
 */
public final class ClusterAggregator extends AbstractBehavior<ClusterAggregator.Command> {

    /** What the actor understands. */
    public sealed interface Command permits Open, Closed, AwaitOpen, AwaitReport, Collecting, Centre {
    }

    /**
     * A gated release's public centre v1 for {@code plan}'s round has been released: run pass 2 on the block kept
     * from pass 1 and send it up (always, even with no leaf: then O2 = v1 and W = 0).
     */
    public record Centre(RoundPlan plan, float[] centre) implements Command, ControlMessage {
    }

    /** Round r starts: take part. */
    public record Open(RoundPlan plan) implements Command, ControlMessage {
    }

    /**
     * The block for {@code plan}'s round closed on the ingest thread (local only: it carries the block). It
     * carries the plan too: on a large tree a cluster's leaves can all report before its own copy of the
     * plan has come down the actor tree.
     */
    public record Closed(RoundPlan plan, int pass, IngestBlock block, QuorumOutcome outcome, long closedAfterNs)
        implements Command {
        public Closed(RoundPlan plan, IngestBlock block, QuorumOutcome outcome, long closedAfterNs) {
            this(plan, 1, block, outcome, closedAfterNs);
        }
    }

    /**
     * A sender asks to be told once this cluster collects {@code round} (or a later one): leaves send only then,
     * so no frame meets a cluster that has not opened yet. Answered at once if it already does.
     */
    public record AwaitOpen(long round, ActorRef<Opened> replyTo) implements Command, ControlMessage {
    }

    /** The answer to {@link AwaitOpen}: {@code cluster}'s ingest collects {@code round} from now on. */
    public record Opened(long round, int cluster) implements ControlMessage {
    }

    /**
     * A reader (a member's client gateway) asks for this cluster's report of {@code round}: answered once with the
     * report, or with none once the cluster has opened a later round without reporting it. The reports topic is
     * the fast path; this is the one that cannot lose a report.
     */
    public record AwaitReport(long round, ActorRef<ReportOf> replyTo) implements Command, ControlMessage {
    }

    /** The answer to {@link AwaitReport}: {@code report} is null when {@code cluster} passed {@code round} without one. */
    public record ReportOf(long round, int cluster, ClusterReport report) implements ControlMessage {
    }

    /** The ingest agent has applied this round's opening for this cluster (sent from the agent's thread). */
    private record Collecting(long round) implements Command {
    }

    /** The dispatcher cluster actors run on (Multi-Krum is CPU-bound: it must not starve heartbeats or timers). */
    public static final String COMPUTE_DISPATCHER = "canopy.compute-dispatcher";

    /**
     * {@link #COMPUTE_DISPATCHER} with {@code threads} threads, over its definition in this module's
     * {@code reference.conf}, for any node that hosts clusters.
     */
    public static com.typesafe.config.Config computeDispatcher(int threads) {
        return com.typesafe.config.ConfigFactory.empty().withValue(COMPUTE_DISPATCHER + ".thread-pool-executor.fixed-pool-size",
            com.typesafe.config.ConfigValueFactory.fromAnyRef(threads));
    }

    /**
     * A cluster actor as every node runs it: on the compute dispatcher, restarted on failure (its ingest keeps
     * the round; a restart loses only the waiting senders, who ask again).
     */
    public static Behavior<Command> supervised(int cluster, int continent, ClusterTier tier, ReportSink<ClusterReport> reportTo) {
        return Behaviors.supervise(create(cluster, continent, tier, reportTo))
            .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restart());
    }

    /** Props that put a cluster actor on {@link #COMPUTE_DISPATCHER}. */
    public static org.apache.pekko.actor.typed.Props props() {
        return org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(COMPUTE_DISPATCHER);
    }

    /** Senders that may wait for one cluster at once (swarm processes, not leaves): a bound against a flood. */
    private static final int MAX_WAITING = 1024;

    private static final ThreadLocal<ClusterAggregation> AGGREGATION = ThreadLocal.withInitial(ClusterAggregation::new);

    private final int cluster;
    private final int continent;
    private final ClusterTier tier;
    private final ReportSink<ClusterReport> reportTo;
    /** Where reports are published besides {@link #reportTo}: the event stream, or a simulation's collector. */
    private final java.util.function.Consumer<Object> events;
    private RoundPlan plan;
    private long collecting = -1;
    /**
     * A gated release's accepted updates, copied out of the ingest block at pass 1 and kept for pass 2, as the release's
     * held codec says (none held when no leaf arrived). A copy, so the ingest's small block pool keeps serving other
     * clusters meanwhile: the memory is the accepted rows × d of every cluster of the round (the planner counts it:
     * docs/planner.md). Its arrays are kept from round to round.
     */
    private final HeldRows held = new HeldRows();
    /** The round whose pass 1 was sent and whose pass 2 is due; −1 when none. */
    private long secondPassDue = -1;
    private final java.util.List<AwaitOpen> waiting = new java.util.ArrayList<>();
    private final ReportBook reports;

    private ClusterAggregator(ActorContext<Command> context, int cluster, int continent, ClusterTier tier,
                              ReportSink<ClusterReport> reportTo, java.util.function.Consumer<Object> events) {
        super(context);
        this.events = events;
        this.cluster = cluster;
        this.continent = continent;
        this.tier = tier;
        this.reportTo = reportTo;
        this.reports = new ReportBook(cluster, (ask, answer) -> ask.replyTo().tell(answer));
    }

    public static Behavior<Command> create(int cluster, int continent, ClusterTier tier, ReportSink<ClusterReport> reportTo) {
        return create(cluster, continent, tier, reportTo, null);
    }

    /**
     * @param events where the actor publishes its reports for observers (null: the actor system's event stream; a
     *               simulation whose stubbed system has none collects them itself)
     */
    public static Behavior<Command> create(int cluster, int continent, ClusterTier tier, ReportSink<ClusterReport> reportTo,
                                           java.util.function.Consumer<Object> events) {
        return Behaviors.setup(context -> {
            ActorRef<Command> self = context.getSelf();
            tier.register(cluster, self);
            return new ClusterAggregator(context, cluster, continent, tier, reportTo,
                io.canopy.ingest.TierEvents.orEventStream(events, context));
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Open.class, this::onOpen)
            .onMessage(Closed.class, this::onClosed)
            .onMessage(AwaitOpen.class, this::onAwaitOpen)
            .onMessage(AwaitReport.class, this::onAwaitReport)
            .onMessage(Centre.class, this::onCentre)
            .onMessage(Collecting.class, this::onCollecting)
            .onSignal(PostStop.class, this::onPostStop)
            .build();
    }

    private Behavior<Command> onPostStop(PostStop stop) {
        releaseHeld();
        tier.unregister(cluster, getContext().getSelf());
        return this;
    }

    private Behavior<Command> onOpen(Open open) {
        if (!io.canopy.ingest.TierEvents.takes(getContext().getLog(), "cluster " + cluster, open.plan(), plan)) {
            return this;
        }
        if (plan != null && open.plan().roundId() == plan.roundId()) {
            getContext().getLog().info("cluster {}: re-opening round {} for coordinator epoch {} (was epoch {})", cluster,
                plan.roundId(), open.plan().epoch(), plan.epoch());
        }
        plan = open.plan();
        reports.opened(plan.roundId());
        releaseHeld(); // a pass 2 that never came (its round ended without a centre)
        tier.openRound(plan, tier.nowNs());
        tier.host(cluster, plan.roundId());
        long round = plan.roundId();
        ActorRef<Command> self = getContext().getSelf();
        tier.afterQueued(() -> self.tell(new Collecting(round)));
        return this;
    }

    /**
     * Pass 1 of the gated release: Multi-Krum runs on the block as a detector only (its selection goes to the
     * report, never into the release; only in the clusters the release's detector sample picks this round), the
     * centred, clipped sum over the planned count goes up, and the block's rows are held for pass 2. Rows held as fp32
     * are read by the detector in the block, before the rest; rows held compressed (bf16, int8) are read by it from
     * the held bytes, after the block has gone back to the pool, so that a cluster never has both its block and its
     * detector's work in hand (issue 17: the Gram from the compressed form).
     */
    private Behavior<Command> onGatedClosed(Closed closed) {
        IngestBlock block = closed.block();
        boolean detect = plan.release().detects(plan.roundId(), cluster);
        boolean holds = plan.release().gated() && block != null && block.acceptedCount() > 0;
        boolean fromHeld = holds && plan.release().heldCodec() != CodecId.FP32;
        ClusterAggregation aggregation = AGGREGATION.get();
        ClusterAggregation.Release detected = fromHeld ? null : aggregation.release(plan, cluster, continent, block,
            closed.outcome(), closed.closedAfterNs(), tier.invited(cluster, plan), detect);
        int d = plan.dimension();
        float[] centre = new float[d];
        ArrivingCentre.passOne(block, plan, centre); // summed on the ingest thread as the rows arrived, where it could be
        PublishResult sent = tier.publish(plan, 1, cluster, continent, block == null ? 0 : block.acceptedCount(), centre);
        if (sent != PublishResult.SENT) {
            getContext().getLog().error("cluster {} round {}: pass-1 aggregate not sent ({})", cluster, plan.roundId(), sent);
        }
        releaseHeld();
        if (holds) {
            held.hold(plan.release().heldCodec(), block.rows(), block.acceptedCount(), d, plan.roundId(), block::sender);
        }
        ClusterAggregation.Tally tally = fromHeld ? ClusterAggregation.Tally.of(block) : null;
        tier.release(block);
        if (fromHeld) {
            detected = aggregation.detect(plan, cluster, continent, tally, held, closed.outcome(), closed.closedAfterNs(),
                tier.invited(cluster, plan), detect);
        }
        secondPassDue = plan.release().gated() ? plan.roundId() : -1; // the fixed-denominator mean has no pass 2
        report(detected.report());
        return this;
    }

    /** Pass 2 of the gated release, around the released centre. */
    private Behavior<Command> onCentre(Centre c) {
        if (c.plan().roundId() != secondPassDue || c.centre().length != c.plan().dimension()) {
            getContext().getLog().warn("cluster {}: a centre for round {} arrived, but pass 2 is due for round {}; ignored",
                cluster, c.plan().roundId(), secondPassDue);
            return this;
        }
        long start = ClusterTier.threadCpuNanos();
        RoundPlan p = c.plan();
        float[] out = new float[p.dimension()];
        double rho = p.release().gateRadius();
        int inside = ClusterPasses.gated(held, p.dimension(), c.centre(), rho, rho, p.release().plannedCount(),
            new double[p.dimension()], new float[p.dimension()], out);
        PublishResult sent = tier.publish(p, 2, cluster, continent, inside, out);
        if (sent != PublishResult.SENT) {
            getContext().getLog().error("cluster {} round {}: pass-2 aggregate not sent ({})", cluster, p.roundId(), sent);
        }
        secondPassDue = -1;
        releaseHeld();
        tier.secondPass(ClusterTier.threadCpuNanos() - start);
        return this;
    }

    /** Up to the continent's member and the reports topic, to this node's event stream, and kept for readers. */
    private void report(ClusterReport report) {
        reportTo.send(report);
        events.accept(report);
        reports.reported(report);
    }

    private void releaseHeld() {
        held.clear();
    }

    private Behavior<Command> onAwaitOpen(AwaitOpen ask) {
        if (collecting >= ask.round()) {
            ask.replyTo().tell(new Opened(collecting, cluster));
        } else if (waiting.contains(ask)) {
            return this; // asked again (an answer may have been lost): one answer will do
        } else if (waiting.size() < MAX_WAITING) {
            waiting.add(ask);
        } else {
            getContext().getLog().warn("cluster {}: {} senders already wait for a round to open; one more ignored",
                cluster, MAX_WAITING);
        }
        return this;
    }

    private Behavior<Command> onAwaitReport(AwaitReport ask) {
        reports.ask(ask);
        return this;
    }

    private Behavior<Command> onCollecting(Collecting c) {
        collecting = Math.max(collecting, c.round());
        waiting.removeIf(ask -> {
            if (ask.round() <= collecting) {
                ask.replyTo().tell(new Opened(collecting, cluster));
                return true;
            }
            return false;
        });
        return this;
    }

    private Behavior<Command> onClosed(Closed closed) {
        if (closed.plan().roundId() != tier.currentRound() || closed.plan().epoch() != tier.currentPlan().epoch()
            || (plan != null && plan.supersedes(closed.plan()))) {
            getContext().getLog().warn("cluster {}: a block for round {} epoch {} closed, but the tier's round is {}; dropped",
                cluster, closed.plan().roundId(), closed.plan().epoch(), tier.currentRound());
            tier.release(closed.block());
            return this;
        }
        plan = closed.plan();
        long start = ClusterTier.threadCpuNanos();
        try {
            return plan.release().planned() ? onGatedClosed(closed) : onMultiKrumClosed(closed);
        } finally {
            tier.afterClose(ClusterTier.threadCpuNanos() - start);
        }
    }

    private Behavior<Command> onMultiKrumClosed(Closed closed) {
        ClusterAggregation.Release release;
        try {
            release = AGGREGATION.get().release(plan, cluster, continent, closed.block(), closed.outcome(),
                closed.closedAfterNs(), tier.invited(cluster, plan));
            if (release.aggregate() != null) {
                PublishResult sent = tier.publish(plan, cluster, continent, release.report().accepted(), release.aggregate());
                if (sent != PublishResult.SENT) {
                    getContext().getLog().error("cluster {} round {}: aggregate not sent ({})", cluster, plan.roundId(), sent);
                }
            }
        } finally {
            tier.release(closed.block());
        }
        report(release.report());
        return this;
    }
}
