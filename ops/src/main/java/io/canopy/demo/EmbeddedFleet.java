package io.canopy.demo;

import java.time.Duration;

import com.typesafe.config.ConfigFactory;
import io.canopy.cluster.ClusterAggregator;
import io.canopy.cluster.ClusterTier;
import io.canopy.continental.ContinentalTier;
import io.canopy.global.GlobalCoordinator;
import io.canopy.global.GlobalTier;
import io.canopy.global.ledger.RoundJournal;
import io.canopy.global.optimizer.ServerOptimizer;
import io.canopy.global.plan.RoundDesign;
import io.canopy.node.CanopyNode;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.round.RoundPlan;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Every tier in one JVM: {@link CanopyNode#embedded one node with every role}, assembled by the same composition root
 * as a fleet member, its actors spawned as one tree ({@link CanopyNode#localTree}) in one Pekko actor system. Leaf
 * deadlines run on the frames' timestamps (the swarm is simulated); the tiers above run on the wall clock.
 */
public final class EmbeddedFleet implements AutoCloseable {
    /** Where the cluster actors run their Multi-Krum: one thread per core. */
    public static final String COMPUTE_DISPATCHER = ClusterAggregator.COMPUTE_DISPATCHER;

    private final CanopyNode node;
    private final ActorSystem<GlobalCoordinator.Command> system;

    /**
     * @param clusterPool clusters open at once (blocks of their invited leaves × d floats, at most clusterSize × d)
     */
    public EmbeddedFleet(FleetLayout layout, int dimension, int clusterPool, int computeThreads, ServerOptimizer optimizer,
                         float[] initialModel, double delta) {
        this(layout, dimension, clusterPool, computeThreads, optimizer, initialModel, delta, RoundJournal.none());
    }

    /**
     * @param clusterPool clusters open at once (blocks of their invited leaves × d floats, at most clusterSize × d)
     * @param journal     where the coordinator makes each round durable (the caller closes it after the fleet)
     */
    public EmbeddedFleet(FleetLayout layout, int dimension, int clusterPool, int computeThreads, ServerOptimizer optimizer,
                         float[] initialModel, double delta, RoundJournal journal) {
        this(layout, dimension, clusterPool, computeThreads, optimizer, initialModel, delta, journal,
            io.canopy.enroll.LeafAuthentication.off());
    }

    /**
     * @param clusterPool    clusters open at once (blocks of their invited leaves × d floats, at most clusterSize × d)
     * @param journal        where the coordinator makes each round durable (the caller closes it after the fleet)
     * @param authentication whether the clusters verify leaf frames' signatures, and against which keys
     */
    public EmbeddedFleet(FleetLayout layout, int dimension, int clusterPool, int computeThreads, ServerOptimizer optimizer,
                         float[] initialModel, double delta, RoundJournal journal,
                         io.canopy.enroll.LeafAuthentication authentication) {
        this.node = CanopyNode.embedded(layout, dimension, clusterPool, computeThreads, authentication);
        try {
            this.system = ActorSystem.create(node.localTree(optimizer, initialModel, delta, journal), "canopy",
                CanopyNode.actorSystemConfig(ConfigFactory.empty(), "canopy.embedded.actor-system", computeThreads));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /**
     * The first round of a run on this fleet, released by {@code release} with gate radius {@code gateFactor}·C.
     * Clusters live on the swarm's simulated clock: soft 2 s, hard 4 s, 0.5 s of grace, over-selection 1.3.
     * Continents and the global tier run on the wall clock with deadlines long enough for a whole simulated
     * round to stream through one JVM; they close as soon as every input is in or withdrawn.
     */
    public static RoundPlan firstRound(RoundDesign design, PrivacyPlan privacy, String release, double gateFactor) {
        QuorumPolicy clusterPolicy = new QuorumPolicy(design.clusterSize(), RoundDesign.QUORUM, Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofMillis(500), QuorumPolicy.DEFAULT_OVER_SELECTION);
        QuorumPolicy upper = new QuorumPolicy(design.clustersPerContinent(), RoundDesign.QUORUM, Duration.ofMinutes(30),
            Duration.ofMinutes(60), Duration.ofMinutes(30), 1.0);
        return design.release(design.firstRound(privacy, clusterPolicy, upper), release, gateFactor);
    }

    /** Frame refusals so far at the three tiers' subscribers, by {@link io.canopy.frame.RejectReason} ordinal. */
    public long[] framesRejected() {
        return node.framesRejected();
    }

    /** Waits until every cluster and continent actor is bound to its tier, so no close finds no one to tell. */
    public void awaitReady(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!node.ready()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the actor tree did not come up within " + timeoutMs + " ms");
            }
            Thread.sleep(5);
        }
    }

    public ActorSystem<GlobalCoordinator.Command> system() {
        return system;
    }

    /** The node this fleet runs on: its transport, its tiers, how its actors are built. */
    public CanopyNode node() {
        return node;
    }

    public CanopyTransport transport() {
        return node.transport();
    }

    public ClusterTier clusterTier() {
        return node.clusters();
    }

    public ContinentalTier continentalTier() {
        return node.continents();
    }

    public GlobalTier globalTier() {
        return node.global();
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // Shutting down anyway; the data plane below must still go.
        }
        node.close();
    }
}
