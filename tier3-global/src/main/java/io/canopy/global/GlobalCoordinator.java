package io.canopy.global;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.BiFunction;

import io.canopy.continental.ContinentalAggregator;
import io.canopy.control.ControlMessage;
import io.canopy.frame.RejectReason;
import io.canopy.global.ledger.ModelCheckpoint;
import io.canopy.global.ledger.RoundJournal;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.global.optimizer.ServerOptimizer;
import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.release.TrimmedMeanRelease;
import io.canopy.report.AwaitedReports;
import io.canopy.report.ReportCollector;
import io.canopy.round.ContinentReport;
import io.canopy.round.LeafTally;
import io.canopy.round.ReportSink;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The global coordinator (tier 3): opens each round by sending its {@link RoundPlan} down the tree,
 * counts continental reports (a failed continent is withdrawn so the round need not wait for it),
 * and when its block of continental aggregates closes takes the trimmed mean, adds the tier-3 noise
 * that protects the published model, applies the server optimizer and accounts the privacy spent. It then
 * waits (at most {@link #REPORT_GRACE}, through a {@link ReportCollector}) for the reports of the continents it aggregated, whose leaf
 * tallies the round's record carries, makes the round durable through its {@link RoundJournal}
 * (checkpoint, privacy entry, round record) and only then publishes the new model version and opens
 * the next round. A round that cannot be made durable is announced with the problem and ends the run.
 */
public final class GlobalCoordinator extends AbstractBehavior<GlobalCoordinator.Command> {

    public sealed interface Command permits Start, Reported, Closed, ReportsCollected, CurrentRound, GetStatus, Recorded {
    }

    /** The round's journal writes finished (with {@code error} null) or failed, off the actor's thread. */
    private record Recorded(ClosingRound round, LeafTally leaves, PrivacySpent spent, double epsilon, long wallNanos,
                            long modelCrc32c, Throwable error) implements Command {
    }

    /** What the coordinator is doing, for operators ({@code ./canopy status}). */
    public record GetStatus(ActorRef<Status> replyTo) implements Command, ControlMessage {
    }

    /**
     * The coordinator's view of the fleet right now.
     *
     * @param roundId            the round open or closing (0 before the first)
     * @param phase              "idle", "collecting", "closing" (computed, waiting for continents' reports) or "done"
     * @param continentsReported continents whose report for this round arrived (failed ones included)
     * @param leaves             the leaves and clusters summed from those reports
     * @param epsilon            ε of the published model after the last recorded round (+∞ without noise)
     */
    public record Status(long roundId, String phase, long modelVersion, int roundsLeft, int continentsExpected,
                         int continentsReported, int continentsFailed, int clustersExpected, LeafTally leaves,
                         double epsilon, String journal) implements ControlMessage {
    }

    /**
     * Which round is open now? Answered with {@link RoundOpened} while a round collects updates, not at all
     * otherwise: a swarm (or a leaf gateway) asks until it learns, and so never misses a round it joined late.
     */
    public record CurrentRound(ActorRef<RoundOpened> replyTo) implements Command, ControlMessage {
    }

    /** Run {@code rounds} rounds from {@code first}; every result goes to {@code replyTo}. */
    public record Start(RoundPlan first, int rounds, ActorRef<RoundResult> replyTo) implements Command {
    }

    /** A continent's report: adapted into this protocol in one process, sent to the singleton in a fleet. */
    public record Reported(ContinentReport report) implements Command, ControlMessage {
    }

    /** The global block closed on the ingest thread (local only). */
    public record Closed(long round, IngestBlock block, QuorumOutcome outcome, long closedAfterNs) implements Command {
    }

    /** The {@link ReportCollector} of the closing round answered. */
    private record ReportsCollected(ReportCollector.Collected collected) implements Command {
    }

    /**
     * What the coordinator is given, checked once.
     *
     * @param frameRejections cumulative frame refusals by {@link RejectReason} ordinal of the tiers in this
     *                        process; a round records the difference over its span
     */
    public record Setup(GlobalTier tier, ServerOptimizer optimizer, float[] initialModel, double delta,
                        RoundJournal journal, Supplier<long[]> frameRejections) {
        public Setup {
            if (initialModel.length == 0) {
                throw new IllegalArgumentException("initialModel has no values");
            }
            if (!(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("delta=" + delta + " must be in (0, 1)");
            }
            initialModel = initialModel.clone();
        }

        /** Without a journal or frame counters: tests and throw-away runs. */
        public Setup(GlobalTier tier, ServerOptimizer optimizer, float[] initialModel, double delta) {
            this(tier, optimizer, initialModel, delta, RoundJournal.none(), () -> new long[RejectReason.values().length]);
        }
    }

    /** How long a closed global round waits for the reports of the continents it aggregated. */
    public static final Duration REPORT_GRACE = Duration.ofSeconds(2);

    private final Setup setup;
    /** Where round openings and results are published: the event stream, or a simulation's collector. */
    private final java.util.function.Consumer<Object> events;
    private final ActorRef<ReportCollector.Collected> collected;
    private final List<RecipientRef<ContinentalAggregator.Command>> continents;
    private final float[] model;
    private final RdpAccountant accountant = new RdpAccountant();
    private final AwaitedReports reports = new AwaitedReports();
    private RoundPlan plan;
    /** The journal's run id, stamped on every plan this coordinator opens (leaf signatures bind it). */
    private long runId;
    /** This coordinator's epoch, stamped on every plan it opens: a round it re-issues supersedes its predecessor's copy. */
    private int epoch;
    private int roundsLeft;
    private ActorRef<RoundResult> replyTo;
    private long openedAtNs;
    private long openedAtEpochMs;
    private long[] frameRejectionsAtOpen;
    private int continentsFailed;
    private long slowestContinentNs;
    private long modelVersion;
    private long modelCrc32c;
    private int unprotectedRounds;
    private ClosingRound closing;
    /** Waits for the reports of the continents the closing round aggregated; null when none is awaited. */
    private ActorRef<ReportCollector.Command> collector;
    /** A gated release's centre v1 of the open round, once pass 1 has been released; null before. */
    private float[] centre;
    /** The last round's journal writes are in flight: nothing opens until they are done. */
    private boolean recording;
    private String journalProblem;

    private GlobalCoordinator(ActorContext<Command> context, Setup setup,
                              List<? extends RecipientRef<ContinentalAggregator.Command>> continents,
                              java.util.function.Consumer<Object> events) {
        super(context);
        this.setup = setup;
        this.events = events;
        this.collected = context.messageAdapter(ReportCollector.Collected.class, ReportsCollected::new);
        this.continents = List.copyOf(continents);
        this.model = setup.initialModel();
    }

    /**
     * Takes over what the journal holds: the model in force, and every privacy entry (replayed, so ε continues
     * where it was); a fresh journal gets the initial model as version 0.
     *
     * @return the round to run first: after everything the journal has seen
     */
    private long resume(long first) throws IOException {
        RoundJournal.Resume resume = setup.journal().resume(first);
        if (resume.model() == null) {
            modelCrc32c = setup.journal().publishModel(0, model);
        } else {
            if (resume.model().length != model.length) {
                throw new IllegalStateException("the journal's model has " + resume.model().length + " values, this run "
                    + model.length);
            }
            System.arraycopy(resume.model(), 0, model, 0, model.length);
            modelCrc32c = ModelCheckpoint.crc32c(model);
        }
        modelVersion = resume.modelVersion();
        runId = resume.runId();
        epoch = resume.epoch();
        for (LedgerEntry entry : resume.privacy()) {
            if (entry.publishedZ() > 0) {
                accountant.compose(entry.q(), entry.publishedZ(), 1);
            } else {
                unprotectedRounds++;
            }
        }
        if (resume.nextRound() != first) {
            getContext().getLog().info("global: resuming from {} at round {}, model v{}, {} privacy entries replayed",
                setup.journal().location(), resume.nextRound(), modelVersion, resume.privacy().size());
        }
        return resume.nextRound();
    }

    /**
     * @param spawnContinents given this actor's context and the address continents report to, spawns them as its
     *                        children and returns them
     */
    public static Behavior<Command> create(Setup setup,
                                           BiFunction<ActorContext<?>, ReportSink<ContinentReport>,
                                               List<? extends RecipientRef<ContinentalAggregator.Command>>> spawnContinents) {
        return create(setup, spawnContinents, null);
    }

    /**
     * @param events where the coordinator publishes {@link RoundOpened} and every {@link RoundResult} (null: the actor
     *               system's event stream; a simulation whose stubbed system has none collects them itself)
     */
    public static Behavior<Command> create(Setup setup,
                                           BiFunction<ActorContext<?>, ReportSink<ContinentReport>,
                                               List<? extends RecipientRef<ContinentalAggregator.Command>>> spawnContinents,
                                           java.util.function.Consumer<Object> events) {
        return Behaviors.setup(context -> {
            setup.tier().register(context.getSelf());
            ActorRef<ContinentReport> inbox = context.messageAdapter(ContinentReport.class, Reported::new);
            java.util.function.Consumer<Object> to = io.canopy.ingest.TierEvents.orEventStream(events, context);
            return new GlobalCoordinator(context, setup, spawnContinents.apply(context, inbox::tell), to);
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Start.class, this::onStart)
            .onMessage(Reported.class, this::onReported)
            .onMessage(Closed.class, this::onClosed)
            .onMessage(ReportsCollected.class, this::onReportsCollected)
            .onMessage(Recorded.class, this::onRecorded)
            .onMessage(GetStatus.class, this::onGetStatus)
            .onMessage(CurrentRound.class, this::onCurrentRound)
            .onSignal(PostStop.class, this::onPostStop)
            .build();
    }

    private Behavior<Command> onGetStatus(GetStatus ask) {
        PrivacySpent spent = unprotectedRounds > 0 || accountant.steps() == 0 ? null : accountant.spent(setup.delta());
        String phase = plan == null ? "idle" : closing != null || recording ? "closing" : roundsLeft > 0 ? "collecting" : "done";
        ask.replyTo().tell(new Status(plan == null ? 0 : plan.roundId(), phase, modelVersion, roundsLeft,
            plan == null ? 0 : plan.layout().continents(), plan == null ? 0 : countReported(),
            continentsFailed, plan == null ? 0 : plan.layout().clusters(), reports.tally(),
            spent == null ? (unprotectedRounds > 0 ? Double.POSITIVE_INFINITY : 0) : spent.epsilonBalle(),
            setup.journal().location()));
        return this;
    }

    private Behavior<Command> onCurrentRound(CurrentRound ask) {
        if (plan != null && closing == null && !recording && roundsLeft > 0) {
            ask.replyTo().tell(new RoundOpened(plan));
        }
        return this;
    }

    private Behavior<Command> onPostStop(PostStop stop) {
        // The journal holds file locks: a coordinator taking over (a failover) must be able to open it.
        try {
            setup.journal().close();
        } catch (IOException e) {
            getContext().getLog().warn("global: closing the journal failed: {}", e.toString());
        }
        return this;
    }

    private Behavior<Command> onStart(Start start) {
        if (plan != null && roundsLeft > 0) {
            getContext().getLog().warn("global: already running round {}; a second start is ignored", plan.roundId());
            return this;
        }
        if (journalProblem != null) {
            return refuse(start);
        }
        long first;
        try {
            first = plan == null ? resume(start.first().roundId()) : Math.max(start.first().roundId(), plan.roundId() + 1);
        } catch (IOException | RuntimeException e) {
            journalProblem = "the journal in " + setup.journal().location() + " could not be taken over: "
                + (e instanceof IOException ? e.getMessage() : e);
            return refuse(start);
        }
        replyTo = start.replyTo();
        // A coordinator taking over a journal runs what is left of the run's rounds, not a fresh set of them.
        roundsLeft = (int) Math.max(0, start.rounds() - (first - start.first().roundId()));
        if (roundsLeft == 0) {
            getContext().getLog().info("global: the journal already holds all {} rounds of this run", start.rounds());
            return this;
        }
        open(start.first().at(first, modelVersion).withRunId(runId).withEpoch(epoch));
        return this;
    }

    /** Answers a start that cannot run with a result that carries the journal's problem and publishes nothing. */
    private Behavior<Command> refuse(Start start) {
        getContext().getLog().error("global: not starting: {}", journalProblem);
        RoundPlan first = start.first();
        start.replyTo().tell(new RoundResult(first.roundId(), modelVersion, QuorumOutcome.FAILED_NO_QUORUM,
            CloseReason.HARD_DEADLINE, first.layout().continents(), 0, 0, 0, null, null, model.clone(),
            Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, setup.delta(), first.secureNoise() ? "secure" : "fast", 0, 0,
            0, LeafTally.none(), setup.journal().location(), journalProblem, -1, Double.NaN));
        return this;
    }

    private void open(RoundPlan next) {
        plan = next;
        centre = null;
        continentsFailed = 0;
        slowestContinentNs = 0;
        reports.begin(plan.roundId());
        openedAtNs = setup.tier().nowNs();
        openedAtEpochMs = System.currentTimeMillis();
        frameRejectionsAtOpen = setup.frameRejections().get();
        setup.tier().openRound(plan, openedAtNs);
        events.accept(new RoundOpened(plan));
        ContinentalAggregator.Open down = new ContinentalAggregator.Open(plan);
        for (RecipientRef<ContinentalAggregator.Command> continent : continents) {
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
        if (!reports.report(report.continentId(), report.leaves())) {
            getContext().getLog().warn("global: continent {} reported round {} twice; the second is ignored",
                report.continentId(), report.roundId());
            return this;
        }
        slowestContinentNs = Math.max(slowestContinentNs, report.closedAfterNs());
        if (!report.outcome().releases()) {
            continentsFailed++;
            if (!plan.release().planned()) { // a planned release closes on time only
                setup.tier().withdraw(plan.dataRound(1), setup.tier().nowNs());
            }
        }
        if (collector != null) {
            collector.tell(new ReportCollector.Counted(report.continentId(), report.leaves()));
        }
        return this;
    }

    private Behavior<Command> onClosed(Closed closed) {
        IngestBlock block = closed.block();
        int pass = plan == null ? 0 : !plan.release().gated() ? (closed.round() == plan.dataRound(1) ? 1 : 0)
            : closed.round() == plan.dataRound(1) && centre == null ? 1 : closed.round() == plan.dataRound(2) ? 2 : 0;
        if (pass == 0 || closing != null) {
            getContext().getLog().warn("global: a block for round {} closed, but the open round is {}; dropped",
                closed.round(), plan == null ? "none" : plan.roundId());
            setup.tier().release(block);
            return this;
        }
        if (plan.release().gated() && pass == 1) {
            return onCentreReleased(block);
        }
        TierSpec spec = plan.global();
        int accepted = block == null ? 0 : block.acceptedCount();
        QuorumOutcome outcome = accepted == 0 ? QuorumOutcome.FAILED_NO_QUORUM : closed.outcome();
        CloseReason reason = block == null ? CloseReason.HARD_DEADLINE : block.tracker().closeReason();
        long[] senders = AwaitedReports.acceptedSenders(block);
        float[] update = null;
        float[] robust = null;
        int trimmed = 0;
        long aggregateNanos = 0;
        long noiseNanos = 0;
        long gatedCount = -1;
        double gatedNoisyCount = Double.NaN;
        String sampler = plan.secureNoise() ? RoundRecord.SAMPLER_SECURE : RoundRecord.SAMPLER_FAST;
        try {
            if (plan.release().rule() == io.canopy.round.ReleaseSpec.Rule.FIXED) {
                long t0 = System.nanoTime();
                float[][] released = GatedRelease.fixed(plan, block);
                noiseNanos = System.nanoTime() - t0;
                robust = released[0];
                update = released[1];
                outcome = accepted == plan.layout().continents() ? QuorumOutcome.COMPLETE : QuorumOutcome.QUORUM_AT_DEADLINE;
                setup.optimizer().apply(model, update);
                modelVersion++;
                if (spec.noiseMultiplier() > 0) {
                    sampler = plan.secureNoise() ? "secure" : RoundRecord.SAMPLER_FAST;
                }
            } else if (plan.release().gated()) {
                long t0 = System.nanoTime();
                GatedRelease.Published published = GatedRelease.second(plan, block, centre);
                noiseNanos = System.nanoTime() - t0;
                robust = published.beforeNoise();
                update = published.update();
                outcome = !published.publish() ? QuorumOutcome.FAILED_NO_QUORUM
                    : accepted == plan.layout().continents() ? QuorumOutcome.COMPLETE : QuorumOutcome.QUORUM_AT_DEADLINE;
                gatedCount = published.count();
                gatedNoisyCount = published.noisyCount();
                if (update != null) {
                    setup.optimizer().apply(model, update);
                    modelVersion++;
                }
                if (spec.noiseMultiplier() > 0) {
                    sampler = plan.secureNoise() ? "secure" : RoundRecord.SAMPLER_FAST;
                }
            } else if (outcome.releases()) {
                TrimmedMeanRelease release = TrimmedMeanRelease.of(block.accepted(), plan, spec, 3, 0, true);
                trimmed = release.trimmed();
                update = release.aggregate();
                robust = release.beforeNoise();
                if (release.sampler() != null) {
                    sampler = release.sampler();
                }
                aggregateNanos = release.aggregateNanos();
                noiseNanos = release.noiseNanos();
                setup.optimizer().apply(model, update);
                modelVersion++;
            }
        } finally {
            setup.tier().release(block);
        }
        if (gatedCount >= 0) {
            getContext().getLog().info("global round {}: gated release, W = {} leaves inside the gate, noisy W = {}, {}",
                plan.roundId(), gatedCount, gatedNoisyCount, update == null ? "not published (below W_min)" : "published");
        }
        // Accounted whether or not this round released: every invited leaf was sampled. Without tier-3
        // noise the published model has no guarantee at all, and ε is reported as infinite from then on.
        double[] rdp;
        if (spec.noiseMultiplier() > 0) {
            rdp = accountant.stepRdp(plan.samplingRate(), spec.noiseMultiplier());
            accountant.compose(plan.samplingRate(), spec.noiseMultiplier(), 1);
        } else {
            rdp = new double[accountant.orders().length];
            Arrays.fill(rdp, Double.POSITIVE_INFINITY);
            unprotectedRounds++;
        }
        closing = new ClosingRound(plan, openedAtEpochMs, openedAtNs, outcome, reason, accepted, trimmed, robust, update,
            modelVersion, sampler, aggregateNanos, noiseNanos, rdp, gatedCount, gatedNoisyCount);
        collector = ReportCollector.awaiting(getContext(), plan.roundId(), senders, reports, REPORT_GRACE, "continent",
            collected);
        if (collector == null) {
            finish(reports.tally(), null);
        }
        return this;
    }

    /**
     * Pass 1 of a gated release closed: release the centre v1, open pass 2 here, and once this ingest collects
     * it, send v1 down to the continents.
     */
    private Behavior<Command> onCentreReleased(IngestBlock block) {
        try {
            centre = GatedRelease.centre(plan, block);
        } finally {
            setup.tier().release(block);
        }
        setup.tier().openRound(plan, 2, setup.tier().nowNs());
        ContinentalAggregator.Centre down = new ContinentalAggregator.Centre(plan, centre);
        List<RecipientRef<ContinentalAggregator.Command>> to = continents;
        setup.tier().afterQueued(() -> {
            for (RecipientRef<ContinentalAggregator.Command> continent : to) {
                continent.tell(down);
            }
        });
        return this;
    }

    private int countReported() {
        return reports.reportedCount();
    }

    private Behavior<Command> onReportsCollected(ReportsCollected answer) {
        ReportCollector.Collected c = answer.collected();
        if (closing != null && closing.plan().roundId() == c.round()) {
            if (collector != null) {
                getContext().stop(collector);
                collector = null;
            }
            finish(c.leaves(), c.why());
        }
        return this;
    }

    /**
     * Makes the closing round durable with {@code leaves}, then announces it and opens the next; {@code why} says why
     * it did not wait.
     * The writes (checkpoint, privacy entry, record, each fsynced) run on the blocking dispatcher and come back as
     * {@link Recorded}: the singleton keeps answering heartbeats, status and reports while the disk works, and
     * opens nothing until the round is durable.
     */
    private void finish(LeafTally leaves, String why) {
        ClosingRound round = closing;
        closing = null;
        if (why != null) {
            getContext().getLog().warn("global round {}: recording {} of {} clusters' reports, {}", round.plan().roundId(),
                leaves.clustersReported(), round.plan().layout().clusters(), why);
        }
        PrivacySpent spent = unprotectedRounds > 0 ? null : accountant.spent(setup.delta());
        double epsilon = spent == null ? Double.POSITIVE_INFINITY : spent.epsilonBalle();
        long wallNanos = setup.tier().nowNs() - round.openedAtNs();
        // Everything the record needs is read here, on the actor's thread; the task touches only its own copies.
        float[] checkpoint = round.update() == null ? null : model.clone();
        int failed = continentsFailed;
        long[] rejections = framesRejectedSinceOpen();
        long slowest = slowestContinentNs;
        long previousCrc = modelCrc32c;
        long closedAtMs = System.currentTimeMillis();
        double delta = setup.delta();
        RoundJournal journal = setup.journal();
        recording = true;
        CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> {
            try {
                long crc = checkpoint == null ? previousCrc : journal.publishModel(round.modelVersion(), checkpoint);
                journal.record(round.record(crc, failed, leaves, rejections, slowest, epsilon, delta, closedAtMs,
                    wallNanos), round.privacyEntry());
                return crc;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, getContext().getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
        getContext().pipeToSelf(write, (crc, error) -> new Recorded(round, leaves, spent, epsilon, wallNanos,
            crc == null ? previousCrc : crc, error == null ? null : rootCause(error)));
    }

    private static Throwable rootCause(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof UncheckedIOException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private Behavior<Command> onRecorded(Recorded done) {
        recording = false;
        ClosingRound round = done.round();
        String problem = null;
        if (done.error() == null) {
            modelCrc32c = done.modelCrc32c();
        } else {
            problem = "round " + round.plan().roundId() + " could not be made durable in " + setup.journal().location()
                + ": " + done.error();
            getContext().getLog().error("global: {}; no further rounds", problem);
        }
        PrivacySpent spent = done.spent();
        RoundResult result = new RoundResult(round.plan().roundId(), round.modelVersion(), round.outcome(),
            round.reason(), round.plan().layout().continents(), round.accepted(), continentsFailed, round.trimmed(),
            round.robust(), round.update(), model.clone(), done.epsilon(),
            spent == null ? Double.POSITIVE_INFINITY : spent.epsilonClassic(), setup.delta(), round.sampler(),
            round.aggregateNanos(), round.noiseNanos(), done.wallNanos(), done.leaves(), setup.journal().location(), problem,
            round.gatedCount(), round.gatedNoisyCount());
        replyTo.tell(result);
        events.accept(result);
        roundsLeft--;
        if (problem != null) {
            journalProblem = problem;
            roundsLeft = 0;
        }
        if (roundsLeft > 0) {
            open(plan.next(modelVersion));
        }
        return this;
    }

    private long[] framesRejectedSinceOpen() {
        long[] now = setup.frameRejections().get();
        for (int i = 0; i < now.length; i++) {
            now[i] = Math.max(0, now[i] - frameRejectionsAtOpen[i]);
        }
        return now;
    }

    /** Published when a round opens (event stream; in a fleet also a topic), so a swarm knows what to send. */
    public record RoundOpened(RoundPlan plan) implements ControlMessage {
    }
}
