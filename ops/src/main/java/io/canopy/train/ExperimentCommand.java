package io.canopy.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.canopy.demo.RunOptions;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;

/** {@code ./canopy experiment accuracy}: regenerates the accuracy table of docs/training.md from scratch. */
public final class ExperimentCommand implements CliCommand {

    private static final List<Spec> SPECS = List.of(
        Spec.flag("quick", "softmax only, 20% attackers, one seed: about 5 minutes on 2 cores"),
        Spec.value("models", "LIST", "comma-separated models (default: softmax with --quick, softmax,mlp without)"),
        Spec.value("rounds", "T", "rounds per run (default 100)"),
        Spec.value("seeds", "N", "seeds per cell, the cell shows their median (default 1 with --quick, 3 without)"),
        Spec.value("leaves", "N", "fleet size of every run (default 10000)"),
        Spec.value("md", "FILE", "also write the table as Markdown to FILE"),
        Spec.value("json", "FILE", "also write every cell's figures as JSON to FILE"),
        Spec.value("chart", "FILE", "also draw the clean and the ALIE runs' accuracy against rounds as an SVG to FILE"));

    @Override
    public String name() {
        return "experiment";
    }

    @Override
    public String summary() {
        return "regenerate the accuracy tables of docs/training.md (experiment accuracy [--quick]) through the real tiers";
    }

    @Override
    public String help() {
        return Options.help("./canopy experiment accuracy|robustness [--quick] [--models LIST] [--rounds T] [--seeds N]"
                + " [--md FILE] [--json FILE] [--chart FILE]",
            """
                Trains Fashion-MNIST through the four tiers in one JVM for every cell of the grid: model x attack
                (none, sign-flip, label-flip, ALIE, IPM, backdoor) x Byzantine share (10, 20, 30%; 20% with
                --quick) x placement (random; concentrated: attackers fill whole clusters) x release (clipped mean
                with the fixed denominator - the FedAvg baseline -, Multi-Krum, gated) x DP (off; epsilon 2 for the
                clean runs, and for 20% attackers without --quick). Each cell: the median final test accuracy over
                its seeds and the first round at 80%; the centralised baseline (plain SGD on all 60,000 images)
                heads the table. Prints a line per finished run with the time left, then the Markdown table.
                Without --quick the grid is 2 models x 66 cells x 3 seeds: many hours on 2 cores.

                robustness: the synthetic swarm through the demo's tree (20,000 leaves, d = 100, 2 rounds, epsilon 2):
                every attack of the catalogue x 10/20/30% Byzantine (20% with --quick) x release (gated, multikrum);
                each cell the published update's relative L2 error against the honest mean (--md only).""",
            SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse(SPECS, args);
        if (o.positional().size() != 1 || !List.of("accuracy", "robustness").contains(o.positional().get(0))) {
            throw new UsageException("name the experiment: ./canopy experiment accuracy|robustness [--quick]");
        }
        if (o.positional().get(0).equals("robustness")) {
            return robustness(o, out, err);
        }
        boolean quick = o.has("quick");
        List<String> models = o.has("models") ? Arrays.asList(o.get("models").split(","))
            : quick ? List.of("softmax") : List.of("softmax", "mlp");
        for (String m : models) {
            try {
                io.canopy.leaf.train.ModelSpec.parse(m);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--models: " + e.getMessage());
            }
        }
        AccuracyExperiment.Design design = AccuracyExperiment.design(quick, models,
            o.intValue("rounds", 100, 1, 100_000), o.intValue("seeds", quick ? 1 : 3, 1, 100),
            io.canopy.demo.RunOptions.longValue(o, "leaves", 10_000L, 1, 10_000_000L));
        Path md = RunOptions.output(o, "md");
        Path json = RunOptions.output(o, "json");
        Path chart = RunOptions.output(o, "chart");
        AccuracyExperiment.settings(design, design.cells().get(0), 42); // a bad flag fails here, not an hour in
        err.printf(Locale.ROOT, "experiment: %d cells x %d seed(s) = %d runs of %d rounds%n", design.cells().size(),
            design.seeds(), design.cells().size() * design.seeds(), design.rounds());
        long t0 = System.nanoTime();
        List<AccuracyExperiment.Central> central = AccuracyExperiment.centralised(design, err);
        List<AccuracyExperiment.Result> results = AccuracyExperiment.run(design, err);
        String table = AccuracyExperiment.markdown(design, central, results, (System.nanoTime() - t0) / 1e9);
        out.print(table);
        if (md != null) {
            RunOptions.write(md, table);
        }
        if (json != null) {
            RunOptions.write(json, AccuracyExperiment.json(design, central, results));
        }
        if (chart != null) {
            List<TrainChart.Series> series = new ArrayList<>();
            for (AccuracyExperiment.Result r : results) {
                AccuracyExperiment.Cell c = r.cell();
                boolean clean = c.attack() == TrainAttack.NONE;
                boolean alie = c.attack() == TrainAttack.ALIE && c.placement() == TrainingSwarm.Placement.RANDOM && !c.dp()
                    && c.share() == 0.2;
                if (c.model().equals(models.get(0)) && (clean || alie) && r.firstSeedRows() != null) {
                    series.add(new TrainChart.Series((c.release().equals("fixed") ? "clipped mean" : c.release())
                        + (clean ? "" : ", ALIE 20%") + (c.dp() ? ", eps 2" : ""), r.firstSeedRows()));
                }
            }
            RunOptions.write(chart, TrainChart.svg("Canopy on Fashion-MNIST (" + models.get(0) + ", "
                + String.format(Locale.ROOT, "%,d", design.leaves()) + " leaves): test accuracy by round", series));
        }
        long failed = results.stream().filter(r -> !r.failures().isEmpty()).count();
        if (failed > 0) {
            err.printf(Locale.ROOT, "experiment: %d cell(s) had failed runs; see the table%n", failed);
            return FAILURE;
        }
        return OK;
    }

    /** The release's attack table: every synthetic attack x share x rule, the published error of the last round. */
    private static int robustness(Options o, PrintStream out, PrintStream err) throws Exception {
        Path md = RunOptions.output(o, "md");
        io.canopy.demo.RobustnessExperiment.Design design = io.canopy.demo.RobustnessExperiment.design(o.has("quick"));
        long t0 = System.nanoTime();
        List<io.canopy.demo.RobustnessExperiment.Cell> cells = io.canopy.demo.RobustnessExperiment.run(design, err);
        String table = io.canopy.demo.RobustnessExperiment.markdown(design, cells, (System.nanoTime() - t0) / 1e9);
        out.print(table);
        if (md != null) {
            RunOptions.write(md, table);
        }
        return OK;
    }
}
