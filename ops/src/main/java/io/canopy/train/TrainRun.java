package io.canopy.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.canopy.demo.EmbeddedFleet;
import io.canopy.demo.RoundFeed;
import io.canopy.demo.RoundStats;
import io.canopy.demo.SwarmDriver;
import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.frame.SignatureScheme;
import io.canopy.global.GatedRelease;
import io.canopy.global.RoundResult;
import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.global.ledger.RoundJournal;
import io.canopy.global.plan.RoundDesign;
import io.canopy.leaf.data.BackdoorTrigger;
import io.canopy.leaf.data.ClassIndex;
import io.canopy.leaf.data.FashionMnist;
import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.ShardSampler;
import io.canopy.leaf.train.Evaluation;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.round.RoundPlan;

/**
 * Closed-loop federated training through the real tiers in one JVM: the coordinator publishes a model
 * version, the leaves the next round invites train on exactly that version and send their clipped updates
 * as frames that name it, the clusters, continents and coordinator aggregate and release, the server step
 * makes the next version. After every round the published model is scored on the 10,000 test images.
 */
public final class TrainRun {

    /**
     * One round as the table prints it.
     *
     * @param published     whether the coordinator released an update (a model version) this round
     * @param accuracy      test accuracy of the model in force after the round
     * @param attackSuccess for a backdoor: share of triggered non-target test images classified as the target; NaN otherwise
     * @param updateSeconds the swarm threads' time training (and attacking), summed over threads
     * @param gatedNoisyCount the gated release's W̃ (released; the round publishes iff W̃ ≥ W_min), NaN otherwise
     */
    public record Row(long round, long modelVersion, boolean published, String outcome, double accuracy, double loss,
                      double attackSuccess, double epsilon, double wallSeconds, double updateSeconds, long accepted,
                      double relativeError, double detectorPrecision, double detectorRecall, double gatedNoisyCount) {
    }

    /** The whole run: its settings, what the plan chose, and the rows. */
    public record Outcome(TrainSettings settings, String releaseRule, double sigmaPerCoordinate, double initialAccuracy,
                          List<Row> rows, double seconds) {
        /** The last row's test accuracy. */
        public double finalAccuracy() {
            return rows.get(rows.size() - 1).accuracy();
        }

        /** The first round whose model reached {@code accuracy}, or −1. */
        public long firstRoundReaching(double accuracy) {
            for (Row row : rows) {
                if (row.accuracy() >= accuracy) {
                    return row.round();
                }
            }
            return -1;
        }
    }

    /** Receives each row as soon as it is measured (the command prints it). */
    public interface Progress {
        void round(Row row);
    }

    /** Receives what the plan chose, once, before round 1. */
    public interface Start {
        void started(String releaseRule, double sigmaPerCoordinate, double initialAccuracy);
    }

    private TrainRun() {
    }

    /** After every cluster has reported, the tiers above close as soon as all their inputs are in: seconds, not minutes. */
    static final long RESULT_WAIT_SECONDS = 120;

