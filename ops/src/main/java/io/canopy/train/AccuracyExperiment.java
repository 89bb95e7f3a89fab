package io.canopy.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.canopy.leaf.data.FashionMnist;
import io.canopy.leaf.train.CentralisedTraining;
import io.canopy.leaf.train.ModelSpec;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.UsageException;

/**
 * The accuracy table: trained through the real tiers, model × attack × Byzantine share × placement ×
 * release × DP, each cell the median final test accuracy over its seeds and the first round at 80%, with
 * the centralised baseline beside it. Every cell is a whole {@link TrainRun} from scratch in this JVM.
 */
public final class AccuracyExperiment {

    /** One configuration of the table. */
    public record Cell(String model, TrainAttack attack, double share, TrainingSwarm.Placement placement, String release,
                       boolean dp) {
        String label() {
            return String.format(Locale.ROOT, "%s %s %s%s %s %s", model, attack.cliName(), (int) Math.round(share * 100), "%",
                placement.name().toLowerCase(Locale.ROOT), release + (dp ? " eps=2" : " no-DP"));
        }
    }

    /** A cell's outcome over its seeds. */
    public record Result(Cell cell, double[] finalAccuracies, long[] roundsTo80, double[] finalAttackSuccess,
                         double seconds, List<TrainRun.Row> firstSeedRows, List<String> failures) {
        double median() {
            return medianOf(finalAccuracies);
        }

        static double medianOf(double[] values) {
            double[] a = values.clone();
            Arrays.sort(a);
            int n = a.length;
            return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
        }

        /** The median round at 80% over the seeds, "never" counted as later than any round. */
        String medianRoundTo80() {
            long[] r = roundsTo80.clone();
            for (int i = 0; i < r.length; i++) {
                r[i] = r[i] < 0 ? Long.MAX_VALUE : r[i];
            }
            Arrays.sort(r);
            long m = r[r.length / 2];
            return m == Long.MAX_VALUE ? "never" : Long.toString(m);
        }
    }

    /** The table's design. */
    public record Design(List<String> models, List<Cell> cells, int rounds, int seeds, long leaves, int centralEpochs) {
    }

    private AccuracyExperiment() {
    }

    /**
     * The grid. Quick: softmax, 20% attackers, one seed. Full: both models, 10/20/30%, three seeds; DP at ε = 2
     * for the clean runs and for 20% attackers.
     */
    public static Design design(boolean quick, List<String> models, int rounds, int seeds, long leaves) {
        List<Cell> cells = new ArrayList<>();
        List<String> releases = List.of("fixed", "multikrum", "gated");
        List<TrainAttack> attacks = List.of(TrainAttack.SIGN_FLIP, TrainAttack.LABEL_FLIP, TrainAttack.ALIE,
            TrainAttack.INNER_PRODUCT_MANIPULATION, TrainAttack.BACKDOOR);
        double[] shares = quick ? new double[] {0.2} : new double[] {0.1, 0.2, 0.3};
        for (String model : models) {
            for (boolean dp : new boolean[] {false, true}) {
                for (String release : releases) {
                    cells.add(new Cell(model, TrainAttack.NONE, 0, TrainingSwarm.Placement.RANDOM, release, dp));
                }
            }
            for (TrainAttack attack : attacks) {
                for (double share : shares) {
                    for (String release : releases) {
                        cells.add(new Cell(model, attack, share, TrainingSwarm.Placement.RANDOM, release, false));
                        if (!quick && share == 0.2) {
                            cells.add(new Cell(model, attack, share, TrainingSwarm.Placement.RANDOM, release, true));
                        }
                    }
                }
            }
            for (TrainAttack attack : quick ? List.of(TrainAttack.SIGN_FLIP, TrainAttack.ALIE) : attacks) {
                for (String release : releases) {
                    cells.add(new Cell(model, attack, 0.2, TrainingSwarm.Placement.CONCENTRATED, release, false));
                }
            }
        }
        return new Design(models, cells, rounds, seeds, leaves, 5);
    }

    /** The train flags of one cell and seed: the defaults of ./canopy train with the cell's choices. */
    static TrainSettings settings(Design design, Cell cell, long seed) throws UsageException {
        List<String> args = new ArrayList<>(List.of("--model", cell.model(), "--rounds", Integer.toString(design.rounds()),
            "--leaves", Long.toString(design.leaves()), "--release", cell.release(), "--seed", Long.toString(seed),
            "--epsilon", cell.dp() ? "2" : "off"));
        if (cell.attack() != TrainAttack.NONE) {
            args.addAll(List.of("--attack", cell.attack().cliName(), "--byzantine", Double.toString(cell.share()),
                "--placement", cell.placement().name().toLowerCase(Locale.ROOT)));
        }
        return TrainSettings.parse(Options.parse(TrainSettings.SPECS, args));
    }

