package io.canopy.continental;

import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameLimits;
import io.canopy.ingest.GroupTier;
import io.canopy.ingest.TierActors;
import io.canopy.ingest.TierIngest;
import io.canopy.ingest.TierRuntime;
import io.canopy.ingest.Upstream;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.PublishResult;

/**
 * Tier 2 on one node: cluster aggregates arrive on their stream into one block per continent; a closed
 * block goes to its {@link ContinentalAggregator}. Deadlines run on this node's clock.
 */
public final class ContinentalTier extends GroupTier<ContinentalAggregator.Command> {

    /** @param served the continents this node aggregates */
    public ContinentalTier(CanopyTransport transport, FleetLayout layout, int[] served, int dimension, int pool,
                           int publisherCount, NanoClock clock) {
        this(TierRuntime.Wiring.of(transport), layout, served, dimension, pool,
            Upstream.local(transport, Streams.CONTINENT_TO_GLOBAL, publisherCount), clock);
    }

    /**
     * Tier 2 serving the continents {@code served} on any data plane (a simulated network in tests); starts nothing.
     *
     * @param upstream where the continents' aggregates go
     */
    public ContinentalTier(TierRuntime.Wiring wiring, FleetLayout layout, int[] served, int dimension, int pool,
                           TierRuntime.Sender upstream, NanoClock clock) {
        super(layout, new TierActors<>(layout.continents(), served, ContinentalAggregator.Closed::new),
            sink -> new TierRuntime(wiring, "canopy-continental-ingest",
                AggregateFrame.limits(0, FrameLimits.ANY_GROUP, dimension), Streams.CLUSTER_TO_CONTINENT, upstream, pool,
                layout.clustersPerContinent(), false, clock, sink));
    }

    /**
     * Tier 2 on a fleet node: it hosts whichever continents' sharded entities run here now, and sends each
     * aggregate to the node that hosts the global coordinator ({@code upstream}).
     */
    public ContinentalTier(CanopyTransport transport, FleetLayout layout, int dimension, int pool, Upstream upstream,
                           NanoClock clock) {
        super(layout, TierActors.hosting(layout.continents(), ContinentalAggregator.Closed::new),
            sink -> new TierRuntime(transport, "canopy-continental-ingest",
                AggregateFrame.limits(0, FrameLimits.ANY_GROUP, dimension), Streams.CLUSTER_TO_CONTINENT, upstream, pool,
                layout.clustersPerContinent(), false, clock, sink));
    }

    /** {@link #host} for pass {@code pass} of {@code plan}. */
    public void host(int continent, RoundPlan plan, int pass) {
        host(continent, plan.dataRound(pass));
    }

    /** Opens {@code plan}'s round for the continents this node serves; the first call per round does it. */
    public synchronized void openRound(RoundPlan plan, long openedAtNs) {
        if (!actors.advanceTo(plan)) {
            return;
        }
        openPass(plan, 1, openedAtNs);
    }

    /**
     * Opens pass 2 of a gated release (the centre v1 has come down): the same continents collect their clusters'
     * second aggregates in the plan's second data round. The first call does it.
     */
    public synchronized void openSecondPass(RoundPlan plan, long openedAtNs) {
        if (plan.release().gated() && actors.currentRound() == plan.roundId() && !runtime.isOpen(plan.dataRound(2))) {
            openPass(plan, 2, openedAtNs);
        }
    }

    private void openPass(RoundPlan plan, int pass, long openedAtNs) {
        int[] served = actors.served();
        QuorumPolicy template = plan.continental().policy();
        TierIngest.Groups groups = new TierIngest.Groups() {
            @Override
            public int[] groups() {
                return served;
            }

            @Override
            public QuorumPolicy policyFor(int continent) {
                return template.withExpectedCount(layout.continentSizeOf(continent));
            }

            @Override
            public boolean isMember(int continent, long cluster) {
                return cluster >= 0 && cluster < layout.clusters() && layout.continentOf((int) cluster) == continent;
            }
        };
        long dataRound = plan.dataRound(pass);
        serve(plan);
        runtime.openRound(dataRound, AggregateFrame.limits(dataRound, FrameLimits.ANY_GROUP, plan.dimension()),
            groups, plan.release().planned() ? Double.POSITIVE_INFINITY : plan.continental().inputNormBound(), true,
            openedAtNs, plan.runId());
    }

    public PublishResult publish(RoundPlan plan, int continent, int inputs, float[] aggregate) {
        return publish(plan, 1, continent, inputs, aggregate);
    }

    /** Sends pass {@code pass}'s aggregate; a gated pass 2 carries its gated count as {@code inputs}. */
    public PublishResult publish(RoundPlan plan, int pass, int continent, int inputs, float[] aggregate) {
        return runtime.publish(plan.dataRound(pass), continent, 0, inputs, 0, aggregate, plan.dimension(), plan.runId());
    }

    public void withdraw(long round, int continent, long nowNs) {
        runtime.withdraw(round, continent, nowNs);
    }
}