    /** The round's result; a round that hangs ends the run with what the tiers above have and have not seen. */
    private static RoundResult awaitResult(RoundFeed feed, int index, RoundPlan plan, RoundStats stats, EmbeddedFleet fleet)
        throws Exception {
        try {
            return feed.result(index, RESULT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT, "round %d: no result %d s after all %d"
                    + " clusters reported; continents reported %d/%d; continental frames accepted %d, refused %d;"
                    + " global frames accepted %d, refused %d", plan.roundId(), RESULT_WAIT_SECONDS,
                plan.layout().clusters(), stats.continentsReported(), plan.layout().continents(),
                fleet.continentalTier().runtime().subscriber().accepted(),
                fleet.continentalTier().runtime().subscriber().rejectedTotal(),
                fleet.globalTier().runtime().subscriber().accepted(),
                fleet.globalTier().runtime().subscriber().rejectedTotal()), e);
        }
    }

    /** σ per coordinate of the noise on the published update (the gated release's second pass; 0 without DP). */
    static double publishedSigma(RoundPlan plan) {
        return switch (plan.release().rule()) {
            case GATED -> GatedRelease.secondSigma(plan);
            case FIXED -> GatedRelease.firstSigma(plan);
            case MULTIKRUM -> plan.global().noiseMultiplier() * plan.global().sensitivity();
        };
    }

    public static Outcome run(TrainSettings s, PrintStream log, Progress progress, Start start) throws Exception {
        long t0 = System.nanoTime();
        FashionMnist data = FashionMnist.shared();
        RoundDesign design = s.design();
        PrivacyPlan privacy = design.privacyPlan();
        RoundPlan first = EmbeddedFleet.firstRound(design, privacy, s.release(), s.gateFactor());
        int d = s.model().dimension();
        LabelledImages train = data.train();
        ShardSampler sampler = new ShardSampler(new ClassIndex(train.labels(), LabelledImages.CLASSES), s.seed(),
            s.leaves(), s.shard(), s.alpha());
        if (sampler.withReplacement()) {
            log.printf("train: %,d leaves x %d examples exceed the 60,000 training images: shards are drawn with"
                + " replacement%n", s.leaves(), s.shard());
        }
        float[] initial = s.model().initialParameters(s.seed());
        ModelVersions models = new ModelVersions();
        models.publish(first.modelVersion(), initial.clone());
        Evaluation evaluation = new Evaluation(s.model(), data.test());
        double initialAccuracy = evaluation.evaluate(initial).accuracy();
        String rule = first.release().rule().name().toLowerCase(java.util.Locale.ROOT);
        start.started(rule, publishedSigma(first), initialAccuracy);
        TrainingSwarm swarm = new TrainingSwarm(s.seed(), first.layout(), s.byzantine(), s.placement(), s.dropout(), train,
            sampler, s.model(), s.training(), s.attack(), models, s.statisticsSample());
        int pool = s.window() + s.threads() + 1;
        List<Row> rows = new ArrayList<>();
        // Derived keys, like the demo's: from (seed, leaf id), a load-test convenience that exercises the verification.
        DerivedKeys keys = s.signatures() == SignatureScheme.NONE ? null : new DerivedKeys(s.seed(), s.signatures(),
            first.layout());
        LeafAuthentication authentication = keys == null ? LeafAuthentication.off() : LeafAuthentication.required(keys);
        log.println("train: leaf signatures " + authentication.describe());
        try (RoundJournal journal = s.ledger() == null ? RoundJournal.none() : DirectoryJournal.open(s.ledger());
             EmbeddedFleet fleet = new EmbeddedFleet(first.layout(), d, pool, s.threads(), s.optimizer(), initial,
                 s.delta(), journal, authentication);
             SwarmDriver driver = new SwarmDriver(fleet, swarm, d, s.threads(), s.window(), keys)) {
            fleet.awaitReady(TimeUnit.MINUTES.toMillis(5));
            RoundFeed feed = RoundFeed.start(fleet, first, s.rounds());
            for (int r = 0; r < s.rounds(); r++) {
                RoundPlan plan = feed.opened(r, 5, TimeUnit.MINUTES);
                long roundStart = System.nanoTime();
                RoundStats stats = driver.run(plan, TimeUnit.MINUTES.toMillis(60));
                RoundResult result = awaitResult(feed, r, plan, stats, fleet);
                if (result.journalProblem() != null) {
                    throw new IllegalStateException(result.journalProblem());
                }
                long wall = System.nanoTime() - roundStart;
                boolean published = result.update() != null;
                if (published) {
                    models.publish(result.modelVersion(), result.model());
                }
                Evaluation.Result score = evaluation.evaluate(result.model());
                double asr = s.attack() == TrainAttack.BACKDOOR
                    ? evaluation.attackSuccessRate(result.model(), BackdoorTrigger.TARGET_DEFAULT) : Double.NaN;
                Row row = new Row(plan.roundId(), result.modelVersion(), published, result.outcome().name(),
                    score.accuracy(), score.loss(), asr, result.epsilon(), wall / 1e9, stats.updateNanos() / 1e9,
                    stats.accepted(), stats.relativeError(result.update()), stats.precision(), stats.recall(),
                    result.gatedNoisyCount());
                rows.add(row);
                progress.round(row);
            }
        }
        return new Outcome(s, rule, publishedSigma(first), initialAccuracy, rows, (System.nanoTime() - t0) / 1e9);
    }
}
