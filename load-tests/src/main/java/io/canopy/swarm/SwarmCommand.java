package io.canopy.swarm;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.canopy.cluster.ClusterAggregator;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.global.GlobalCoordinator;
import io.canopy.ingest.IngestRejection;
import io.canopy.leaf.LeafClient;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.node.FleetVisitor;
import io.canopy.node.NodeGuardian;
import java.util.stream.Stream;
import io.canopy.node.NodeSettings;
import io.canopy.node.RouteTable;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.round.ClusterReport;
import io.canopy.round.RoundPlan;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.TransportContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * {@code ./canopy swarm}: a synthetic leaf swarm as its own process. It joins a running fleet as a member with
 * the role {@code swarm} (hosting no tier), follows the rounds as they open, and sends every invited leaf's
 * update over UDP to the node that hosts its cluster; the clusters' reports say what was accepted.
 */
public final class SwarmCommand implements CliCommand {

    private static final int DEFAULT_PORT = 2599;
    private static final List<Spec> SPECS = java.util.stream.Stream.concat(FleetVisitor.specs(DEFAULT_PORT).stream(), Stream.of(
        Spec.value("aeron-endpoint", "HOST:PORT", "this process's own UDP endpoint (default host and port + 10000)"),
        Spec.value("aeron-dir", "DIR", "the embedded media driver's directory (default /dev/shm/canopy-swarm-PORT)"),
        Spec.value("leaves", "N", "check: the fleet's leaf count (the layout comes with each round's plan)"),
        Spec.value("rounds", "T", "rounds to take part in, then report and exit (default 3)"),
        Spec.value("rate", "R", "leaves per second at most; 0 for as fast as back pressure allows (default 0)"),
        Spec.value("byzantine", "FRACTION", "share of leaves that attack, in [0, 1) (default 0)"),
        Spec.value("attack", "NAME", "the attack of the Byzantine leaves (default sign-flip; see ./canopy demo --help)"),
        Spec.value("dropout", "P", "probability an invited leaf never answers (default 0)"),
        Spec.value("seed", "S", "seed of the synthetic updates (default 42)")))
        .toList();

    @Override
    public String name() {
        return "swarm";
    }

    @Override
    public String summary() {
        return "a synthetic leaf swarm that sends real frames over UDP to a running fleet";
    }

