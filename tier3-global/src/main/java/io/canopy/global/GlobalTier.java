package io.canopy.global;

import io.canopy.frame.AggregateFrame;
import io.canopy.ingest.IngestBlock;
import io.canopy.ingest.TierIngest;
import io.canopy.ingest.TierRuntime;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.transport.CanopyTransport;
import org.apache.pekko.actor.typed.ActorRef;

/** Tier 3's data plane: continental aggregates into one block; its close goes to the {@link GlobalCoordinator}. */
public final class GlobalTier {
    private final TierRuntime runtime;
    private volatile ActorRef<GlobalCoordinator.Command> coordinator;

    /** Tier 3 on {@code transport}'s data plane; its ingest runs from {@link #start} on. */
    public GlobalTier(CanopyTransport transport, int continents, int dimension, NanoClock clock) {
        this(TierRuntime.Wiring.of(transport), continents, dimension, clock);
    }

    /** Tier 3 on any data plane (a simulated network in tests); starts nothing. */
    public GlobalTier(TierRuntime.Wiring wiring, int continents, int dimension, NanoClock clock) {
        this.runtime = new TierRuntime(wiring, "canopy-global-ingest", AggregateFrame.limits(0, 0, dimension),
            Streams.CONTINENT_TO_GLOBAL, null, 2, continents, false, clock, this::onClosed);
    }

    /** Starts the ingest agent (see {@link TierRuntime#start}). */
    public void start() {
        runtime.start();
    }

    void register(ActorRef<GlobalCoordinator.Command> actor) {
        coordinator = actor;
    }

    void openRound(RoundPlan plan, long openedAtNs) {
        openRound(plan, 1, openedAtNs);
    }

    /** Opens pass {@code pass}'s data round of {@code plan} (pass 2 only for a gated release). */
    void openRound(RoundPlan plan, int pass, long openedAtNs) {
        int continents = plan.layout().continents();
        QuorumPolicy policy = plan.global().policy().withExpectedCount(continents);
        TierIngest.Groups groups = new TierIngest.Groups() {
            private final int[] only = {0};

            @Override
            public int[] groups() {
                return only;
            }

            @Override
            public QuorumPolicy policyFor(int group) {
                return policy;
            }

            @Override
            public boolean isMember(int group, long continent) {
                return continent >= 0 && continent < continents;
            }
        };
        long dataRound = plan.dataRound(pass);
        runtime.openRound(dataRound, AggregateFrame.limits(dataRound, 0, plan.dimension()), groups,
            plan.release().planned() ? Double.POSITIVE_INFINITY : plan.global().inputNormBound(), true, openedAtNs,
            plan.runId());
    }

    /** Runs {@code then} on the ingest agent once everything asked of it so far (a pass opening) is applied. */
    void afterQueued(Runnable then) {
        runtime.ingest().afterQueued(then);
    }

    boolean isOpen(long round) {
        return runtime.isOpen(round);
    }

    void release(IngestBlock block) {
        runtime.release(block);
    }

    void withdraw(long round, long nowNs) {
        runtime.withdraw(round, 0, nowNs);
    }

    public TierRuntime runtime() {
        return runtime;
    }

    private void onClosed(long round, int group, IngestBlock block, QuorumOutcome outcome, long closedAfterNs) {
        ActorRef<GlobalCoordinator.Command> actor = coordinator;
        if (actor == null) {
            release(block);
            return;
        }
        actor.tell(new GlobalCoordinator.Closed(round, block, outcome, closedAfterNs));
    }

    /** Now on the clock this tier's deadlines run on. */
    public long nowNs() {
        return runtime.nowNs();
    }
}
