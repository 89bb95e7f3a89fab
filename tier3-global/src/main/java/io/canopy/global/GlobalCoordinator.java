package io.canopy.global;

import java.util.List;
import java.util.function.BiFunction;

import io.canopy.aggregation.AggregationResult;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.continental.ContinentalAggregator;
import io.canopy.global.optimizer.ServerOptimizer;
import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.noise.GaussianMechanism;
import io.canopy.privacy.noise.TierNoise;
import io.canopy.round.ContinentReport;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The global coordinator (tier 3): opens each round by sending its {@link RoundPlan} down the tree,
 * counts continental reports (a failed continent is withdrawn so the round need not wait for it),
 * and when its block of continental aggregates closes takes the trimmed mean, adds the tier-3 noise
 * that protects the published model, applies the server optimizer, accounts the privacy spent and
 * publishes the new model version — then opens the next round until it has run the rounds asked for.
 */
public final class GlobalCoordinator extends AbstractBehavior<GlobalCoordinator.Command> {

    public sealed interface Command permits Start, Reported, Closed {
    }

    /** Run {@code rounds} rounds from {@code first}; every result goes to {@code replyTo}. */
    public record Start(RoundPlan first, int rounds, ActorRef<RoundResult> replyTo) implements Command {
    }

    /** A continent's report, adapted into this protocol. */
    public record Reported(ContinentReport report) implements Command {
    }

    /** The global block closed on the ingest thread (local only). */
    public record Closed(long round, IngestBlock block, QuorumOutcome outcome, long closedAfterNs) implements Command {
    }

    private final GlobalTier tier;
    private final List<ActorRef<ContinentalAggregator.Command>> continents;
    private final ServerOptimizer optimizer;
    private final float[] model;
    private final double delta;
    private final RdpAccountant accountant = new RdpAccountant();
    private RoundPlan plan;
    private int roundsLeft;
    private ActorRef<RoundResult> replyTo;
    private long openedAtNs;
    private int continentsFailed;
    private long modelVersion;
    private int unprotectedRounds;

    private GlobalCoordinator(ActorContext<Command> context, GlobalTier tier,
                              List<ActorRef<ContinentalAggregator.Command>> continents, ServerOptimizer optimizer,
                              float[] initialModel, double delta) {
        super(context);
        this.tier = tier;
        this.continents = List.copyOf(continents);
        this.optimizer = optimizer;
        this.model = initialModel.clone();
        this.delta = delta;
    }

