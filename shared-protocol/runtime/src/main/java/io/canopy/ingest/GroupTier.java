package io.canopy.ingest;

import java.util.function.Function;

import io.canopy.topology.FleetLayout;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One grouped tier on one node (clusters or continents): the data plane's {@link TierRuntime} and the
 * {@link TierActors} its closed blocks go to. What a tier opens and sends is its own; binding actors, hosting
 * groups that move here, and handing a closed block to its actor are the same for both and live here once.
 *
 * @param <C> the aggregator's command type
 */
public abstract class GroupTier<C> {
    protected final FleetLayout layout;
    protected final TierActors<C> actors;
    protected final TierRuntime runtime;

    /** @param runtime builds the tier's runtime around the sink that hands closed blocks to their actors */
    protected GroupTier(FleetLayout layout, TierActors<C> actors, Function<TierIngest.ClosedSink, TierRuntime> runtime) {
        this.layout = layout;
        this.actors = actors;
        this.runtime = runtime.apply((round, group, block, outcome, closedAfterNs) ->
            actors.onClosed(round, group, block, outcome, closedAfterNs, this::release));
    }

    /** The groups this tier serves: a fixed set, or on a fleet member those whose actor is bound here now. */
    public int[] served() {
        return actors.served();
    }

    /** Starts the ingest agent (see {@link TierRuntime#start}); the constructor starts nothing. */
    public void start() {
        runtime.start();
    }

    /** Binds a group's actor; done when the node starts serving the group (again after a restart). */
    public void register(int group, ActorRef<C> actor) {
        actors.register(group, actor);
    }

    /** Unbinds a group's actor that stopped (moved to another node); frames for it are passed on from now. */
    public void unregister(int group, ActorRef<C> actor) {
        actors.unregister(group, actor);
    }

    /**
     * The group's actor has its round's plan: on a fleet node its inputs for data round {@code round} are collected
     * from now on (the actor may have started mid-round); a no-op where the groups are fixed.
     */
    public void host(int group, long round) {
        if (actors.isDynamic()) {
            runtime.addGroup(round, group);
        }
    }

    /** Runs {@code then} on the ingest agent once everything asked of it so far (opening, hosting) is applied. */
    public void afterQueued(Runnable then) {
        runtime.ingest().afterQueued(then);
    }

    /** Whether every served group's actor is bound: until then a close could find no one to tell. */
    public boolean ready() {
        return actors.ready();
    }

    /** The plan this node's tier has accepted last, or null before the first. */
    public io.canopy.round.RoundPlan currentPlan() {
        return actors.currentPlan();
    }

    /**
     * Queues {@code plan} as the plan closed blocks go out with, ahead of the ingest's opening of it
     * ({@link TierActors#serve}).
     */
    protected void serve(io.canopy.round.RoundPlan plan) {
        TierActors<C> bound = actors;
        runtime.ingest().afterQueued(() -> bound.serve(plan));
    }

    /** The round this node's tier has opened last, or −1 before the first. */
    public long currentRound() {
        return actors.currentRound();
    }

    /** Whether the ingest agent is collecting data round {@code round}. */
    public boolean isOpen(long round) {
        return runtime.isOpen(round);
    }

    /** Returns a block to the pool once its aggregate is out. */
    public void release(IngestBlock block) {
        runtime.release(block);
    }

    public TierRuntime runtime() {
        return runtime;
    }

    public FleetLayout layout() {
        return layout;
    }

    /** Now on the clock this tier's deadlines run on. */
    public long nowNs() {
        return runtime.nowNs();
    }
}
