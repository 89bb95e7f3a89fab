package io.canopy.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.canopy.cluster.ClusterAggregator;
import io.canopy.cluster.ClusterTier;
import io.canopy.continental.ContinentalAggregator;
import io.canopy.continental.ContinentalTier;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.global.GlobalCoordinator;
import io.canopy.global.ledger.RoundJournal;
import io.canopy.global.GlobalTier;
import io.canopy.global.plan.RoundDesign;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.round.RoundPlan;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.global.optimizer.ServerOptimizer;
import io.canopy.straggler.NanoClock;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.TransportContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Every tier in one JVM: an embedded Aeron media driver over IPC for the data plane, one Pekko actor
 * system for the control plane, the global coordinator as its guardian with the continents and
 * clusters as its descendants. Leaf deadlines run on the frames' timestamps (the swarm is simulated);
 * the tiers above run on the wall clock.
 */
public final class EmbeddedFleet implements AutoCloseable {
    /** Where the cluster actors run their Multi-Krum: one thread per core. */
    public static final String COMPUTE_DISPATCHER = ClusterAggregator.COMPUTE_DISPATCHER;

    private static final java.util.concurrent.atomic.AtomicInteger FLEETS = new java.util.concurrent.atomic.AtomicInteger();

    private final CanopyTransport transport;
    private final ClusterTier clusterTier;
    private final ContinentalTier continentalTier;
    private final GlobalTier globalTier;
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
        // A directory of its own: a fleet never meets the files of one closed before it or running beside it.
        this.transport = CanopyTransport.start(new TransportContext()
            .aeronDirectoryName(io.aeron.CommonContext.getAeronDirectoryName() + "-embedded-" + ProcessHandle.current().pid()
                + "-" + FLEETS.incrementAndGet())
            .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension).maxFrameLength())
            // Its tiers' links carry an HMAC under a key drawn now: no other process can send them an aggregate.
            .links(io.canopy.enroll.LinkAuthentication.fresh()));
        try {
            NanoClock clock = NanoClock.SYSTEM;
            this.clusterTier = new ClusterTier(transport, layout, range(layout.clusters()), dimension, clusterPool,
                computeThreads + 1, true, clock, authentication);
            // Every continent gets a block if they fit in 512 MiB; at large d only a few do, and the swarm's
            // continent-by-continent order keeps no more than that open at once.
            long blockBytes = 4L * layout.clustersPerContinent() * dimension;
            int continentalPool = (int) Math.min(layout.continents(), Math.max(computeThreads + 1, (512L << 20) / blockBytes));
            this.continentalTier = new ContinentalTier(transport, layout, range(layout.continents()), dimension,
                continentalPool, computeThreads + 1, clock);
            this.globalTier = new GlobalTier(transport, layout.continents(), dimension, clock);
            clusterTier.start();
            continentalTier.start();
            globalTier.start();
            GlobalCoordinator.Setup setup = new GlobalCoordinator.Setup(globalTier, optimizer, initialModel, delta, journal,
                this::framesRejected);
            this.system = ActorSystem.create(GlobalCoordinator.create(setup,
                (context, continentReports) -> {
                    List<ActorRef<ContinentalAggregator.Command>> continents = new ArrayList<>();
                    for (int j = 0; j < layout.continents(); j++) {
                        int continent = j;
                        continents.add(context.spawn(Behaviors.supervise(ContinentalAggregator.create(continent, continentalTier,
                            (continentContext, clusterReports) -> {
                                List<ActorRef<ClusterAggregator.Command>> clusters = new ArrayList<>();
                                for (int i = 0; i < layout.continentSizeOf(continent); i++) {
                                    int cluster = layout.clusterOf(continent, i);
                                    clusters.add(continentContext.spawn(
                                    ClusterAggregator.supervised(cluster, continent, clusterTier, clusterReports),
                                    "cluster-" + cluster, ClusterAggregator.props()));
                                }
                                return clusters;
                            }, continentReports)).onFailure(SupervisorStrategy.restart()), "continent-" + continent));
                    }
                    return continents;
                }), "canopy", config(computeThreads));
        } catch (RuntimeException e) {
            transport.close();
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
        long[] sum = clusterTier.runtime().subscriber().rejectedByReason();
        long[] continental = continentalTier.runtime().subscriber().rejectedByReason();
        long[] global = globalTier.runtime().subscriber().rejectedByReason();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += continental[i] + global[i];
        }
        return sum;
    }

    private static int[] range(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    /** Waits until every cluster and continent actor is bound to its tier, so no close finds no one to tell. */
    public void awaitReady(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!clusterTier.ready() || !continentalTier.ready()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the actor tree did not come up within " + timeoutMs + " ms");
            }
            Thread.sleep(5);
        }
    }

    static Config config(int computeThreads) {
        return ConfigFactory.parseString("""
            pekko {
              loglevel = WARNING
              loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
              logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
              actor.allow-java-serialization = off
            }
            """).withFallback(ClusterAggregator.computeDispatcher(computeThreads)).withFallback(ConfigFactory.load());
    }

    public ActorSystem<GlobalCoordinator.Command> system() {
        return system;
    }

    public CanopyTransport transport() {
        return transport;
    }

    public ClusterTier clusterTier() {
        return clusterTier;
    }

    public ContinentalTier continentalTier() {
        return continentalTier;
    }

    public GlobalTier globalTier() {
        return globalTier;
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // Shutting down anyway; the transport below must still go.
        }
        transport.close();
    }
}
