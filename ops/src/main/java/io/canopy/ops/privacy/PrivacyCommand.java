package io.canopy.ops.privacy;

import io.canopy.ops.format.Figures;

import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.json.JsonWriter;
import io.canopy.privacy.accounting.NoiseCalibrator;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code ./canopy privacy spend|calibrate|plan|replay}: the accountant, the calibrator, the tier plan
 * and ledger replay of {@code dp-noise}, for operators and reviewers. Figures are computed, never
 * looked up, and printed rounded towards the conservative side ({@link Figures}).
 */
public final class PrivacyCommand implements CliCommand {

    static final List<Spec> SPEND = List.of(
        Spec.value("q", "Q", "Poisson sampling rate of leaves per round, in (0, 1] (required)"),
        Spec.value("sigma", "Z", "noise multiplier z = noise standard deviation / L2 sensitivity, > 0 (required)"),
        Spec.value("steps", "T", "number of rounds composed, integer >= 1 (required)"),
        Spec.value("delta", "D", "target delta, in (0, 1) (required)"),
        Spec.flag("json", "print one JSON object instead of text"));

    static final List<Spec> CALIBRATE = List.of(
        Spec.value("epsilon", "E", "target epsilon after all rounds, > 0 (required)"),
        Spec.value("delta", "D", "target delta, in (0, 1) (required)"),
        Spec.value("q", "Q", "Poisson sampling rate of leaves per round, in (0, 1] (required)"),
        Spec.value("steps", "T", "number of rounds, integer >= 1 (required)"),
        Spec.flag("json", "print one JSON object instead of text"));

    private static final String ADJACENCY = "Adjacency: add or remove one leaf (as Opacus and TF Privacy with Poisson sampling).";

    @Override
    public String name() {
        return "privacy";
    }

    @Override
    public String summary() {
        return "differential privacy: spend (eps of a run), calibrate (z for a target), plan (per tier and release),"
            + " replay (a ledger), audit (empirical eps)";
    }

    @Override
    public String help() {
        return """
            Usage: ./canopy privacy SUBCOMMAND [OPTIONS]   (./canopy privacy SUBCOMMAND --help for its flags)

            Subcommands:
              spend      epsilon of T rounds of the Poisson-subsampled Gaussian mechanism (both conversions)
              calibrate  the smallest noise multiplier z meeting a target (epsilon, delta) after T rounds
              plan       noise multiplier, sensitivity and sigma per tier, and the end-to-end guarantee
              replay     epsilon recomputed from scratch from a privacy ledger
              audit      empirical epsilon lower bound of the two-pass release next to the accountant's

            """ + ADJACENCY + "\n"
            + "Accountant: Renyi DP of the subsampled Gaussian (Mironov, Talwar, Zhang 2019), orders 1.25 ... 4.5,\n"
            + "5 ... 63, 128, 256; (eps, delta) by the classic bound and by Balle et al. 2020. Exit code 2 on bad\n"
            + "arguments, with one line naming the argument.\n";
    }

    @Override
    public String help(final List<String> args) {
        final String sub = args.isEmpty() ? "" : args.get(0);
        return switch (sub) {
            case "spend" -> Options.help("./canopy privacy spend --q Q --sigma Z --steps T --delta D [--json]",
                "Composes T rounds of the Poisson-subsampled Gaussian mechanism with sampling rate Q and noise\n"
                    + "multiplier Z and prints epsilon at delta by both conversions (classic: Mironov 2017, Prop. 3;\n"
                    + "tighter: Balle et al. 2020, Thm. 21, as in Opacus) with the optimal Renyi order of each.\n"
                    + ADJACENCY + " Epsilon is rounded up.", SPEND);
            case "calibrate" -> Options.help("./canopy privacy calibrate --epsilon E --delta D --q Q --steps T [--json]",
                "Finds the smallest noise multiplier z (bisection to 1e-4, rounded up) such that T rounds at\n"
                    + "sampling rate Q give epsilon <= E at delta D (tighter conversion, default order grid).\n"
                    + ADJACENCY, CALIBRATE);
            case "plan" -> PlanCommand.help();
            case "replay" -> ReplayCommand.help();
            case "audit" -> AuditCommand.help();
            default -> help();
        };
    }

