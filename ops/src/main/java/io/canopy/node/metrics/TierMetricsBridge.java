package io.canopy.node.metrics;

import io.canopy.global.GlobalCoordinator;
import io.canopy.global.RoundResult;
import io.canopy.ingest.TierRuntime;
import io.canopy.ops.metrics.CanopyMeters;
import io.canopy.ops.metrics.Tier;
import io.canopy.ops.metrics.TierMeters;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Feeds the Canopy meters from what the tiers of this process already count, off the hot path: round events
 * from the local event stream (each tier's report as it closes, the coordinator's result, a round opening), and
 * the traffic meters bound once, as function counters, to each tier's own frame counters ({@link RuntimeTraffic}).
 * The data plane itself touches no meter.
 */
public final class TierMetricsBridge {

    /** The tiers of this process (null where it hosts none). */
    public record Sources(TierRuntime cluster, TierRuntime continental, TierRuntime global) {
    }

    private final CanopyMeters meters;
    private final TierMeters cluster;
    private final TierMeters continental;
    private final TierMeters global;

    private TierMetricsBridge(CanopyMeters meters) {
        this.meters = meters;
        this.cluster = meters.forTier(Tier.CLUSTER);
        this.continental = meters.forTier(Tier.CONTINENTAL);
        this.global = meters.forTier(Tier.GLOBAL);
    }

    /**
     * @param epsilonBudget the ε the run may spend (shown as the budget gauge), or NaN when this process has no
     *                      global tier
     */
    public static Behavior<Object> create(CanopyMeters meters, Sources sources, double epsilonBudget, double delta) {
        return create(meters, sources, epsilonBudget, delta, () -> { });
    }

    /**
     * As above; {@code subscribed} runs once the bridge's subscriptions are queued at the event stream, so every report
     * published after it returns reaches the bridge. A caller that starts rounds waits for it: a bridge still starting
     * when the first reports are published would miss them.
     */
    public static Behavior<Object> create(CanopyMeters meters, Sources sources, double epsilonBudget, double delta,
                                          Runnable subscribed) {
        return Behaviors.setup(context -> {
            EventStream.Subscribe<?>[] subscriptions = {
                new EventStream.Subscribe<>(ClusterReport.class, context.getSelf().narrow()),
                new EventStream.Subscribe<>(ContinentReport.class, context.getSelf().narrow()),
                new EventStream.Subscribe<>(RoundResult.class, context.getSelf().narrow()),
                new EventStream.Subscribe<>(GlobalCoordinator.RoundOpened.class, context.getSelf().narrow())};
            for (EventStream.Subscribe<?> s : subscriptions) {
                context.getSystem().eventStream().tell(s);
            }
            subscribed.run();
            meters.bindTraffic(Tier.CLUSTER, RuntimeTraffic.of(sources.cluster()));
            meters.bindTraffic(Tier.CONTINENTAL, RuntimeTraffic.of(sources.continental()));
            meters.bindTraffic(Tier.GLOBAL, RuntimeTraffic.of(sources.global()));
            TierMetricsBridge bridge = new TierMetricsBridge(meters);
            if (!Double.isNaN(epsilonBudget)) {
                meters.privacy().epsilonBudget(epsilonBudget);
                meters.privacy().delta(delta);
            }
            return bridge.behavior();
        });
    }

    private Behavior<Object> behavior() {
        return Behaviors.receive(Object.class)
            .onMessage(GlobalCoordinator.RoundOpened.class, this::onRoundOpened)
            .onMessage(ClusterReport.class, this::onClusterReport)
            .onMessage(ContinentReport.class, this::onContinentReport)
            .onMessage(RoundResult.class, this::onRoundResult)
            .build();
    }

    private Behavior<Object> onRoundOpened(GlobalCoordinator.RoundOpened o) {
        cluster.roundOpened(o.plan().roundId());
        continental.roundOpened(o.plan().roundId());
        global.roundOpened(o.plan().roundId());
        return Behaviors.same();
    }

    private Behavior<Object> onClusterReport(ClusterReport r) {
        cluster.roundClosed(r.roundId(), r.outcome().ordinal(), r.closedAfterNs(), r.accepted(), r.invited());
        cluster.krumRejected.increment(r.krumRejected().length);
        addRejections(cluster, r.rejectedByReason());
        return Behaviors.same();
    }

    private Behavior<Object> onContinentReport(ContinentReport r) {
        continental.roundClosed(r.roundId(), r.outcome().ordinal(), r.closedAfterNs(), r.clustersAccepted(),
            r.clustersExpected());
        continental.trimDropped.increment(2.0 * r.trimmed());
        addRejections(continental, r.rejectedByReason());
        return Behaviors.same();
    }

    private Behavior<Object> onRoundResult(RoundResult r) {
        global.roundClosed(r.roundId(), r.outcome().ordinal(), r.wallNanos(), r.continentsAccepted(),
            r.continentsExpected());
        global.trimDropped.increment(2.0 * r.trimmed());
        meters.privacy().epsilonSpent(r.epsilon());
        return Behaviors.same();
    }

    private static void addRejections(TierMeters meters, long[] byReason) {
        for (int i = 0; i < byReason.length; i++) {
            if (byReason[i] > 0) {
                meters.inputsRejected(i).increment(byReason[i]);
            }
        }
    }
}