    @Override
    public String help() {
        return Options.help("./canopy swarm --connect HOST:PORT [--rounds T] [--rate R] [--byzantine F] [--attack NAME]"
            + " [--dropout P] [--seed S]", """
            Joins a running fleet (./canopy node) as a member with the role swarm, waits for each round to open,
            asks every cluster to say when it collects the round, and sends every invited leaf's synthetic update to the UDP endpoint of the member that hosts its
            cluster (the fleet's routing table says which). Prints a progress line per second on stderr and, at
            the end of each round: frames sent, acknowledged (accepted by the clusters), rejected by reason, late,
            and the achieved rate.""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse(SPECS, args);
        if (!o.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + o.positional().getFirst() + "'");
        }
        FleetVisitor visitor = FleetVisitor.from(o, DEFAULT_PORT, "swarm");
        String host = visitor.host();
        int port = visitor.port();
        if (!o.has("aeron-endpoint") && port > 55_535) {
            throw new UsageException("--port " + port + " leaves no default --aeron-endpoint (port + 10000 > 65535)");
        }
        String endpoint = o.has("aeron-endpoint") ? o.get("aeron-endpoint") : host + ":" + (port + 10_000);
        Path aeronDir = o.has("aeron-dir") ? Path.of(o.get("aeron-dir"))
            : Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir"),
                "canopy-swarm-" + port);
        int rounds = o.intValue("rounds", 3, 1, 1_000_000);
        double rate = o.doubleValue("rate", 0);
        double byzantine = o.doubleValue("byzantine", 0);
        double dropout = o.doubleValue("dropout", 0);
        if (!(rate >= 0) || !(byzantine >= 0 && byzantine < 1) || !(dropout >= 0 && dropout < 1)) {
            throw new UsageException("--rate must be >= 0, --byzantine and --dropout in [0, 1)");
        }
        Attack attack;
        try {
            attack = o.has("attack") ? Attack.parse(o.get("attack")) : Attack.SIGN_FLIP;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--attack: " + e.getMessage());
        }
        long seed = Long.parseLong(o.has("seed") ? o.get("seed") : "42");
        long expectedLeaves = o.has("leaves") ? Long.parseLong(o.get("leaves")) : -1;

        BlockingQueue<RoundPlan> opened = new LinkedBlockingQueue<>();
        java.util.Set<Long> seen = ConcurrentHashMap.newKeySet();
        Map<Long, SwarmRound> byRound = new ConcurrentHashMap<>();
        // (round << 32 | cluster) for every cluster that said it collects that round.
        java.util.Set<Long> openClusters = ConcurrentHashMap.newKeySet();
        @SuppressWarnings("unchecked")
        ActorRef<ShardingEnvelope<ClusterAggregator.Command>>[] clusterRegion = new ActorRef[1];
        @SuppressWarnings("unchecked")
        ActorRef<ClusterAggregator.Opened>[] openedInbox = new ActorRef[1];
        ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context -> {
            ActorRef<Topic.Command<GlobalCoordinator.RoundOpened>> roundsTopic = context.spawn(
                Topic.create(GlobalCoordinator.RoundOpened.class, NodeGuardian.ROUNDS_TOPIC), "rounds-topic");
            ActorRef<Topic.Command<ClusterReport>> reportsTopic = context.spawn(
                Topic.create(ClusterReport.class, NodeGuardian.CLUSTER_REPORTS_TOPIC), "cluster-reports-topic");
            ActorRef<GlobalCoordinator.RoundOpened> roundsInbox = context.spawn(Behaviors.receive(GlobalCoordinator.RoundOpened.class)
                .onMessage(GlobalCoordinator.RoundOpened.class, r -> {
                    if (seen.add(r.plan().roundId())) {
                        opened.add(r.plan());
                    }
                    return Behaviors.same();
                }).build(), "rounds");
            roundsTopic.tell(Topic.subscribe(roundsInbox));
            // The topic only carries rounds that open after our subscription has spread; asking the coordinator
            // as well means a round already open when we joined is not missed.
            ActorRef<GlobalCoordinator.Command> coordinator = ClusterSingleton.get(context.getSystem()).init(
                SingletonActor.of(Behaviors.<GlobalCoordinator.Command>empty(), "global-coordinator")
                    .withSettings(ClusterSingletonSettings.create(context.getSystem()).withRole("global")));
            context.getSystem().scheduler().scheduleAtFixedRate(Duration.ofMillis(250), Duration.ofMillis(250),
                () -> coordinator.tell(new GlobalCoordinator.CurrentRound(roundsInbox)), context.getExecutionContext());
            // Readiness: each cluster answers once its ingest collects the round; frames go only to such clusters.
            openedInbox[0] = context.spawn(Behaviors.receive(ClusterAggregator.Opened.class)
                .onMessage(ClusterAggregator.Opened.class, answer -> {
                    openClusters.add((answer.round() << 32) | answer.cluster());
                    return Behaviors.same();
                }).build(), "opened");
            // A proxy only: this process hosts no cluster (the role filter keeps the entities on cluster members).
            clusterRegion[0] = ClusterSharding.get(context.getSystem()).init(
                Entity.of(NodeGuardian.CLUSTER, e -> Behaviors.<ClusterAggregator.Command>empty()).withRole("cluster"));
            reportsTopic.tell(Topic.subscribe(context.spawn(Behaviors.receive(ClusterReport.class)
                .onMessage(ClusterReport.class, r -> {
                    SwarmRound round = byRound.get(r.roundId());
                    if (round != null) {
                        round.report(r);
                    }
                    return Behaviors.same();
                }).build(), "reports")));
            return Behaviors.<Void>empty();
        }), NodeSettings.SYSTEM, visitor.config());
        CanopyTransport transport = null;
        try {
            RoundPlan first = opened.poll(10, TimeUnit.MINUTES);
            if (first == null) {
                err.println("canopy swarm: no round opened within 10 minutes");
                return FAILURE;
            }
            if (expectedLeaves >= 0 && first.layout().leaves() != expectedLeaves) {
                throw new UsageException("--leaves " + expectedLeaves + " but the fleet has " + first.layout().leaves());
            }
            RouteTable table = new RouteTable(first.layout().clusters(), first.layout().continents(), endpoint);
            system.systemActorOf(table.behavior(), "routes", org.apache.pekko.actor.typed.Props.empty());
            transport = CanopyTransport.start(new TransportContext().aeronDirectoryName(aeronDir.toString())
                .channel("aeron:udp?endpoint=" + endpoint)
                .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, first.dimension()).maxFrameLength()));
            SyntheticSwarm swarm = new SyntheticSwarm(new SwarmSpec(seed, first.dimension(), 1.0, 0.5, 0.5, byzantine,
                attack, Double.NaN, first.layout().clusterSize(), dropout, 200.0, 0.5));
            Map<String, LeafClient> clients = new ConcurrentHashMap<>();
            Map<String, io.canopy.transport.FramePublisher> publishers = new ConcurrentHashMap<>();
            RoundPlan plan = first;
            for (int r = 0; r < rounds; r++) {
                if (r > 0) {
                    plan = opened.poll(10, TimeUnit.MINUTES);
                    if (plan == null) {
                        err.println("canopy swarm: round " + (r + 1) + " of " + rounds + " never opened");
                        return FAILURE;
                    }
                }
                SwarmRound round = new SwarmRound(plan);
                byRound.put(plan.roundId(), round);
                long roundId = plan.roundId();
                java.util.function.Consumer<int[]> ask = clusters -> {
                    for (int c : clusters) {
                        clusterRegion[0].tell(new ShardingEnvelope<>(Integer.toString(c),
                            new ClusterAggregator.AwaitOpen(roundId, openedInbox[0])));
                    }
                };
                int[] all = new int[plan.layout().clusters()];
                java.util.Arrays.setAll(all, c -> c);
                ask.accept(all);
                // A cluster that has not opened by its hard deadline never will this round (its member is gone).
                long deadlineNs = System.nanoTime() + plan.cluster().policy().hardDeadline().toNanos();
                SwarmRound live = round;
                var ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(t -> {
                    Thread th = new Thread(t, "canopy-swarm-progress");
                    th.setDaemon(true);
                    return th;
                });
                ticker.scheduleAtFixedRate(() -> err.printf("swarm progress, round %d: sent %,d, dropped out %,d, clusters reported %d/%d%n",
                    live.round, live.sent.get(), live.dropped.get(), live.clustersReported(),
                    live.plan().layout().clusters()), 1, 1, TimeUnit.SECONDS);
                try {
                    round.send(transport, table, swarm, clients, publishers,
                        c -> openClusters.contains((roundId << 32) | c), ask, rate, deadlineNs);
                    // Until every cluster has reported, or the next round has opened (a cluster that never reports
                    // was lost with its member), or a minute has passed.
                    long waitUntil = System.currentTimeMillis() + 60_000;
                    while (round.clustersReported() < plan.layout().clusters() && opened.isEmpty()
                        && System.currentTimeMillis() < waitUntil) {
                        Thread.sleep(20);
                    }
                } finally {
                    ticker.shutdownNow();
                }
                out.print(report(round));
                out.flush();
            }
            return OK;
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (transport != null) {
                transport.close();
            }
        }
    }

    static String report(SwarmRound r) {
        StringBuilder rejected = new StringBuilder();
        for (int i = 0; i < r.rejected.length; i++) {
            if (r.rejected[i] > 0) {
                rejected.append(rejected.isEmpty() ? "" : ", ").append(IngestRejection.of(i)).append(' ').append(r.rejected[i]);
            }
        }
        double seconds = r.sendNanos / 1e9;
        return String.format("swarm round %d: sent %d, not sent %d, dropped out %d, acknowledged %d, late %d, rejected %s;"
                + " %d of %d clusters reported, %d never opened; %.0f leaves/s over %.3f s%n", r.round, r.sent.get(), r.notSent.get(),
            r.dropped.get(), r.acknowledged, r.late, rejected.isEmpty() ? "none" : rejected, r.clustersReported(),
            r.plan().layout().clusters(), r.neverOpened, seconds > 0 ? Math.floor(r.sent.get() / seconds) : 0, seconds);
    }
}
