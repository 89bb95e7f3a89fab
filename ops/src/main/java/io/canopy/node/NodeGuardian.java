package io.canopy.node;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.canopy.cluster.ClusterAggregator;
import io.canopy.continental.ContinentalAggregator;
import io.canopy.global.GlobalCoordinator;
import io.canopy.global.RoundResult;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.ops.metrics.MetricsSettings;
import io.canopy.ops.metrics.NodeMetrics;
import io.canopy.round.ClusterReport;
import io.canopy.round.RoundPlan;
import io.canopy.topology.FleetLayout;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The root of a fleet member. Every member knows how to reach every tier: cluster aggregators and continental
 * aggregators are Cluster Sharding entities (keyed by cluster or continent id) that run on members with the
 * matching role, and the global coordinator is a Cluster Singleton on {@code global} members. A member with
 * a role also runs that tier's data plane. The member itself is assembled by {@link CanopyNode#member}, the same
 * composition root as the embedded demo's node; this guardian only places its actors (entities and a singleton
 * instead of one local tree). An entity that starts here announces itself in the {@link RouteTable}, so frames
 * find it.
 */
public final class NodeGuardian {

    /** Cluster aggregators as sharded entities, keyed by cluster id (a swarm reaches them through a proxy). */
    public static final EntityTypeKey<ClusterAggregator.Command> CLUSTER =
        EntityTypeKey.create(ClusterAggregator.Command.class, "cluster");
    /** Continental aggregators as sharded entities, keyed by continent id. */
    static final EntityTypeKey<ContinentalAggregator.Command> CONTINENT =
        EntityTypeKey.create(ContinentalAggregator.Command.class, "continent");

    /** The topic a round's plan is published on when it opens. */
    public static final String ROUNDS_TOPIC = "canopy-rounds";
    /** The topic every cluster's report is published on. */
    public static final String CLUSTER_REPORTS_TOPIC = "canopy-cluster-reports";

    private NodeGuardian() {
    }

    static Behavior<Void> create(NodeSettings settings, PrintStream out) {
        return Behaviors.setup(context -> {
            context.spawn(MembershipLog.create(out), "membership");
            if (settings.faultPartitionFile() != null) {
                context.spawn(PartitionFault.create(settings.faultPartitionFile(), out), "fault-partition");
            }
            FleetLayout layout = settings.design().layout();
            RouteTable routes = new RouteTable(layout.clusters(), layout.continents(), settings.aeronEndpoint(),
                settings.memberLinks());
            ActorRef<RouteTable.Command> routeActor = context.spawn(routes.behavior(), "routes");
            CanopyNode node = CanopyNode.member(settings, routes);
            ClusterSharding sharding = ClusterSharding.get(context.getSystem());
            // What a swarm (or an operator's tool) follows: rounds as they open, clusters as they report.
            ActorRef<Topic.Command<GlobalCoordinator.RoundOpened>> rounds = context.spawn(
                Topic.create(GlobalCoordinator.RoundOpened.class, ROUNDS_TOPIC), "rounds-topic");
            ActorRef<Topic.Command<ClusterReport>> clusterReports = context.spawn(
                Topic.create(ClusterReport.class, CLUSTER_REPORTS_TOPIC), "cluster-reports-topic");
            context.spawn(roundsRelay(rounds), "rounds-relay");

            // Both entity types are registered before the singleton starts: the coordinator asks for continent refs
            // as it sets up, on its own thread, and an unregistered type throws (it once stopped a CI run's coordinator).
            AtomicReference<ActorRef<GlobalCoordinator.Command>> coordinatorRef = new AtomicReference<>();
            sharding.init(Entity.of(CONTINENT, entity -> {
                int continent = Integer.parseInt(entity.getEntityId());
                return Behaviors.setup(c -> {
                    routeActor.tell(new RouteTable.Host(RouteTable.continentKey(continent)));
                    say(out, "hosting continent " + continent);
                    return node.continent(continent, (ctx, sink) -> {
                        List<EntityRef<ClusterAggregator.Command>> children = new ArrayList<>();
                        for (int i = 0; i < layout.continentSizeOf(continent); i++) {
                            children.add(sharding.entityRefFor(CLUSTER, Integer.toString(layout.clusterOf(continent, i))));
                        }
                        return children;
                    }, report -> coordinatorRef.get().tell(new GlobalCoordinator.Reported(report)));
                });
            }).withRole("continental"));

            sharding.init(Entity.of(CLUSTER, entity -> {
                int cluster = Integer.parseInt(entity.getEntityId());
                return Behaviors.setup(c -> {
                    routeActor.tell(new RouteTable.Host(RouteTable.clusterKey(cluster)));
                    say(out, "hosting cluster " + cluster);
                    return node.cluster(cluster, report -> {
                        sharding.entityRefFor(CONTINENT, Integer.toString(report.continentId()))
                            .tell(new ContinentalAggregator.Reported(report));
                        clusterReports.tell(Topic.publish(report));
                    });
                });
            }).withRole("cluster").withEntityProps(CanopyNode.clusterProps()));

            ActorRef<GlobalCoordinator.Command> coordinator = ClusterSingleton.get(context.getSystem()).init(
                SingletonActor.of(coordinator(settings, node, routeActor, sharding, results(context, out), out),
                        "global-coordinator")
                    .withSettings(ClusterSingletonSettings.create(context.getSystem()).withRole("global")));
            coordinatorRef.set(coordinator);

            ClientGateway gateway = settings.clientPort() == 0 ? null
                : new ClientGateway(routes, layout.clusters()).start(settings.host(), settings.clientPort(),
                    settings.tls() == null ? null : io.canopy.node.tls.FleetTls.context(settings.tls()));
            if (gateway != null) {
                org.apache.pekko.actor.typed.ActorSystem<Void> system = context.getSystem();
                gateway.status(() -> status(system, coordinator));
                gateway.checkpoints(settings.journal());
                context.spawn(ClientGatewayActor.create(gateway, sharding, coordinator, rounds, clusterReports),
                    "client-gateway");
                say(out, "client gateway: " + gateway.scheme() + "://" + settings.host() + ":" + gateway.port() + ClientGateway.STATUS);
            }
            NodeMetrics metrics = NodeMetrics.start(new MetricsSettings(settings.host(), settings.metricsPort()), 0);
            context.spawn(node.metrics(metrics.meters(),
                settings.roles().contains("global") ? settings.design().epsilon() : Double.NaN, settings.design().delta(),
                () -> { }), "metrics-bridge");
            if (settings.metricsPort() != 0) {
                say(out, "metrics: " + metrics.url());
            }
            return Behaviors.<Void>receive(Void.class)
                .onSignal(PostStop.class, stop -> onPostStop(gateway, metrics, node))
                .build();
        });
    }

