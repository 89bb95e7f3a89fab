package io.canopy.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.canopy.demo.RunOptions;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;

/** {@code ./canopy train}: federated training of a real model on Fashion-MNIST through the whole tree, in one JVM. */
public final class TrainCommand implements CliCommand {

    private static final List<Spec> SPECS;

    static {
        List<Spec> specs = new ArrayList<>(TrainSettings.SPECS);
        specs.add(Spec.value("json", "FILE", "also write every figure as JSON to FILE"));
        specs.add(Spec.value("csv", "FILE", "also write one line per round as CSV to FILE"));
        specs.add(Spec.value("chart", "FILE", "also draw test accuracy and epsilon against rounds as an SVG to FILE"));
        SPECS = List.copyOf(specs);
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a model on Fashion-MNIST through the four-tier tree in one JVM and report its test accuracy";
    }

    @Override
    public String help() {
        return Options.help("./canopy train [--model softmax|mlp] [--leaves N] [--rounds T] [--epsilon E|off]"
                + " [--byzantine F --attack NAME] [--release RULE] [--json FILE] [--csv FILE] [--chart FILE]",
            """
                Closed-loop federated learning on the real tiers: each round the coordinator publishes a model
                version; the leaves it invites (Poisson, rate q) train on exactly that version - local SGD on
                their own non-IID Fashion-MNIST shard (Dirichlet class mix, derived from the seed and the leaf id,
                so no shard is stored) - and send the clipped update w_local - w_global as a frame that names the
                version (a cluster refuses any other version as STALE_MODEL). Clusters, continents and the
                coordinator aggregate and release it as in ./canopy demo (DP noise for the epsilon target over
                all rounds, or none with --epsilon off); the server step makes the next version.
                After every round the published model is scored on the 10,000 test images and a row is printed:
                test accuracy and loss, the backdoor's attack success rate (ASR, backdoor runs only), epsilon
                spent, wall time, the threads' training time, updates aggregated and the model version.
                Needs the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).""",
            SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        TrainSettings settings = TrainSettings.parse(o);
        Path json = RunOptions.output(o, "json");
        Path csv = RunOptions.output(o, "csv");
        Path chart = RunOptions.output(o, "chart");
        if (settings.dp() && !settings.secureNoise()) {
            err.println("canopy train: DP noise from the fast seeded sampler -- for simulations only; pass --secure-noise"
                + " for the secure one");
        }
        TrainRun.Outcome outcome = TrainRun.run(settings, err, row -> {
            out.print(TrainReport.row(row));
            out.flush();
        }, (rule, sigma, initial) -> {
            out.print(TrainReport.header(settings, rule, sigma, initial));
            out.flush();
        });
        out.print(TrainReport.summary(outcome));
        if (json != null) {
            RunOptions.write(json, TrainReport.json(outcome));
        }
        if (csv != null) {
            RunOptions.write(csv, TrainReport.csv(outcome));
        }
        if (chart != null) {
            RunOptions.write(chart, TrainChart.svg(String.format(java.util.Locale.ROOT, "Canopy: %s on Fashion-MNIST, %,d leaves, %s",
                settings.model().cliName(), settings.leaves(), settings.dp() ? "epsilon " + settings.epsilon() : "no DP"),
                List.of(new TrainChart.Series(outcome.releaseRule() + (settings.attack() == TrainAttack.NONE ? ""
                    : ", " + settings.attack().cliName()), outcome.rows()))));
        }
        return OK;
    }
}
