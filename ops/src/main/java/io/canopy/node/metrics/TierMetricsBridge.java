package io.canopy.node.metrics;

import java.time.Duration;

import io.canopy.frame.RejectReason;
import io.canopy.global.GlobalCoordinator;
import io.canopy.global.RoundResult;
import io.canopy.ingest.TierRuntime;
import io.canopy.ops.metrics.CanopyMeters;
import io.canopy.ops.metrics.OfferFailure;
import io.canopy.ops.metrics.Tier;
import io.canopy.ops.metrics.TierMeters;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Feeds the Canopy meters from what the tiers of this process already count, off the hot path: round events
 * from the local event stream (each tier's report as it closes, the coordinator's result, a round opening),
 * and once a second the frame counters of each tier's subscriber, added as deltas. The data plane itself
 * touches no meter.
 */
public final class TierMetricsBridge {

    /** The tiers of this process (null where it hosts none). */
    public record Sources(TierRuntime cluster, TierRuntime continental, TierRuntime global) {
    }

    private record Tick() {
    }

    private static final Duration SYNC = Duration.ofSeconds(1);

    private final CanopyMeters meters;
    private final TierMeters cluster;
    private final TierMeters continental;
    private final TierMeters global;
    private final FrameCounts[] frames;

    private TierMetricsBridge(CanopyMeters meters, Sources sources) {
        this.meters = meters;
        this.cluster = meters.forTier(Tier.CLUSTER);
        this.continental = meters.forTier(Tier.CONTINENTAL);
        this.global = meters.forTier(Tier.GLOBAL);
        this.frames = new FrameCounts[] {new FrameCounts(sources.cluster(), cluster),
            new FrameCounts(sources.continental(), continental), new FrameCounts(sources.global(), global)};
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
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            EventStream.Subscribe<?>[] subscriptions = {
                new EventStream.Subscribe<>(ClusterReport.class, context.getSelf().narrow()),
                new EventStream.Subscribe<>(ContinentReport.class, context.getSelf().narrow()),
                new EventStream.Subscribe<>(RoundResult.class, context.getSelf().narrow()),
                new EventStream.Subscribe<>(GlobalCoordinator.RoundOpened.class, context.getSelf().narrow())};
            for (EventStream.Subscribe<?> s : subscriptions) {
                context.getSystem().eventStream().tell(s);
            }
            subscribed.run();
            TierMetricsBridge bridge = new TierMetricsBridge(meters, sources);
            if (!Double.isNaN(epsilonBudget)) {
                meters.privacy().epsilonBudget(epsilonBudget);
                meters.privacy().delta(delta);
            }
            timers.startTimerAtFixedRate(new Tick(), SYNC);
            return bridge.behavior();
        }));
    }

    private Behavior<Object> behavior() {
        return Behaviors.receive(Object.class)
            .onMessage(Tick.class, this::onTick)
            .onMessage(GlobalCoordinator.RoundOpened.class, this::onRoundOpened)
            .onMessage(ClusterReport.class, this::onClusterReport)
            .onMessage(ContinentReport.class, this::onContinentReport)
            .onMessage(RoundResult.class, this::onRoundResult)
            .onSignal(PostStop.class, this::onPostStop)
            .build();
    }

    private Behavior<Object> onTick(Tick tick) {
        syncFrames();
        return Behaviors.same();
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
        syncFrames(); // a round's frames are all counted by the time its result is
        global.roundClosed(r.roundId(), r.outcome().ordinal(), r.wallNanos(), r.continentsAccepted(),
            r.continentsExpected());
        global.trimDropped.increment(2.0 * r.trimmed());
        meters.privacy().epsilonSpent(r.epsilon());
        return Behaviors.same();
    }

    private Behavior<Object> onPostStop(PostStop stop) {
        syncFrames();
        return Behaviors.same();
    }

    private void syncFrames() {
        for (FrameCounts f : frames) {
            f.sync();
        }
    }

    private static void addRejections(TierMeters meters, long[] byReason) {
        for (int i = 0; i < byReason.length; i++) {
            if (byReason[i] > 0) {
                meters.inputsRejected(i).increment(byReason[i]);
            }
        }
    }

    /** One tier's subscriber counters, turned into counter increments by difference. */
    private static final class FrameCounts {
        private final TierRuntime runtime;
        private final TierMeters meters;
        private long accepted;
        private long bytesIn;
        private final long[] sent = new long[3];
        private final long[] rejected = new long[RejectReason.values().length];

        FrameCounts(TierRuntime runtime, TierMeters meters) {
            this.runtime = runtime;
            this.meters = meters;
        }

        void sync() {
            if (runtime == null) {
                return;
            }
            long nowAccepted = runtime.subscriber().accepted();
            long received = nowAccepted - accepted;
            meters.framesAccepted.increment(nowAccepted - accepted);
            accepted = nowAccepted;
            long[] now = runtime.subscriber().rejectedByReason();
            for (int i = 0; i < now.length && i < rejected.length; i++) {
                long d = now[i] - rejected[i];
                if (d > 0) {
                    meters.framesRejected(i).increment(d);
                    received += d;
                }
                rejected[i] = now[i];
            }
            meters.framesReceived.increment(received);
            long nowBytesIn = runtime.subscriber().bytesReceived();
            meters.bytesIn.increment(nowBytesIn - bytesIn);
            bytesIn = nowBytesIn;
            long[] nowSent = runtime.sentTotals();
            meters.framesSent.increment(nowSent[0] - sent[0]);
            meters.bytesOut.increment(nowSent[1] - sent[1]);
            meters.offersFailed(OfferFailure.BACK_PRESSURED.ordinal()).increment(nowSent[2] - sent[2]);
            System.arraycopy(nowSent, 0, sent, 0, sent.length);
        }
    }
}