    /** Runs every cell (each seed from scratch); {@code log} gets a line per finished run. */
    public static List<Result> run(Design design, PrintStream log) throws Exception {
        List<Result> results = new ArrayList<>();
        int done = 0;
        int total = design.cells().size() * design.seeds();
        long t0 = System.nanoTime();
        for (Cell cell : design.cells()) {
            double[] accuracies = new double[design.seeds()];
            long[] to80 = new long[design.seeds()];
            double[] asr = new double[design.seeds()];
            List<String> failures = new ArrayList<>();
            List<TrainRun.Row> first = null;
            long c0 = System.nanoTime();
            for (int k = 0; k < design.seeds(); k++) {
                TrainSettings s = settings(design, cell, 42 + k);
                // The run's own notes (shards drawn with replacement) would repeat once per run: the header says it once.
                TrainRun.Outcome o;
                try {
                    o = TrainRun.run(s, new PrintStream(java.io.OutputStream.nullOutputStream()), row -> { },
                        (rule, sigma, initial) -> { });
                } catch (Exception e) {
                    // One failed run must not cost the rest of the grid: it is reported in its cell and in the exit code.
                    failures.add("seed " + (42 + k) + ": " + e.getMessage());
                    log.printf(Locale.ROOT, "experiment: run %d/%d (%s, seed %d) FAILED: %s%n", ++done, total, cell.label(),
                        42 + k, e.getMessage());
                    accuracies[k] = Double.NaN;
                    to80[k] = -1;
                    asr[k] = Double.NaN;
                    continue;
                }
                asr[k] = o.rows().get(o.rows().size() - 1).attackSuccess();
                accuracies[k] = o.finalAccuracy();
                to80[k] = o.firstRoundReaching(0.80);
                first = first == null ? o.rows() : first;
                done++;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                log.printf(Locale.ROOT, "experiment: run %d/%d (%s, seed %d): %s, 80%% at round %s; %.0f s so far, about %.0f s"
                        + " left%n", done, total, cell.label(), 42 + k, TrainReport.accuracy(o.finalAccuracy()),
                    to80[k] < 0 ? "never" : Long.toString(to80[k]), elapsed, elapsed / done * (total - done));
            }
            results.add(new Result(cell, accuracies, to80, asr, (System.nanoTime() - c0) / 1e9, first, failures));
        }
        return results;
    }

    /** The centralised upper bound of one model. */
    public record Central(String model, int epochs, double accuracy, double seconds) {
    }

    /** The centralised upper bound per model: plain SGD on all 60,000 images, batch 8, lr 0.1. */
    public static List<Central> centralised(Design design, PrintStream log) throws Exception {
        FashionMnist data = FashionMnist.shared();
        List<Central> rows = new ArrayList<>();
        for (String model : design.models()) {
            long t0 = System.nanoTime();
            List<CentralisedTraining.Epoch> epochs = CentralisedTraining.run(ModelSpec.parse(model), data.train(),
                data.test(), design.centralEpochs(), 8, 0.1f, 42);
            Central c = new Central(model, epochs.size(), epochs.get(epochs.size() - 1).accuracy(),
                (System.nanoTime() - t0) / 1e9);
            log.printf(Locale.ROOT, "experiment: centralised %s, %d epochs: %s%n", model, c.epochs(),
                TrainReport.accuracy(c.accuracy()));
            rows.add(c);
        }
        return rows;
    }

    /** The table in Markdown. */
    public static String markdown(Design design, List<Central> centralised, List<Result> results, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%,d leaves (cluster 100, 10 per continent), q = 0.1, %d rounds, %s; final test"
                + " accuracy (median of %d seed%s, rounded down), the first round at 80%% and, for the backdoor, the share"
                + " of triggered non-target test images classified as the target. Shards of 32 are drawn with replacement"
                + " when leaves x 32 > 60,000. Runtime %.0f s.%n%n",
            design.leaves(), design.rounds(), "local SGD E=1 B=8 lr=0.1, FedAvgM 0.9", design.seeds(),
            design.seeds() == 1 ? "" : "s", seconds));
        b.append("| model | attack | share | placement | release | DP | final accuracy | 80% at round | backdoor ASR | cell"
            + " time |\n");
        b.append("|---|---|---:|---|---|---|---:|---:|---:|---:|\n");
        for (Central c : centralised) {
            b.append(String.format(Locale.ROOT, "| %s | centralised: plain SGD on all 60,000 images, %d epochs, batch 8, lr"
                + " 0.1 | | | | | %s | | | %.0f s |%n", c.model(), c.epochs(), TrainReport.accuracy(c.accuracy()), c.seconds()));
        }
        for (Result r : results) {
            Cell c = r.cell();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f s |%n", c.model(),
                c.attack().cliName(), c.attack() == TrainAttack.NONE ? "0%" : (int) Math.round(c.share() * 100) + "%",
                c.attack() == TrainAttack.NONE ? "" : c.placement().name().toLowerCase(Locale.ROOT),
                c.release().equals("fixed") ? "clipped mean" : c.release(), c.dp() ? "ε = 2" : "off",
                r.failures().isEmpty() ? TrainReport.accuracy(r.median()) : "failed: " + String.join("; ", r.failures()),
                r.medianRoundTo80(),
                c.attack() == TrainAttack.BACKDOOR ? TrainReport.accuracy(Result.medianOf(r.finalAttackSuccess())) : "",
                r.seconds()));
        }
        return b.toString();
    }

    /** Every cell's figures as JSON. */
    public static String json(Design design, List<Central> centralised, List<Result> results) {
        io.canopy.ops.json.JsonWriter w = new io.canopy.ops.json.JsonWriter().beginObject()
            .field("leaves", design.leaves()).field("rounds", (long) design.rounds()).field("seeds", (long) design.seeds())
            .name("centralised").beginArray();
        for (Central c : centralised) {
            w.beginObject().field("model", c.model()).field("epochs", (long) c.epochs()).field("accuracy", c.accuracy())
                .field("seconds", c.seconds()).endObject();
        }
        w.endArray().name("cells").beginArray();
        for (Result r : results) {
            Cell c = r.cell();
            w.beginObject().field("model", c.model()).field("attack", c.attack().cliName()).field("share", c.share())
                .field("placement", c.placement().name().toLowerCase(Locale.ROOT)).field("release", c.release())
                .field("dp", c.dp()).field("medianAccuracy", r.median()).field("finalAccuracies", r.finalAccuracies())
                .field("roundTo80", r.medianRoundTo80()).field("finalAttackSuccess", r.finalAttackSuccess()).field("seconds",
                    r.seconds()).endObject();
        }
        return w.endArray().endObject().toString() + "\n";
    }
}
