package io.canopy.train;

import java.util.List;
import java.util.Locale;

import io.canopy.ops.json.JsonWriter;

/**
 * A training run as text (one row per round as it happens, then a summary), JSON and CSV. Accuracies are
 * rounded down and ε up: no printed figure is better than the measured one.
 */
public final class TrainReport {

    private TrainReport() {
    }

    /** What the run is, before its first row. */
    public static String header(TrainSettings s, String releaseRule, double sigma, double initialAccuracy) {
        return String.format(Locale.ROOT, "train: %s (d=%,d) on Fashion-MNIST, %,d leaves (shard %d, Dirichlet alpha %s),"
                + " q=%s, %d rounds, local SGD E=%d B=%d lr=%s, server %s%n"
                + "train: release %s, %s; attackers %s%n"
                + "train: test accuracy before round 1: %s%n"
                + "%6s %8s %8s %8s %8s %10s %8s %8s %9s  %s%n",
            s.model().cliName(), s.model().dimension(), s.leaves(), s.shard(), s.alpha(), s.samplingRate(), s.rounds(),
            s.localEpochs(), s.batch(), s.localLearningRate(), s.serverStep(), releaseRule,
            s.dp() ? String.format(Locale.ROOT, "DP target epsilon=%s delta=%s, sigma=%.4g per coordinate of the update",
                s.epsilon(), s.delta(), sigma) : "no DP noise (--epsilon off)",
            s.attack() == TrainAttack.NONE || s.byzantine() == 0 ? "none"
                : String.format(Locale.ROOT, "%s %s%% %s", s.attack().cliName(), percent(s.byzantine()),
                    s.placement().name().toLowerCase(Locale.ROOT)),
            accuracy(initialAccuracy),
            "round", "acc", "loss", "ASR", "eps", "wall s", "train s", "updates", "leaves/s", "model");
    }

    /** One round's line of the table. */
    public static String row(TrainRun.Row r) {
        return String.format(Locale.ROOT, "%6d %8s %8.4f %8s %8s %10.2f %8.2f %8d %9.0f  %s%n", r.round(),
            accuracy(r.accuracy()), r.loss(), Double.isNaN(r.attackSuccess()) ? "-" : accuracy(r.attackSuccess()),
            epsilon(r.epsilon()), r.wallSeconds(), r.updateSeconds(), r.accepted(), r.accepted() / r.wallSeconds(),
            r.published() ? "v" + r.modelVersion() : "v" + r.modelVersion() + " kept (" + r.outcome() + ", not published)");
    }

    /** The closing lines. */
    public static String summary(TrainRun.Outcome o) {
        List<TrainRun.Row> rows = o.rows();
        TrainRun.Row last = rows.get(rows.size() - 1);
        double best = 0;
        double wall = 0;
        double train = 0;
        long accepted = 0;
        for (TrainRun.Row r : rows) {
            best = Math.max(best, r.accuracy());
            wall += r.wallSeconds();
            train += r.updateSeconds();
            accepted += r.accepted();
        }
        long first80 = o.firstRoundReaching(0.80);
        int threads = o.settings().threads();
        return String.format(Locale.ROOT, "train: final test accuracy %s (best %s), loss %.4f, epsilon %s;"
                + " 80%% first reached in round %s%n"
                + "train: %,d updates trained and aggregated in %.1f s of rounds (%.0f per second); local training"
                + " took %.0f%% of the %d threads' time, the tiers and the wait for them the rest; whole run %.1f s%n",
            accuracy(last.accuracy()), accuracy(best), last.loss(), epsilon(last.epsilon()),
            first80 < 0 ? "never" : Long.toString(first80), accepted, wall, accepted / wall,
            100 * train / (threads * wall), threads, o.seconds());
    }

    /** Every figure of the run as JSON. */
    public static String json(TrainRun.Outcome o) {
        TrainSettings s = o.settings();
        JsonWriter w = new JsonWriter().beginObject()
            .field("model", s.model().cliName()).field("dimension", (long) s.model().dimension())
            .field("leaves", s.leaves()).field("clusterSize", (long) s.clusterSize())
            .field("clustersPerContinent", (long) s.clustersPerContinent()).field("samplingRate", s.samplingRate())
            .field("rounds", (long) s.rounds()).field("shard", (long) s.shard()).field("alpha", s.alpha())
            .field("localEpochs", (long) s.localEpochs()).field("localLr", s.localLearningRate())
            .field("batch", (long) s.batch()).field("serverOptimizer", s.serverOptimizer())
            .field("serverLr", s.serverLearningRate()).field("serverMomentum", s.serverMomentum())
            .field("byzantine", s.byzantine()).field("attack", s.attack().cliName())
            .field("placement", s.placement().name().toLowerCase(Locale.ROOT)).field("dropout", s.dropout())
            .field("release", o.releaseRule()).field("dp", s.dp())
            .field("epsilonTarget", s.dp() ? s.epsilon() : Double.NaN).field("delta", s.delta())
            .field("sigmaPerCoordinate", o.sigmaPerCoordinate()).field("seed", s.seed())
            .field("initialAccuracy", o.initialAccuracy()).field("finalAccuracy", o.finalAccuracy())
            .field("firstRoundAt80", o.firstRoundReaching(0.80)).field("seconds", o.seconds())
            .name("rounds").beginArray();
        for (TrainRun.Row r : o.rows()) {
            w.beginObject().field("round", r.round()).field("modelVersion", r.modelVersion())
                .field("published", r.published()).field("outcome", r.outcome()).field("accuracy", r.accuracy())
                .field("loss", r.loss()).field("attackSuccess", r.attackSuccess()).field("epsilon", r.epsilon())
                .field("wallSeconds", r.wallSeconds()).field("trainSeconds", r.updateSeconds())
                .field("accepted", r.accepted()).field("relativeError", r.relativeError())
                .field("detectorPrecision", r.detectorPrecision()).field("detectorRecall", r.detectorRecall())
                .field("gatedNoisyCount", r.gatedNoisyCount())
                .endObject();
        }
        return w.endArray().endObject().toString() + "\n";
    }

    /** One line per round, with a header. */
    public static String csv(TrainRun.Outcome o) {
        StringBuilder b = new StringBuilder("round,model_version,published,outcome,accuracy,loss,attack_success,epsilon,"
            + "wall_seconds,train_seconds,accepted,relative_error,detector_precision,detector_recall\n");
        for (TrainRun.Row r : o.rows()) {
            b.append(String.format(Locale.ROOT, "%d,%d,%b,%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%s%n", r.round(), r.modelVersion(),
                r.published(), r.outcome(), r.accuracy(), r.loss(), r.attackSuccess(), r.epsilon(), r.wallSeconds(),
                r.updateSeconds(), r.accepted(), r.relativeError(), r.detectorPrecision(), r.detectorRecall()));
        }
        return b.toString();
    }

    /** A share as a percentage with two decimals, rounded down. */
    static String accuracy(double share) {
        if (Double.isNaN(share)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f%%", Math.floor(share * 10_000) / 100);
    }

    /** ε with four decimals, rounded up; "inf" without noise. */
    static String epsilon(double epsilon) {
        if (Double.isInfinite(epsilon)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.4f", Math.ceil(epsilon * 10_000) / 10_000);
    }

    private static String percent(double share) {
        return new java.math.BigDecimal(share * 100).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
