package io.canopy.cluster;

import io.canopy.enroll.LeafAuthentication;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.ingest.GroupTier;
import io.canopy.ingest.TierActors;
import io.canopy.ingest.TierIngest;
import io.canopy.ingest.TierRuntime;
import io.canopy.ingest.Upstream;
import io.canopy.round.Invitations;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.PublishResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier 1 on one node: the leaf-gradient subscriber and its ingest agent, the pool of update blocks,
 * the publishers that carry cluster aggregates up, and the {@link ClusterAggregator} actor of each
 * cluster the node serves. A block closes on the agent's thread and travels to its actor in a message;
 * the actor aggregates on the compute dispatcher and gives the block back.
 *
 * <p>Leaf frames are authenticated as the run's {@link LeafAuthentication} says, stated in the log when the tier
 * starts: with signatures required, every gradient frame is verified against its sender's enrolled key and the
 * round's nonce on the ingest thread, before the duplicate check (docs/security.md).
 */
public final class ClusterTier extends GroupTier<ClusterAggregator.Command> {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterTier.class);

    private final LeafAuthentication authentication;
    /** CPU time of this node's cluster actors after their blocks closed: pass 1 (or the whole release), then pass 2. */
    private final java.util.concurrent.atomic.LongAdder afterCloseNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder secondPassNanos = new java.util.concurrent.atomic.LongAdder();
    /** CPU time in {@link #publish} (incl. waiting out back pressure), by pass: [0] pass 1 or the only one, [1] pass 2. */
    private final java.util.concurrent.atomic.LongAdder[] sendNanos = {
        new java.util.concurrent.atomic.LongAdder(), new java.util.concurrent.atomic.LongAdder()};

    /**
     * A tier whose leaf frames are not authenticated ({@link LeafAuthentication#off()}), as before signatures.
     *
     * @param served             the clusters this node aggregates
     * @param pool               blocks: clusters open at once on this node
     * @param publisherCount     publishers for aggregates: at least the compute threads
     * @param frameTimeDeadlines true when a simulated swarm's timestamps and watermarks drive the deadlines
     */
    public ClusterTier(CanopyTransport transport, FleetLayout layout, int[] served, int dimension, int pool,
                       int publisherCount, boolean frameTimeDeadlines, NanoClock clock) {
        this(transport, layout, served, dimension, pool, publisherCount, frameTimeDeadlines, clock, LeafAuthentication.off());
    }

    /**
     * @param served             the clusters this node aggregates
     * @param pool               blocks: clusters open at once on this node
     * @param publisherCount     publishers for aggregates: at least the compute threads
     * @param frameTimeDeadlines true when a simulated swarm's timestamps and watermarks drive the deadlines
     * @param authentication     whether leaf frames must be signed, and by which keys
     */
    public ClusterTier(CanopyTransport transport, FleetLayout layout, int[] served, int dimension, int pool,
                       int publisherCount, boolean frameTimeDeadlines, NanoClock clock, LeafAuthentication authentication) {
        this(TierRuntime.Wiring.of(transport), layout, served, dimension, pool,
            Upstream.local(transport, Streams.CLUSTER_TO_CONTINENT, publisherCount), frameTimeDeadlines, clock,
            authentication);
    }

    /**
     * Tier 1 serving the clusters {@code served} on any data plane (a simulated network in tests); starts nothing.
     *
     * @param upstream where the clusters' aggregates go
     */
    public ClusterTier(TierRuntime.Wiring wiring, FleetLayout layout, int[] served, int dimension, int pool,
                       TierRuntime.Sender upstream, boolean frameTimeDeadlines, NanoClock clock,
                       LeafAuthentication authentication) {
        super(layout, new TierActors<>(layout.clusters(), served, ClusterAggregator.Closed::new),
            sink -> new TierRuntime(wiring, "canopy-cluster-ingest",
                GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension), Streams.LEAF_TO_CLUSTER, upstream, pool,
                layout.clusterSize(), frameTimeDeadlines, clock, sink));
        this.authentication = announce(authentication);
    }

    /**
     * Tier 1 on a fleet node whose leaf frames are not authenticated ({@link LeafAuthentication#off()}).
     */
    public ClusterTier(CanopyTransport transport, FleetLayout layout, int dimension, int pool, Upstream upstream,
                       NanoClock clock) {
        this(transport, layout, dimension, pool, upstream, clock, LeafAuthentication.off());
    }

    /**
     * Tier 1 on a fleet node: it hosts whichever clusters' sharded entities run here now, and sends each
     * aggregate to the node that hosts its continent ({@code upstream}). With
     * {@link LeafAuthentication#requiredWhereHosted}, a cluster's registry shard is loaded as this node starts
     * hosting it ({@link #register}), before any of its frames can be counted here.
     */
    public ClusterTier(CanopyTransport transport, FleetLayout layout, int dimension, int pool, Upstream upstream,
                       NanoClock clock, LeafAuthentication authentication) {
        super(layout, TierActors.hosting(layout.clusters(), ClusterAggregator.Closed::new),
            sink -> new TierRuntime(transport, "canopy-cluster-ingest",
                GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension), Streams.LEAF_TO_CLUSTER, upstream, pool,
                layout.clusterSize(), false, clock, sink));
        this.authentication = announce(authentication);
    }

    /**
     * Binds a cluster's actor, after loading the cluster's enrollment shard when the keys load as clusters are hosted:
     * the ingest collects a cluster's frames only once its actor is bound, so none is counted before its keys are here.
     */
    @Override
    public void register(int group, org.apache.pekko.actor.typed.ActorRef<ClusterAggregator.Command> actor) {
        authentication.hosting(group);
        super.register(group, actor);
    }

    private static LeafAuthentication announce(LeafAuthentication authentication) {
        if (authentication == null) {
            throw new IllegalArgumentException("say whether leaf frames are signed: LeafAuthentication.off() or required(...)");
        }
        LOG.info("cluster tier: leaf signatures {}", authentication.describe());
        return authentication;
    }

    /** Whether and how this tier authenticates leaf frames. */
    public LeafAuthentication authentication() {
        return authentication;
    }

    /** Opens round {@code plan} for every cluster this node serves; the first call per round does it. */
    public synchronized void openRound(RoundPlan plan, long openedAtNs) {
        // Every cluster actor calls this on its Open; the first does the work, under the lock, so the plan a
        // close will look up is never unset by a racing caller.
        if (!actors.advanceTo(plan)) {
            return;
        }
        RoundGroups next = new RoundGroups(plan, actors.served());
        // The round's verifier rides with its limits, so the ingest switches round id and nonce in one step.
        FrameLimits limits = GradientFrame.limits(plan.roundId(), FrameLimits.ANY_GROUP, plan.dimension())
            .withCodecs(plan.codec()).withModelVersion(plan.modelVersion()).withAuthenticator(authentication.forRound(plan));
        // The plan is served on the agent's thread right before the ingest opens it, so every close finds its own plan
        // (a round re-issued under a higher epoch re-opens the same leaf round id: see TierRuntime#openRound).
        serve(plan);
        runtime.openRound(plan.roundId(), plan.epoch(), limits, next, plan.clipNorm(), false, openedAtNs, plan.runId());
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * The calling thread's CPU time, for the clusters' busy time: CPU rather than wall, so that a thread preempted on
     * a busy machine is not counted as working (0 where the JVM cannot measure it).
     */
    static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0L;
    }

    /** Adds a cluster's time from its block's close to its report (Multi-Krum, pass 1's finish or the release, the send). */
    void afterClose(long nanos) {
        afterCloseNanos.add(nanos);
    }

    /** Adds a cluster's time in a gated release's pass 2 (it follows the released centre, so it cannot overlap arrival). */
    void secondPass(long nanos) {
        secondPassNanos.add(nanos);
    }

    /**
     * CPU time of this node's clusters after their blocks closed, so far, without sending ({@link #sendNanos}): the
     * work the round waits on once a cluster's last update is in, besides pass 2 ({@link #secondPassNanos()}).
     */
    public long afterCloseNanos() {
        return afterCloseNanos.sum() - sendNanos[0].sum();
    }

    /** CPU time of this node's clusters in gated pass 2 so far, without sending. */
    public long secondPassNanos() {
        return secondPassNanos.sum() - sendNanos[1].sum();
    }

    /** CPU time of this node's clusters sending their aggregates so far, both passes, incl. waiting out back pressure. */
    public long sendNanos() {
        return sendNanos[0].sum() + sendNanos[1].sum();
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
        long start = threadCpuNanos();
        try {
            return runtime.publish(plan.dataRound(pass), cluster, continent, inputs, 0, aggregate, plan.dimension(), plan.runId());
        } finally {
            sendNanos[pass == 2 ? 1 : 0].add(threadCpuNanos() - start);
        }
    }

    /** The clusters of one round on this node: invitations counted once per cluster, on first need. */
    private static final class RoundGroups implements TierIngest.Groups {
        private final RoundPlan plan;
        private final int[] served;
        private final int[] invited;
        private final QuorumPolicy[] policies;
        /** The public pass-1 centre v0 of a planned release (zeros), shared read-only by the round's blocks. */
        private float[] passOneCentre;

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
        public io.canopy.ingest.ArrivalWork arrivalWork(int group, io.canopy.ingest.ArrivalWork previous) {
            if (!plan.release().planned()) {
                return null;
            }
            if (passOneCentre == null) {
                passOneCentre = new float[plan.dimension()]; // v0 = 0, as the cluster's pass 1 takes it
            }
            return ArrivingCentre.open(previous, plan, passOneCentre);
        }

        @Override
        public boolean isMember(int group, long sender) {
            return sender >= 0 && sender < plan.layout().leaves() && plan.layout().clusterOf(sender) == group
                && Invitations.isInvited(plan, sender);
        }
    }
}
