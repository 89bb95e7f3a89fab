package io.canopy.node;

import java.time.Duration;
import java.util.BitSet;

import io.canopy.cluster.ClusterAggregator;
import io.canopy.global.GlobalCoordinator;
import io.canopy.round.ClusterReport;
import io.canopy.round.RoundPlan;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Feeds a member's {@link ClientGateway}: the open round (from the rounds topic and by asking the coordinator, so a
 * round opened before this member subscribed is not missed), the cluster reports (from the topic, and asked of the
 * cluster entities with {@link ClusterAggregator.AwaitReport} while a client wants a round's reports: the topic drops
 * what a member publishes before it has learned of this subscriber), and which clusters collect the round (asked of
 * the cluster entities with {@link ClusterAggregator.AwaitOpen} once a client wants to know, and asked again each
 * second for those not open yet while clients keep asking).
 */
final class ClientGatewayActor {

    sealed interface Command {
    }

    private record Round(GlobalCoordinator.RoundOpened opened) implements Command {
    }

    private record Report(ClusterReport report) implements Command {
    }

    private record Open(ClusterAggregator.Opened opened) implements Command {
    }

    private record Answer(ClusterAggregator.ReportOf answer) implements Command {
    }

    /** A client asked for the reports of {@code round} (sent from an HTTP thread). */
    private record ReportsInterest(long round, long atNanos) implements Command {
    }

    /** A client asked which clusters collect {@code round} (sent from an HTTP thread). */
    private record Interest(long round, long atNanos) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** How long after a client's last question the gateway keeps asking clusters that have not opened. */
    private static final long INTEREST_NS = 5_000_000_000L;

    private final ActorContext<Command> context;
    private final ClientGateway gateway;
    private final ClusterSharding sharding;
    private final ActorRef<ClusterAggregator.Opened> openInbox;
    private final ActorRef<ClusterAggregator.ReportOf> reportInbox;
    private long askedRound = -1;
    private long lastInterestNs;
    /** The round whose reports were last asked of the clusters, and when (asked again at most each second). */
    private long reportsAskedRound = -1;
    private long reportsAskedNs;

    private ClientGatewayActor(ActorContext<Command> context, ClientGateway gateway, ClusterSharding sharding) {
        this.context = context;
        this.gateway = gateway;
        this.sharding = sharding;
        this.openInbox = context.messageAdapter(ClusterAggregator.Opened.class, Open::new);
        this.reportInbox = context.messageAdapter(ClusterAggregator.ReportOf.class, Answer::new);
    }

    static Behavior<Command> create(ClientGateway gateway, ClusterSharding sharding,
                                    ActorRef<GlobalCoordinator.Command> coordinator,
                                    ActorRef<Topic.Command<GlobalCoordinator.RoundOpened>> rounds,
                                    ActorRef<Topic.Command<ClusterReport>> reports) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            ClientGatewayActor actor = new ClientGatewayActor(context, gateway, sharding);
            ActorRef<GlobalCoordinator.RoundOpened> roundInbox = context.messageAdapter(GlobalCoordinator.RoundOpened.class, Round::new);
            rounds.tell(Topic.subscribe(roundInbox));
            reports.tell(Topic.subscribe(context.messageAdapter(ClusterReport.class, Report::new)));
            ActorRef<Command> self = context.getSelf();
            gateway.onInterest(round -> self.tell(new Interest(round, System.nanoTime())));
            gateway.onReportsInterest(round -> self.tell(new ReportsInterest(round, System.nanoTime())));
            // The topic only carries rounds opened after the subscription spread; the coordinator answers for now.
            context.getSystem().scheduler().scheduleAtFixedRate(Duration.ofMillis(250), Duration.ofMillis(250),
                () -> coordinator.tell(new GlobalCoordinator.CurrentRound(roundInbox)), context.getExecutionContext());
            timers.startTimerAtFixedRate(Tick.INSTANCE, Duration.ofSeconds(1));
            return actor.behavior();
        }));
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessage(Round.class, this::onRound)
            .onMessage(Report.class, this::onReport)
            .onMessage(Open.class, this::onOpen)
            .onMessage(Answer.class, this::onAnswer)
            .onMessage(Interest.class, this::onInterest)
            .onMessage(ReportsInterest.class, this::onReportsInterest)
            .onMessageEquals(Tick.INSTANCE, this::onTick)
            .build();
    }

    private Behavior<Command> onRound(Round r) {
        gateway.roundOpened(r.opened().plan());
        return Behaviors.same();
    }

    private Behavior<Command> onReport(Report r) {
        gateway.reported(r.report());
        return Behaviors.same();
    }

    private Behavior<Command> onOpen(Open o) {
        gateway.clusterOpen(o.opened().round(), o.opened().cluster());
        return Behaviors.same();
    }

    /** Each second while a client keeps asking: ask again the clusters not yet open (an entity restarted forgets). */
    private Behavior<Command> onTick() {
        RoundPlan plan = gateway.plan();
        if (plan != null && askedRound == plan.roundId() && System.nanoTime() - lastInterestNs < INTEREST_NS) {
            askUnopened(plan);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onInterest(Interest interest) {
        RoundPlan plan = gateway.plan();
        if (plan == null || interest.round() != plan.roundId()) {
            return Behaviors.same();
        }
        lastInterestNs = interest.atNanos();
        if (askedRound != plan.roundId()) {
            askedRound = plan.roundId();
            askUnopened(plan);
        }
        return Behaviors.same();
    }

    /** A cluster's answer: its report of the round, or none (it passed the round without one). */
    private Behavior<Command> onAnswer(Answer a) {
        if (a.answer().report() != null) {
            gateway.reported(a.answer().report());
        } else {
            gateway.unreported(a.answer().round(), a.answer().cluster());
        }
        return Behaviors.same();
    }

    /**
     * Asks every cluster whose report of the round is not settled yet; each answers once, with its report or with
     * none once it has passed the round. Asked again at most each second (an entity restarted or moved forgets).
     */
    private Behavior<Command> onReportsInterest(ReportsInterest interest) {
        RoundPlan plan = gateway.plan();
        if (plan == null || interest.round() > plan.roundId() || interest.round() <= plan.roundId() - ClientGateway.ROUNDS_KEPT
            || (interest.round() == reportsAskedRound && interest.atNanos() - reportsAskedNs < 1_000_000_000L)) {
            return Behaviors.same();
        }
        reportsAskedRound = interest.round();
        reportsAskedNs = interest.atNanos();
        BitSet settled = gateway.settled(interest.round());
        ClusterAggregator.AwaitReport ask = new ClusterAggregator.AwaitReport(interest.round(), reportInbox);
        for (int c = settled.nextClearBit(0); c < plan.layout().clusters(); c = settled.nextClearBit(c + 1)) {
            sharding.entityRefFor(NodeGuardian.CLUSTER, Integer.toString(c)).tell(ask);
        }
        return Behaviors.same();
    }

    /** Asks every cluster not yet known to collect the round; a cluster answers once it does. */
    private void askUnopened(RoundPlan plan) {
        BitSet open = gateway.open(plan.roundId());
        ClusterAggregator.AwaitOpen ask = new ClusterAggregator.AwaitOpen(plan.roundId(), openInbox);
        for (int c = open.nextClearBit(0); c < plan.layout().clusters(); c = open.nextClearBit(c + 1)) {
            sharding.entityRefFor(NodeGuardian.CLUSTER, Integer.toString(c)).tell(ask);
        }
        context.getLog().debug("client gateway: asked the clusters not yet open in round {}", plan.roundId());
    }
}