    /** The member stops: the client gateway, the metrics endpoint and the tiers' data plane close with it. */
    private static Behavior<Void> onPostStop(ClientGateway gateway, NodeMetrics metrics, CanopyNode node) {
        if (gateway != null) {
            gateway.close();
        }
        metrics.close();
        node.close();
        return Behaviors.same();
    }

    /** Publishes on the rounds topic each round this member's coordinator opens (from the local event stream). */
    private static Behavior<GlobalCoordinator.RoundOpened> roundsRelay(
        ActorRef<Topic.Command<GlobalCoordinator.RoundOpened>> rounds) {
        return Behaviors.setup(c -> {
            c.getSystem().eventStream().tell(new EventStream.Subscribe<>(GlobalCoordinator.RoundOpened.class, c.getSelf()));
            return Behaviors.receive(GlobalCoordinator.RoundOpened.class)
                .onMessage(GlobalCoordinator.RoundOpened.class, opened -> onRoundOpened(rounds, opened))
                .build();
        });
    }

    private static Behavior<GlobalCoordinator.RoundOpened> onRoundOpened(
        ActorRef<Topic.Command<GlobalCoordinator.RoundOpened>> rounds, GlobalCoordinator.RoundOpened opened) {
        rounds.tell(Topic.publish(opened));
        return Behaviors.same();
    }

