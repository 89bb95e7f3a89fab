package io.canopy.cluster;

import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.ingest.IngestBlock;
import io.canopy.ingest.TierActors;
import io.canopy.ingest.TierIngest;
import io.canopy.ingest.TierRuntime;
import io.canopy.ingest.Upstream;
import io.canopy.round.Invitations;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.PublishResult;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Tier 1 on one node: the leaf-gradient subscriber and its ingest agent, the pool of update blocks,
 * the publishers that carry cluster aggregates up, and the {@link ClusterAggregator} actor of each
 * cluster the node serves. A block closes on the agent's thread and travels to its actor in a message;
 * the actor aggregates on the compute dispatcher and gives the block back.
 */
public final class ClusterTier {
    private final FleetLayout layout;
    private final TierRuntime runtime;
    private final TierActors<ClusterAggregator.Command> actors;

    /**
     * @param served             the clusters this node aggregates
     * @param pool               blocks: clusters open at once on this node
     * @param publisherCount     publishers for aggregates: at least the compute threads
     * @param frameTimeDeadlines true when a simulated swarm's timestamps and watermarks drive the deadlines
     */
    public ClusterTier(CanopyTransport transport, FleetLayout layout, int[] served, int dimension, int pool,
                       int publisherCount, boolean frameTimeDeadlines, NanoClock clock) {
        this.layout = layout;
        this.actors = new TierActors<>(layout.clusters(), served, ClusterAggregator.Closed::new);
        this.runtime = new TierRuntime(transport, "canopy-cluster-ingest",
            GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension), Streams.LEAF_TO_CLUSTER,
            Streams.CLUSTER_TO_CONTINENT, pool, layout.clusterSize(), publisherCount, frameTimeDeadlines, clock,
            this::onClosed);
    }

    /**
     * Tier 1 on a fleet node: it hosts whichever clusters' sharded entities run here now, and sends each
     * aggregate to the node that hosts its continent ({@code upstream}).
     */
    public ClusterTier(CanopyTransport transport, FleetLayout layout, int dimension, int pool, Upstream upstream,
                       NanoClock clock) {
        this.layout = layout;
        this.actors = TierActors.hosting(layout.clusters(), ClusterAggregator.Closed::new);
        this.runtime = new TierRuntime(transport, "canopy-cluster-ingest",
            GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension), Streams.LEAF_TO_CLUSTER, upstream, pool,
            layout.clusterSize(), false, clock, this::onClosed);
    }

    /** Binds a cluster's actor; done once when the node starts serving the cluster. */
    public void register(int cluster, ActorRef<ClusterAggregator.Command> actor) {
        actors.register(cluster, actor);
    }

    /** Unbinds a cluster's actor that stopped (moved to another node); frames for it are passed on from now. */
    public void unregister(int cluster, ActorRef<ClusterAggregator.Command> actor) {
        actors.unregister(cluster, actor);
    }

    /**
     * The cluster's actor has its round's plan: on a fleet node its frames are collected from now on (the
     * actor may have started mid-round); a no-op where the clusters are fixed.
     */
    public void host(int cluster, long round) {
        if (actors.isDynamic()) {
            runtime.addGroup(round, cluster);
        }
    }

    /** Runs {@code then} on the ingest agent once everything asked of it so far (opening, hosting) is applied. */
    public void afterQueued(Runnable then) {
        runtime.ingest().afterQueued(then);
    }

    /** Whether every served cluster's actor is bound: until then a close could find no one to tell. */
    public boolean ready() {
        return actors.ready();
    }

    /** Opens round {@code plan} for every cluster this node serves; the first call per round does it. */
    public synchronized void openRound(RoundPlan plan, long openedAtNs) {
        // Every cluster actor calls this on its Open; the first does the work, under the lock, so the plan a
        // close will look up is never unset by a racing caller.
        if (!actors.advanceTo(plan)) {
            return;
        }
        RoundGroups next = new RoundGroups(plan, actors.served());
        FrameLimits limits = GradientFrame.limits(plan.roundId(), FrameLimits.ANY_GROUP, plan.dimension())
            .withCodecs(plan.codec()).withModelVersion(plan.modelVersion());
        // The plan is published (advanceTo) before the ingest can close anything, so every close finds it.
        runtime.openRound(plan.roundId(), limits, next, plan.clipNorm(), false, openedAtNs);
    }

    /** The round this node's tier has opened last, or −1 before the first. */
    public long currentRound() {
        return actors.currentRound();
    }

    /** Whether the ingest agent is collecting {@code round} (a local swarm waits for this before sending). */
    public boolean isOpen(long round) {
        return runtime.isOpen(round);
    }

    /** Invitations to {@code cluster} this round, as the platform computed them. */
    public int invited(int cluster, RoundPlan plan) {
        return Invitations.invitedIn(plan, cluster);
    }

    /** Sends a cluster aggregate to its continent. */
    public PublishResult publish(RoundPlan plan, int cluster, int continent, int inputs, float[] aggregate) {
        return publish(plan, 1, cluster, continent, inputs, aggregate);
    }

    /** Sends pass {@code pass}'s aggregate (a gated pass 2 carries its gated count W_c as {@code inputs}). */
    public PublishResult publish(RoundPlan plan, int pass, int cluster, int continent, int inputs, float[] aggregate) {
        return runtime.publish(plan.dataRound(pass), cluster, continent, inputs, 0, aggregate, plan.dimension());
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

    private void onClosed(long round, int cluster, IngestBlock block, QuorumOutcome outcome, long closedAfterNs) {
        actors.onClosed(round, cluster, block, outcome, closedAfterNs, this::release);
    }

    /** The clusters of one round on this node: invitations counted once per cluster, on first need. */
    private static final class RoundGroups implements TierIngest.Groups {
        private final RoundPlan plan;
        private final int[] served;
    private final java.util.concurrent.atomic.AtomicInteger registered = new java.util.concurrent.atomic.AtomicInteger();
        private final int[] invited;
        private final QuorumPolicy[] policies;

        RoundGroups(RoundPlan plan, int[] served) {
            this.plan = plan;
            this.served = served;
            this.invited = new int[plan.layout().clusters()];
            this.policies = new QuorumPolicy[plan.layout().clusters()];
            java.util.Arrays.fill(invited, -1);
        }

        int invited(int cluster) {
            int n = invited[cluster];
            if (n < 0) {
                n = Invitations.invitedIn(plan, cluster);
                invited[cluster] = n;
            }
            return n;
        }

        @Override
        public int[] groups() {
            return served;
        }

        @Override
        public QuorumPolicy policyFor(int group) {
            QuorumPolicy p = policies[group];
            if (p == null) {
                p = Invitations.clusterPolicy(plan, invited(group));
                policies[group] = p;
            }
            return p;
        }

        @Override
        public boolean isMember(int group, long sender) {
            return sender >= 0 && sender < plan.layout().leaves() && plan.layout().clusterOf(sender) == group
                && Invitations.isInvited(plan, sender);
        }
    }

    /** Now on the clock this tier's deadlines run on. */
    public long nowNs() {
        return runtime.nowNs();
    }
}