    /**
     * @param spawnContinents given this actor's context and the address continents report to, spawns them as its
     *                        children and returns them
     */
    public static Behavior<Command> create(GlobalTier tier,
                                           BiFunction<ActorContext<?>, ActorRef<ContinentReport>, List<ActorRef<ContinentalAggregator.Command>>> spawnContinents,
                                           ServerOptimizer optimizer, float[] initialModel, double delta) {
        return Behaviors.setup(context -> {
            tier.register(context.getSelf());
            ActorRef<ContinentReport> inbox = context.messageAdapter(ContinentReport.class, Reported::new);
            return new GlobalCoordinator(context, tier, spawnContinents.apply(context, inbox), optimizer, initialModel, delta);
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Start.class, this::onStart)
            .onMessage(Reported.class, this::onReported)
            .onMessage(Closed.class, this::onClosed)
            .build();
    }

    private Behavior<Command> onStart(Start start) {
        if (plan != null && roundsLeft > 0) {
            getContext().getLog().warn("global: already running round {}; a second start is ignored", plan.roundId());
            return this;
        }
        replyTo = start.replyTo();
        roundsLeft = start.rounds();
        open(start.first());
        return this;
    }

    private void open(RoundPlan next) {
        plan = next;
        continentsFailed = 0;
        openedAtNs = System.nanoTime();
        tier.openRound(plan, openedAtNs);
        getContext().getSystem().eventStream().tell(new EventStream.Publish<>(new RoundOpened(plan)));
        ContinentalAggregator.Open down = new ContinentalAggregator.Open(plan);
        for (ActorRef<ContinentalAggregator.Command> continent : continents) {
            continent.tell(down);
        }
    }

    private Behavior<Command> onReported(Reported reported) {
        ContinentReport report = reported.report();
        if (plan == null || report.roundId() != plan.roundId() || report.continentId() < 0
            || report.continentId() >= plan.layout().continents()) {
            getContext().getLog().warn("global: ignoring a report from continent {} for round {}", report.continentId(),
                report.roundId());
            return this;
        }
        if (!report.outcome().releases()) {
            continentsFailed++;
            tier.withdraw(plan.roundId(), System.nanoTime());
        }
        return this;
    }

    private Behavior<Command> onClosed(Closed closed) {
        IngestBlock block = closed.block();
        if (plan == null || closed.round() != plan.roundId()) {
            getContext().getLog().warn("global: a block for round {} closed, but the open round is {}; dropped",
                closed.round(), plan == null ? "none" : plan.roundId());
            tier.release(block);
            return this;
        }
        TierSpec spec = plan.global();
        int accepted = block == null ? 0 : block.acceptedCount();
        QuorumOutcome outcome = accepted == 0 ? QuorumOutcome.FAILED_NO_QUORUM : closed.outcome();
        CloseReason reason = block == null ? CloseReason.HARD_DEADLINE : block.tracker().closeReason();
        float[] update = null;
        float[] robust = null;
        int trimmed = 0;
        long aggregateNanos = 0;
        long noiseNanos = 0;
        String sampler = plan.secureNoise() ? "secure" : "fast";
        try {
            if (outcome.releases()) {
                long t0 = System.nanoTime();
                AggregationResult result = TrimmedMean.ofBeta(spec.ruleParameter()).aggregate(block.accepted());
                trimmed = ((AggregationResult.TrimmedMeanResult) result).trimmed();
                update = result.aggregate();
                robust = update.clone();
                long t1 = System.nanoTime();
                if (spec.noiseMultiplier() > 0) {
                    GaussianMechanism mechanism = TierNoise.forRelease(plan.secureNoise(), spec.noiseMultiplier(),
                        spec.sensitivity(), plan.dimension(), plan.noiseSeed(), plan.roundId(), 3, 0);
                    mechanism.apply(update);
                    sampler = mechanism.samplerName();
                }
                long t2 = System.nanoTime();
                aggregateNanos = t1 - t0;
                noiseNanos = t2 - t1;
                optimizer.apply(model, update);
                modelVersion++;
            }
        } finally {
            tier.release(block);
        }
        // Accounted whether or not this round released: every invited leaf was sampled. Without tier-3
        // noise the published model has no guarantee at all, and ε is reported as infinite from then on.
        if (spec.noiseMultiplier() > 0) {
            accountant.compose(plan.samplingRate(), spec.noiseMultiplier(), 1);
        } else {
            unprotectedRounds++;
        }
        PrivacySpent spent = unprotectedRounds > 0 ? null : accountant.spent(delta);
        RoundResult result = new RoundResult(plan.roundId(), modelVersion, outcome, reason, plan.layout().continents(),
            accepted, continentsFailed, trimmed, robust, update, model.clone(),
            spent == null ? Double.POSITIVE_INFINITY : spent.epsilonBalle(),
            spent == null ? Double.POSITIVE_INFINITY : spent.epsilonClassic(),
            delta, sampler, aggregateNanos, noiseNanos, System.nanoTime() - openedAtNs);
        replyTo.tell(result);
        getContext().getSystem().eventStream().tell(new EventStream.Publish<>(result));
        roundsLeft--;
        if (roundsLeft > 0) {
            open(plan.next(modelVersion));
        }
        return this;
    }

    /** Published on the event stream when a round opens, so a local swarm knows what to send. */
    public record RoundOpened(RoundPlan plan) {
    }
}
