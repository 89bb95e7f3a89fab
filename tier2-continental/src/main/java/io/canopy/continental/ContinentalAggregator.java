package io.canopy.continental;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import io.canopy.cluster.ClusterAggregator;
import io.canopy.control.ControlMessage;
import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.release.TrimmedMeanRelease;
import io.canopy.privacy.release.UpperTiers;
import io.canopy.report.AwaitedReports;
import io.canopy.report.ReportCollector;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.round.IngestRejection;
import io.canopy.round.LeafTally;
import io.canopy.round.ReportSink;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.transport.PublishResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One continent (tier 2): passes each round plan down to its clusters, counts their reports — a
 * cluster that failed its quorum is a straggler, withdrawn so the continent need not wait for it —
 * and, when its block of cluster aggregates closes, takes the coordinate-wise trimmed mean (Yin et al.
 * 2018), adds tier-2 noise, sends the result to the global tier and reports. The report carries the
 * leaf tallies of its clusters, so it waits (at most {@link #REPORT_GRACE}, through a {@link ReportCollector}) for the
 * reports of the clusters whose aggregates it used: an aggregate (data plane) can overtake its cluster's report
 * (control plane).
 */
public final class ContinentalAggregator extends AbstractBehavior<ContinentalAggregator.Command> {

    public sealed interface Command permits Open, Reported, Closed, ReportsCollected, Centre {
    }

    /**
     * A gated release's centre v1 for {@code plan}'s round: open pass 2 here, then pass it down to the clusters
     * (only once this continent's ingest collects pass 2, so no pass-2 aggregate can arrive before).
     */
    public record Centre(RoundPlan plan, float[] centre) implements Command, ControlMessage {
    }

    /** How long a closed continent waits for the reports of the clusters it aggregated before it reports. */
    public static final Duration REPORT_GRACE = Duration.ofSeconds(2);

    /** Round r starts. */
    public record Open(RoundPlan plan) implements Command, ControlMessage {
    }

    /** A cluster's report: adapted into this protocol in one process, sent to the entity in a fleet. */
    public record Reported(ClusterReport report) implements Command, ControlMessage {
    }

    /** The continent's block closed on the ingest thread (local only); it carries the round's plan. */
    public record Closed(RoundPlan plan, int pass, IngestBlock block, QuorumOutcome outcome, long closedAfterNs)
        implements Command {
        public Closed(RoundPlan plan, IngestBlock block, QuorumOutcome outcome, long closedAfterNs) {
            this(plan, 1, block, outcome, closedAfterNs);
        }
    }

    /** The {@link ReportCollector} of a held report answered. */
    private record ReportsCollected(ReportCollector.Collected collected) implements Command {
    }

    private final int continent;
    private final ContinentalTier tier;
    private final List<RecipientRef<ClusterAggregator.Command>> clusters;
    private final ReportSink<ContinentReport> reportTo;
    /** Where reports are published besides {@link #reportTo}: the event stream, or a simulation's collector. */
    private final java.util.function.Consumer<Object> events;
    private static final int MAX_EARLY = 100_000;
    private final List<ClusterReport> early = new ArrayList<>();
    private final AwaitedReports reports = new AwaitedReports();
    private final ActorRef<ReportCollector.Collected> collected;
    private RoundPlan plan;
    private int clustersFailed;
    /** This round's report, held until {@link #collector} answers; null when none is held. */
    private ContinentReport held;
    /** Waits for the reports of the clusters the held report aggregated; null when none is awaited. */
    private ActorRef<ReportCollector.Command> collector;
    /** The gated release's centre of the current round, once released (the fill for a missing pass-2 input). */
    private float[] centre;

    private ContinentalAggregator(ActorContext<Command> context, int continent, ContinentalTier tier,
                                  List<? extends RecipientRef<ClusterAggregator.Command>> clusters,
                                  ReportSink<ContinentReport> reportTo, java.util.function.Consumer<Object> events) {
        super(context);
        this.events = events;
        this.collected = context.messageAdapter(ReportCollector.Collected.class, ReportsCollected::new);
        this.continent = continent;
        this.tier = tier;
        this.clusters = List.copyOf(clusters);
        this.reportTo = reportTo;
    }

    /**
     * @param spawnClusters given this actor's context and the address its clusters report to, spawns them as
     *                      its children and returns them
     */
    public static Behavior<Command> create(int continent, ContinentalTier tier,
                                           BiFunction<ActorContext<?>, ReportSink<ClusterReport>,
                                               List<? extends RecipientRef<ClusterAggregator.Command>>> spawnClusters,
                                           ReportSink<ContinentReport> reportTo) {
        return create(continent, tier, spawnClusters, reportTo, null);
    }

    /**
     * @param events where the actor publishes its reports for observers (null: the actor system's event stream; a
     *               simulation whose stubbed system has none collects them itself)
     */
    public static Behavior<Command> create(int continent, ContinentalTier tier,
                                           BiFunction<ActorContext<?>, ReportSink<ClusterReport>,
                                               List<? extends RecipientRef<ClusterAggregator.Command>>> spawnClusters,
                                           ReportSink<ContinentReport> reportTo, java.util.function.Consumer<Object> events) {
        return Behaviors.setup(context -> {
            tier.register(continent, context.getSelf());
            ActorRef<ClusterReport> inbox = context.messageAdapter(ClusterReport.class, Reported::new);
            return new ContinentalAggregator(context, continent, tier, spawnClusters.apply(context, inbox::tell), reportTo,
                io.canopy.ingest.TierEvents.orEventStream(events, context));
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Open.class, this::onOpen)
            .onMessage(Reported.class, this::onReported)
            .onMessage(Closed.class, this::onClosed)
            .onMessage(ReportsCollected.class, this::onReportsCollected)
            .onMessage(Centre.class, this::onCentre)
            .onSignal(PostStop.class, this::onPostStop)
            .build();
    }

    private Behavior<Command> onPostStop(PostStop stop) {
        tier.unregister(continent, getContext().getSelf());
        return this;
    }

    private Behavior<Command> onOpen(Open open) {
        if (!io.canopy.ingest.TierEvents.takes(getContext().getLog(), "continent " + continent, open.plan(), plan)) {
            return this;
        }
        adopt(open.plan());
        tier.openRound(plan, tier.nowNs());
        tier.host(continent, plan, 1);
        ClusterAggregator.Open down = new ClusterAggregator.Open(plan);
        for (RecipientRef<ClusterAggregator.Command> cluster : clusters) {
            cluster.tell(down);
        }
        return this;
    }

    /** Moves to a newer round, replaying reports that arrived for it before its plan did. */
    private void adopt(RoundPlan next) {
        if (plan != null && !next.supersedes(plan)) {
            return;
        }
        if (held != null && plan.roundId() == next.roundId()) {
            // The round re-issued by a coordinator that took over: the old copy's report is for a round nobody commits.
            getContext().getLog().info("continent {}: re-opening round {} for coordinator epoch {}; its report for epoch {}"
                + " dropped", continent, next.roundId(), next.epoch(), plan.epoch());
            if (collector != null) {
                getContext().stop(collector);
                collector = null;
            }
            held = null;
        }
        if (held != null) {
            sendReport(reports.tally(), "round " + next.roundId() + " opened");
        }
        plan = next;
        centre = null; // a new round's centre comes with its own pass 1 (a late pass-1 close must not clear it)
        clustersFailed = 0;
        reports.begin(plan.roundId());
        List<ClusterReport> replay = new ArrayList<>(early);
        early.clear();
        for (ClusterReport report : replay) {
            onReported(new Reported(report));
        }
    }

    private Behavior<Command> onReported(Reported reported) {
        ClusterReport report = reported.report();
        if ((plan == null || report.roundId() > plan.roundId()) && report.continentId() == continent
            && early.size() < MAX_EARLY) {
            // A cluster can finish before this continent's copy of the plan arrives; keep its report until it does.
            early.add(report);
            return this;
        }
        if (plan == null || report.roundId() != plan.roundId() || report.continentId() != continent
            || report.clusterId() < 0 || report.clusterId() >= tier.layout().clusters()
            || tier.layout().continentOf(report.clusterId()) != continent) {
            getContext().getLog().warn("continent {}: ignoring a report from cluster {} for round {} (continent {})",
                continent, report.clusterId(), report.roundId(), report.continentId());
            return this;
        }
        LeafTally part = LeafTally.of(report);
        if (!reports.report(report.clusterId(), part)) {
            getContext().getLog().warn("continent {}: cluster {} reported round {} twice; the second is ignored",
                continent, report.clusterId(), report.roundId());
            return this;
        }
        if (!report.outcome().releases()) {
            clustersFailed++;
            // A gated release closes on time only: a cluster's own quorum (which one leaf can flip) never decides
            // when the continent closes; the cluster sends its centre-only aggregate anyway.
            if (!plan.release().planned()) {
                tier.withdraw(plan.dataRound(1), continent, tier.nowNs());
            }
        }
        if (collector != null) {
            collector.tell(new ReportCollector.Counted(report.clusterId(), part));
        }
        return this;
    }

    private Behavior<Command> onReportsCollected(ReportsCollected answer) {
        ReportCollector.Collected c = answer.collected();
        if (held != null && held.roundId() == c.round()) {
            sendReport(c.leaves(), c.why());
        }
        return this;
    }

    /** Sends the held report with {@code leaves}; {@code why} (logged) says why it did not wait for more. */
    private void sendReport(LeafTally leaves, String why) {
        if (collector != null) {
            getContext().stop(collector);
            collector = null;
        }
        ContinentReport report = held.withLeaves(leaves);
        if (why != null) {
            getContext().getLog().warn("continent {} round {}: reporting {} of {} cluster reports, {}", continent,
                report.roundId(), report.leaves().clustersReported(), report.clustersExpected(), why);
        }
        held = null;
        reportTo.send(report);
        events.accept(report);
    }

    private Behavior<Command> onCentre(Centre c) {
        if (plan == null || c.plan().roundId() != plan.roundId() || !plan.release().gated()) {
            getContext().getLog().warn("continent {}: a centre for round {} arrived at round {}; ignored", continent,
                c.plan().roundId(), plan == null ? "none" : plan.roundId());
            return this;
        }
        centre = c.centre();
        tier.openSecondPass(plan, tier.nowNs());
        ClusterAggregator.Centre down = new ClusterAggregator.Centre(plan, c.centre());
        List<RecipientRef<ClusterAggregator.Command>> to = clusters;
        tier.afterQueued(() -> {
            for (RecipientRef<ClusterAggregator.Command> cluster : to) {
                cluster.tell(down);
            }
        });
        return this;
    }

    /** The continent's clusters, in layout order: the fixed inputs of its gated trimmed mean. */
    private long[] expectedClusters() {
        long[] ids = new long[tier.layout().continentSizeOf(continent)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tier.layout().clusterOf(continent, i);
        }
        return ids;
    }

    /**
     * A gated pass: the trimmed mean with the plan's fixed k over exactly this continent's K clusters (a missing
     * one counts as the pass's public centre), sent up; pass 2 carries ΣW of its clusters as the input count.
     * Trimming k of each end of a fixed set of K is 1/(K − 2k)-Lipschitz in each input (sorting is non-expansive
     * per coordinate), whatever arrived.
     */
    private float[] gatedAggregate(IngestBlock block, int pass) {
        long[] expected = expectedClusters();
        int d = plan.dimension();
        float[] rows = new float[expected.length * d];
        IngestBlock.completed(block, expected, pass == 2 ? centre : null, rows, d);
        float[] out = new float[d];
        // The audit command's step: one code path for what the tiers release and what a reviewer recomputes.
        UpperTiers.continent(rows, expected.length, d, plan.release().trim(), out);
        return out;
    }

    private Behavior<Command> onSecondPassClosed(Closed closed) {
        IngestBlock block = closed.block();
        try {
            if (centre == null) {
                getContext().getLog().error("continent {} round {}: pass 2 closed without a centre; nothing sent",
                    continent, plan.roundId());
                return this;
            }
            float[] aggregate = gatedAggregate(block, 2);
            long w = block == null ? 0 : block.inputCountSum();
            PublishResult sent = tier.publish(plan, 2, continent, (int) Math.min(Integer.MAX_VALUE, w), aggregate);
            if (sent != PublishResult.SENT) {
                getContext().getLog().error("continent {} round {}: pass-2 aggregate not sent ({})", continent,
                    plan.roundId(), sent);
            }
        } finally {
            tier.release(block);
        }
        return this;
    }

    private Behavior<Command> onClosed(Closed closed) {
        IngestBlock block = closed.block();
        if (closed.pass() == 2) {
            if (plan == null || closed.plan().roundId() != plan.roundId()) {
                tier.release(block);
                return this;
            }
            return onSecondPassClosed(closed);
        }
        if (closed.plan().roundId() != tier.currentRound() || closed.plan().epoch() != tier.currentPlan().epoch()
            || (plan != null && plan.supersedes(closed.plan()))) {
            getContext().getLog().warn("continent {}: a block for round {} closed, but the tier's round is {}; dropped",
                continent, closed.plan().roundId(), tier.currentRound());
            tier.release(block);
            return this;
        }
        adopt(closed.plan());
        TierSpec spec = plan.continental();
        int accepted = block == null ? 0 : block.acceptedCount();
        QuorumOutcome outcome = accepted == 0 ? QuorumOutcome.FAILED_NO_QUORUM : closed.outcome();
        // Read everything the report needs before the block goes back to the pool.
        CloseReason reason = block == null ? CloseReason.HARD_DEADLINE : block.tracker().closeReason();
        int late = block == null ? 0 : block.tracker().late();
        long[] rejected = block == null ? new long[IngestRejection.count()] : block.rejectedByReason();
        long[] senders = AwaitedReports.acceptedSenders(block);
        int trimmed = 0;
        long aggregateNanos = 0;
        long noiseNanos = 0;
        try {
            if (plan.release().planned()) {
                // Pass 1 always goes up, whatever arrived: presence above the clusters never depends on a leaf.
                long t0 = System.nanoTime();
                float[] aggregate = gatedAggregate(block, 1);
                aggregateNanos = System.nanoTime() - t0;
                trimmed = 2 * plan.release().trim();
                PublishResult sent = tier.publish(plan, 1, continent, accepted, aggregate);
                if (sent != PublishResult.SENT) {
                    getContext().getLog().error("continent {} round {}: pass-1 aggregate not sent ({})", continent,
                        plan.roundId(), sent);
                }
            } else if (outcome.releases()) {
                TrimmedMeanRelease release = TrimmedMeanRelease.of(block.accepted(), plan, spec, 2, continent, false);
                trimmed = release.trimmed();
                aggregateNanos = release.aggregateNanos();
                noiseNanos = release.noiseNanos();
                PublishResult sent = tier.publish(plan, continent, accepted, release.aggregate());
                if (sent != PublishResult.SENT) {
                    getContext().getLog().error("continent {} round {}: aggregate not sent ({})", continent, plan.roundId(), sent);
                }
            }
        } finally {
            tier.release(block);
        }
        held = new ContinentReport(plan.roundId(), continent, outcome, reason,
            tier.layout().continentSizeOf(continent), accepted, clustersFailed, late, rejected, trimmed,
            closed.closedAfterNs(), aggregateNanos, noiseNanos, LeafTally.none());
        collector = ReportCollector.awaiting(getContext(), plan.roundId(), senders, reports, REPORT_GRACE, "cluster",
            collected);
        if (collector == null) {
            sendReport(reports.tally(), null);
        }
        return this;
    }
}