    @Override
    public int run(final List<String> args, final PrintStream out, final PrintStream err) throws Exception {
        if (args.isEmpty()) {
            throw new UsageException("missing subcommand (spend, calibrate, plan, replay or audit)");
        }
        final List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "spend" -> spend(Options.parse(SPEND, rest), out, err);
            case "calibrate" -> calibrate(Options.parse(CALIBRATE, rest), out);
            case "plan" -> PlanCommand.run(rest, out, err);
            case "replay" -> ReplayCommand.run(rest, out, err);
            case "audit" -> AuditCommand.run(rest, out);
            default -> throw new UsageException("unknown subcommand '" + args.get(0)
                + "' (expected spend, calibrate, plan, replay or audit)");
        };
    }

    private static int spend(final Options o, final PrintStream out, final PrintStream err) throws UsageException {
        o.flagsOnly();
        final double q = samplingRate(o);
        final double z = positive(o, "sigma");
        final long steps = steps(o);
        final double delta = delta(o);
        final PrivacySpent s = new RdpAccountant().compose(q, z, steps).spent(delta);
        if (o.has("json")) {
            final JsonWriter j = new JsonWriter().beginObject()
                .field("q", q).field("sigma", z).field("steps", steps).field("delta", delta);
            spentJson(j, s);
            out.println(j.endObject());
        } else {
            out.printf("%d round%s at q=%s, z=%s, delta=%s:%n", steps, steps == 1 ? "" : "s", Figures.exact(q), Figures.exact(z),
                Figures.exact(delta));
            spentText(out, s);
        }
        s.warnings().forEach(w -> err.println("warning: " + w));
        return OK;
    }

    private static int calibrate(final Options o, final PrintStream out) throws UsageException {
        o.flagsOnly();
        final double eps = positive(o, "epsilon");
        final double delta = delta(o);
        final double q = samplingRate(o);
        final long steps = steps(o);
        final double z;
        try {
            z = NoiseCalibrator.calibrate(eps, delta, q, steps);
        } catch (final IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        final PrivacySpent s = new RdpAccountant().compose(q, z, steps).spent(delta);
        if (o.has("json")) {
            final JsonWriter j = new JsonWriter().beginObject()
                .field("epsilon_target", eps).field("delta", delta).field("q", q).field("steps", steps)
                .field("sigma", z);
            spentJson(j, s);
            out.println(j.endObject());
        } else {
            out.printf("noise multiplier z = %s  (smallest z, to 1e-4, with epsilon <= %s at delta=%s after %d rounds"
                + " at q=%s)%n", Figures.up(z), Figures.exact(eps), Figures.exact(delta), steps, Figures.exact(q));
            spentText(out, s);
        }
        return OK;
    }

    static void spentText(final PrintStream out, final PrivacySpent s) {
        out.printf("  epsilon = %s  (Balle et al. 2020 conversion, optimal order %s)%n", Figures.up(s.epsilonBalle()),
            Figures.order(s.orderBalle()));
        out.printf("  epsilon = %s  (classic conversion, optimal order %s)%n", Figures.up(s.epsilonClassic()),
            Figures.order(s.orderClassic()));
    }

    static void spentJson(final JsonWriter j, final PrivacySpent s) {
        j.field("epsilon", s.epsilon()).field("order", s.order())
            .field("epsilon_balle", s.epsilonBalle()).field("order_balle", s.orderBalle())
            .field("epsilon_classic", s.epsilonClassic()).field("order_classic", s.orderClassic())
            .name("warnings").beginArray();
        s.warnings().forEach(j::value);
        j.endArray();
    }

    static double samplingRate(final Options o) throws UsageException {
        o.require("q");
        final double q = o.doubleValue("q", 0);
        if (!(q > 0 && q <= 1)) {
            throw new UsageException("--q must be in (0, 1], got " + o.get("q"));
        }
        return q;
    }

    static double delta(final Options o) throws UsageException {
        o.require("delta");
        final double d = o.doubleValue("delta", 0);
        if (!(d > 0 && d < 1)) {
            throw new UsageException("--delta must be in (0, 1), got " + o.get("delta"));
        }
        return d;
    }

    static double positive(final Options o, final String name) throws UsageException {
        o.require(name);
        final double x = o.doubleValue(name, 0);
        if (!(x > 0)) {
            throw new UsageException("--" + name + " must be > 0, got " + o.get(name));
        }
        return x;
    }

    static long steps(final Options o) throws UsageException {
        final String v = o.require("steps");
        final long t;
        try {
            t = Long.parseLong(v.trim());
        } catch (final NumberFormatException e) {
            throw new UsageException("--steps must be an integer >= 1, got '" + v + "'");
        }
        if (t < 1) {
            throw new UsageException("--steps must be an integer >= 1, got " + v);
        }
        return t;
    }
}
