package io.canopy.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.canopy.cluster.ClusterAggregator;
import io.canopy.cluster.ClusterTier;
import io.canopy.continental.ContinentalAggregator;
import io.canopy.continental.ContinentalTier;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.global.GlobalCoordinator;
import io.canopy.global.GlobalTier;
import io.canopy.global.ledger.RoundJournal;
import io.canopy.global.optimizer.ServerOptimizer;
import io.canopy.ingest.TierIngest;
import io.canopy.ingest.Upstream;
import io.canopy.node.metrics.TierMetricsBridge;
import io.canopy.ops.metrics.CanopyMeters;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.round.ReportSink;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.TransportContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The composition root of a Canopy node: from its roles ({@code cluster}, {@code continental}, {@code global}, any
 * subset) it assembles the data plane (one transport, the tier of each role, started in order), the actors of each
 * tier with their dispatcher and supervision, the metrics binding and the actor system's configuration. Both ways
 * Canopy runs are built here: {@link #member} is one fleet member ({@code ./canopy node}, whose {@link NodeGuardian}
 * places the actors as Cluster Sharding entities and a singleton), and {@link #embedded} is the demo's node with every
 * role in one JVM, whose actors {@link #localTree} spawns as one tree. What differs between the two is only where an
 * actor runs and how its aggregates travel (routed UDP between members, IPC within one process); an actor itself is
 * the same behaviour either way.
 */
public final class CanopyNode implements AutoCloseable {
    /** The roles a node may have. */
    public static final Set<String> ROLES = Set.of("cluster", "continental", "global");

    private static final AtomicInteger EMBEDDED = new AtomicInteger();

    private final FleetLayout layout;
    private final CanopyTransport transport;
    private final ClusterTier clusters;
    private final ContinentalTier continents;
    private final GlobalTier global;

    private CanopyNode(FleetLayout layout, CanopyTransport transport, ClusterTier clusters, ContinentalTier continents,
                       GlobalTier global) {
        this.layout = layout;
        this.transport = transport;
        this.clusters = clusters;
        this.continents = continents;
        this.global = global;
    }

    /**
     * One node with every role (the demo, {@code ./canopy train}): an embedded media driver over IPC in a directory of
     * its own, every cluster and continent served here, cluster deadlines on the simulated swarm's frame timestamps.
     * The tiers' links carry an HMAC under a key drawn now, so no other process can send them an aggregate.
     *
     * @param clusterPool clusters open at once (blocks of their invited leaves × d floats, at most clusterSize × d)
     */
    public static CanopyNode embedded(FleetLayout layout, int dimension, int clusterPool, int computeThreads,
                                      LeafAuthentication authentication) {
        CanopyTransport transport = CanopyTransport.start(new TransportContext()
            .aeronDirectoryName(io.aeron.CommonContext.getAeronDirectoryName() + "-embedded-" + ProcessHandle.current().pid()
                + "-" + EMBEDDED.incrementAndGet())
            .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension).maxFrameLength())
            .links(LinkAuthentication.fresh()));
        try {
            NanoClock clock = NanoClock.SYSTEM;
            ClusterTier clusters = new ClusterTier(transport, layout, range(layout.clusters()), dimension, clusterPool,
                computeThreads + 1, true, clock, authentication);
            // Every continent gets a block if they fit in 512 MiB; at large d only a few do, and the swarm's
            // continent-by-continent order keeps no more than that open at once.
            long blockBytes = 4L * layout.clustersPerContinent() * dimension;
            int continentalPool = (int) Math.min(layout.continents(), Math.max(computeThreads + 1, (512L << 20) / blockBytes));
            ContinentalTier continents = new ContinentalTier(transport, layout, range(layout.continents()), dimension,
                continentalPool, computeThreads + 1, clock);
            GlobalTier global = new GlobalTier(transport, layout.continents(), dimension, clock);
            return new CanopyNode(layout, transport, clusters, continents, global).start();
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * One fleet member: an embedded media driver with one UDP endpoint for every stream, and the tiers its roles name.
     * Each tier hosts whichever groups' sharded entities run here now, routes its aggregates by {@code routes}, and
     * passes frames for groups hosted elsewhere on to their node.
     */
    static CanopyNode member(NodeSettings settings, RouteTable routes) {
        FleetLayout layout = settings.design().layout();
        int dimension = settings.design().dimension();
        CanopyTransport transport = CanopyTransport.start(new TransportContext()
            .aeronDirectoryName(settings.aeronDir().toString())
            .channel("aeron:udp?endpoint=" + settings.aeronEndpoint()).mtuLength(settings.dataMtu())
            .links(settings.memberLinks() != null ? settings.memberLinks().signatures(routes.owners()) : settings.links())
            .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension).maxFrameLength()));
        try {
            NanoClock clock = NanoClock.SYSTEM;
            ClusterTier clusters = null;
            ContinentalTier continents = null;
            if (settings.roles().contains("cluster")) {
                // Every cluster may end up here after failovers: one block each (clusters x cluster-size x d floats).
                clusters = new ClusterTier(transport, layout, dimension, Math.min(layout.clusters(), 64),
                    Upstream.routed(transport, Streams.CLUSTER_TO_CONTINENT, 2, routes::continentEndpoint), clock,
                    settings.leafSignatures());
                configure(clusters.runtime().ingest(), new MisroutedForwarder(transport, routes, Streams.LEAF_TO_CLUSTER),
                    settings.faultDropData());
            }
            if (settings.roles().contains("continental")) {
                continents = new ContinentalTier(transport, layout, dimension, Math.min(layout.continents(), 64),
                    Upstream.routed(transport, Streams.CONTINENT_TO_GLOBAL, 2, continent -> routes.globalEndpoint()), clock);
                configure(continents.runtime().ingest(),
                    new MisroutedForwarder(transport, routes, Streams.CLUSTER_TO_CONTINENT), settings.faultDropData());
            }
            GlobalTier global = settings.roles().contains("global")
                ? new GlobalTier(transport, layout.continents(), dimension, clock) : null;
            return new CanopyNode(layout, transport, clusters, continents, global).start();
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** Configured before it starts, so that no frame meets an ingest without its forwarder. */
    private static void configure(TierIngest ingest, TierIngest.Misrouted forwarder, boolean dropAllInbound) {
        ingest.misrouted(forwarder);
        ingest.dropAllInbound(dropAllInbound);
    }

    private CanopyNode start() {
        if (clusters != null) {
            clusters.start();
        }
        if (continents != null) {
            continents.start();
        }
        if (global != null) {
            global.start();
        }
        return this;
    }

    /** A cluster's aggregator as every node runs it: restarted on failure; spawn it with {@link #clusterProps()}. */
    public Behavior<ClusterAggregator.Command> cluster(int cluster, ReportSink<ClusterReport> reportTo) {
        return ClusterAggregator.supervised(cluster, layout.continentOf(cluster), clusters, reportTo);
    }

    /** Where a cluster's aggregator runs: the compute dispatcher, so Multi-Krum never holds heartbeats or timers. */
    public static org.apache.pekko.actor.typed.Props clusterProps() {
        return ClusterAggregator.props();
    }

    /** A continent's aggregator as every node runs it: restarted on failure; {@code children} finds its clusters. */
    public Behavior<ContinentalAggregator.Command> continent(int continent,
        BiFunction<ActorContext<?>, ReportSink<ClusterReport>, List<? extends RecipientRef<ClusterAggregator.Command>>> children,
        ReportSink<ContinentReport> reportTo) {
        return Behaviors.supervise(ContinentalAggregator.create(continent, continents, children, reportTo))
            .onFailure(SupervisorStrategy.restart());
    }

    /**
     * The global coordinator on this node's global tier.
     *
     * @param rejections the frame refusals the coordinator reports with each round, by reason
     * @param continents finds (or spawns) the continents' aggregators
     */
    public Behavior<GlobalCoordinator.Command> coordinator(ServerOptimizer optimizer, float[] initialModel, double delta,
        RoundJournal journal, Supplier<long[]> rejections,
        BiFunction<ActorContext<?>, ReportSink<ContinentReport>, List<? extends RecipientRef<ContinentalAggregator.Command>>> continents) {
        return GlobalCoordinator.create(new GlobalCoordinator.Setup(global, optimizer, initialModel, delta, journal, rejections),
            continents);
    }

    /**
     * The whole tree as one actor hierarchy, for a node with every role: the coordinator is the guardian, the continents
     * its children and each continent's clusters theirs; the coordinator reports the refusals of all three tiers.
     */
    public Behavior<GlobalCoordinator.Command> localTree(ServerOptimizer optimizer, float[] initialModel, double delta,
                                                         RoundJournal journal) {
        return coordinator(optimizer, initialModel, delta, journal, this::framesRejected, (context, continentReports) -> {
            List<ActorRef<ContinentalAggregator.Command>> spawned = new ArrayList<>();
            for (int j = 0; j < layout.continents(); j++) {
                int continent = j;
                spawned.add(context.spawn(continent(continent, (continentContext, clusterReports) -> {
                    List<ActorRef<ClusterAggregator.Command>> children = new ArrayList<>();
                    for (int i = 0; i < layout.continentSizeOf(continent); i++) {
                        int cluster = layout.clusterOf(continent, i);
                        children.add(continentContext.spawn(cluster(cluster, clusterReports), "cluster-" + cluster,
                            clusterProps()));
                    }
                    return children;
                }, continentReports), "continent-" + continent));
            }
            return spawned;
        });
    }

    /**
     * The actor that feeds the Canopy meters from this node's tiers (bound once as function counters) and the round
     * events on the local event stream; {@code subscribed} runs once its subscriptions are queued.
     *
     * @param epsilonBudget the ε the run may spend, or NaN on a node without the global role
     */
    public Behavior<Object> metrics(CanopyMeters meters, double epsilonBudget, double delta, Runnable subscribed) {
        return TierMetricsBridge.create(meters, new TierMetricsBridge.Sources(
                clusters == null ? null : clusters.runtime(),
                continents == null ? null : continents.runtime(),
                global == null ? null : global.runtime()),
            epsilonBudget, delta, subscribed);
    }

    /**
     * The configuration of a Canopy actor system: {@code own} (the member's host, port, roles, …), over the compute
     * dispatcher with {@code computeThreads} threads, over the block {@code defaults} of Canopy's {@code reference.conf}
     * ({@code canopy.node.actor-system} for a fleet member, {@code canopy.embedded.actor-system} for one process),
     * over the shared {@code canopy.actor-system} block and Pekko's own defaults.
     */
    public static Config actorSystemConfig(Config own, String defaults, int computeThreads) {
        return own.withFallback(ClusterAggregator.computeDispatcher(computeThreads))
            .withFallback(DEFAULTS.getConfig(defaults))
            .withFallback(DEFAULTS.getConfig("canopy.actor-system"))
            .withFallback(DEFAULTS);
    }

    /** Canopy's and Pekko's reference configuration, parsed once. */
    private static final Config DEFAULTS = ConfigFactory.load();

    /** Whether every cluster and continent served here has its actor bound, so no close finds no one to tell. */
    public boolean ready() {
        return (clusters == null || clusters.ready()) && (continents == null || continents.ready());
    }

    /** Frame refusals so far at this node's tiers' subscribers, by {@link io.canopy.frame.RejectReason} ordinal. */
    public long[] framesRejected() {
        long[] sum = new long[io.canopy.frame.RejectReason.values().length];
        for (io.canopy.ingest.TierRuntime runtime : runtimes()) {
            long[] tier = runtime.subscriber().rejectedByReason();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += tier[i];
            }
        }
        return sum;
    }

    private List<io.canopy.ingest.TierRuntime> runtimes() {
        List<io.canopy.ingest.TierRuntime> runtimes = new ArrayList<>(3);
        if (clusters != null) {
            runtimes.add(clusters.runtime());
        }
        if (continents != null) {
            runtimes.add(continents.runtime());
        }
        if (global != null) {
            runtimes.add(global.runtime());
        }
        return runtimes;
    }

    private static int[] range(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    public FleetLayout layout() {
        return layout;
    }

    public CanopyTransport transport() {
        return transport;
    }

    /** This node's cluster tier, or null when it has not the {@code cluster} role. */
    public ClusterTier clusters() {
        return clusters;
    }

    /** This node's continental tier, or null when it has not the {@code continental} role. */
    public ContinentalTier continents() {
        return continents;
    }

    /** This node's global tier, or null when it has not the {@code global} role. */
    public GlobalTier global() {
        return global;
    }

    /** Closes the data plane (the actors stop with their system first). */
    @Override
    public void close() {
        transport.close();
    }
}