    /** The singleton: opens the journal, announces its endpoint, starts (or resumes) the rounds. */
    private static Behavior<GlobalCoordinator.Command> coordinator(NodeSettings settings, CanopyNode node,
                                                                   ActorRef<RouteTable.Command> routes,
                                                                   ClusterSharding sharding,
                                                                   ActorRef<RoundResult> results, PrintStream out) {
        return JournalTakeover.<GlobalCoordinator.Command>open(settings.journal(), JOURNAL_LOCK_WAIT, out,
            (context, journal) -> {
            if (settings.faultCrashAfterPrivacy() > 0) {
                journal.afterPrivacyEntry(round -> {
                    if (round == settings.faultCrashAfterPrivacy()) {
                        say(out, "fault: halting after round " + round + "'s privacy entry, before its record");
                        Runtime.getRuntime().halt(137);
                    }
                });
            }
            routes.tell(new RouteTable.Host(RouteTable.GLOBAL_KEY));
            say(out, "hosting the global coordinator (journal " + settings.journal() + ")");
            RoundPlan first = settings.firstRound();
            // Not a fixed delay alone: the first round waits until every tier member's shard region is registered.
            context.spawn(RegionsReady.create(settings.startAfter(), java.time.Duration.ofSeconds(60), context.getSelf(),
                (GlobalCoordinator.Command) new GlobalCoordinator.Start(first, settings.design().rounds(), results)),
                "regions-ready");
            FleetLayout layout = settings.design().layout();
            // The coordinator reports the refusals of its own tier: the other tiers' are counted on their members.
            return node.coordinator(new FedAvgStep(1f), new float[settings.design().dimension()], settings.design().delta(),
                journal, () -> node.global().runtime().subscriber().rejectedByReason(),
                (ctx, sink) -> {
                    List<EntityRef<ContinentalAggregator.Command>> continents = new ArrayList<>();
                    for (int k = 0; k < layout.continents(); k++) {
                        continents.add(sharding.entityRefFor(CONTINENT, Integer.toString(k)));
                    }
                    return continents;
                });
        }, why -> fatal(out, why));
    }

    /** How long a coordinator waits for the journal's lock before it gives up (its predecessor exits well within). */
    static final Duration JOURNAL_LOCK_WAIT = Duration.ofSeconds(90);

    /** The status page a client gateway serves: this member's view of the members, and the coordinator's. */
    private static ClientGateway.StatusAnswer status(org.apache.pekko.actor.typed.ActorSystem<Void> system,
                                                     ActorRef<GlobalCoordinator.Command> coordinator) {
        String members = StatusCommand.members(org.apache.pekko.cluster.typed.Cluster.get(system));
        try {
            GlobalCoordinator.Status s = org.apache.pekko.actor.typed.javadsl.AskPattern.<GlobalCoordinator.Command,
                    GlobalCoordinator.Status>ask(coordinator, GlobalCoordinator.GetStatus::new,
                    java.time.Duration.ofSeconds(3), system.scheduler())
                .toCompletableFuture().get(4, java.util.concurrent.TimeUnit.SECONDS);
            return new ClientGateway.StatusAnswer(true, members + StatusCommand.describe(s));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ClientGateway.StatusAnswer(false, members + "coordinator: interrupted while asking\n");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new ClientGateway.StatusAnswer(false, members + "coordinator: no answer within 3 s\n");
        }
    }

    /**
     * The coordinator cannot run: says why on stdout and stderr and ends the process with exit code 1. On its own
     * thread, since {@code System.exit} waits for Pekko's shutdown hook (which leaves the cluster first), and that
     * hook needs the actor threads one of which would be blocked here.
     */
    static void fatal(PrintStream out, String why) {
        say(out, "canopy node: fatal: " + why);
        System.err.println("canopy node: fatal: " + why);
        Thread exit = new Thread(() -> System.exit(io.canopy.ops.cli.CliCommand.FAILURE), "canopy-fatal-exit");
        exit.setDaemon(false);
        exit.start();
    }

    /** One line for the operator watching this member (entities start on actor threads: print whole lines). */
    static void say(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Prints each round the coordinator on this member publishes. */
    private static ActorRef<RoundResult> results(ActorContext<Void> context, PrintStream out) {
        return context.spawn(Behaviors.receive(RoundResult.class)
            .onMessage(RoundResult.class, r -> onRoundResult(out, r))
            .build(), "round-results");
    }

    private static Behavior<RoundResult> onRoundResult(PrintStream out, RoundResult r) {
        out.printf("round %d: %s, %d of %d continents, model v%d, leaves accepted %d of %d invited, epsilon %s%s%n",
            r.roundId(), r.outcome(), r.continentsAccepted(), r.continentsExpected(), r.modelVersion(),
            r.leaves().accepted(), r.leaves().invited(),
            Double.isInfinite(r.epsilon()) ? "inf" : io.canopy.ops.format.Figures.up(r.epsilon(), 4),
            r.journalProblem() == null ? "" : "; NOT DURABLE: " + r.journalProblem());
        out.flush();
        if (r.journalProblem() != null) {
            // The coordinator publishes nothing more after a journal problem: a member that stayed up would
            // look healthy while the fleet is stuck.
            fatal(out, r.journalProblem());
        }
        return Behaviors.same();
    }
}
