package io.canopy.ops.privacy;

import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.format.Figures;
import io.canopy.ops.json.JsonWriter;
import io.canopy.privacy.audit.TwoPassAudit;
import java.io.PrintStream;
import java.util.List;

/** {@code ./canopy privacy audit}: an empirical ε lower bound for the two-pass release next to the accountant's ε. */
final class AuditCommand {

    static final List<Spec> SPECS = List.of(
        Spec.value("runs", "N", "runs per dataset (with and without the canary), even, >= 4 (default 4000)"),
        Spec.value("z", "Z", "z_eff of the round, split 1/9 : 8/9 between the passes (default 2)"),
        Spec.value("d", "D", "model dimension (default 2)"),
        Spec.value("planned", "M", "planned count m_c of the one cluster, lambda = 1/m_c (default 100)"),
        Spec.value("background", "B", "leaves at the public centre besides the canary, < m_c (default 20)"),
        Spec.value("canary", "F", "the canary's distance from v0 as a fraction of rho = tau = C, in (0, 1) (default 0.97)"),
        Spec.value("delta", "D", "delta, in (0, 1) (default 1e-5)"),
        Spec.flag("json", "print one JSON object instead of text"));

    private AuditCommand() {
    }

    static String help() {
        return Options.help("./canopy privacy audit [--runs N] [--z Z] [--d D] [--planned M] [--background B] [--canary F]"
                + " [--delta D] [--json]",
            """
                A statistical privacy audit of the two-pass gated release (Jagielski et al. 2020; Nasr et al. 2021):
                T = 1, q = 1, the secure sampler, one cluster with B leaves at the public centre and a canary at
                distance F*rho from it (clipped at about C in pass 1, inside the gate in pass 2 whenever the released
                v1 allows). N runs on each of D and D' = D + canary; the Gaussian likelihood-ratio statistic over both
                passes; a threshold chosen on the first half of the runs and Clopper-Pearson bounds (95% jointly) on
                the second half's error rates give an empirical lower bound on epsilon at delta, printed rounded down
                next to the accountant's epsilon for (q = 1, z_eff, T = 1), rounded up. The lower bound must never
                exceed the accountant's epsilon; how close it comes says how tight the analysis is.""", SPECS);
    }

    static int run(final List<String> args, final PrintStream out) throws UsageException {
        final Options o = Options.parseFlags(SPECS, args);
        final int runs = o.intValue("runs", 4000, 4, 10_000_000);
        if (runs % 2 != 0) {
            throw new UsageException("--runs must be even, got " + runs);
        }
        final double z = o.has("z") ? PrivacyCommand.positive(o, "z") : 2.0;
        final int d = o.intValue("d", 2, 1, 1 << 20);
        final double planned = o.has("planned") ? PrivacyCommand.positive(o, "planned") : 100;
        final int background = o.intValue("background", 20, 0, Integer.MAX_VALUE);
        final double canary = o.doubleValue("canary", 0.97);
        final double delta = o.has("delta") ? PrivacyCommand.delta(o) : 1e-5;
        final TwoPassAudit audit;
        try {
            audit = new TwoPassAudit(d, planned, background, z, canary, runs, delta, 0.05);
        } catch (final IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        final TwoPassAudit.Result r = audit.run();
        if (o.has("json")) {
            out.println(new JsonWriter().beginObject().field("runs", runs).field("z", z).field("d", d)
                .field("planned", planned).field("background", background).field("canary", canary).field("delta", delta)
                .field("sampler", r.sampler()).field("epsilon_lower_bound", r.epsilonLowerBound())
                .field("epsilon_accountant", r.epsilonAccountant()).field("threshold", r.threshold())
                .field("false_positives", r.falsePositives()).field("false_negatives", r.falseNegatives())
                .field("evaluated_per_dataset", r.evaluated()).field("fpr_upper", r.fprUpper())
                .field("fnr_upper", r.fnrUpper()).endObject());
        } else {
            out.printf("two-pass audit: %d runs per dataset (%s sampler), z_eff=%s, d=%d, m_c=%s, %d background leaves,"
                    + " canary at %s*rho%n", runs, r.sampler(), Figures.exact(z), d, Figures.exact(planned), background,
                Figures.exact(canary));
            out.printf("  evaluated %d runs per dataset: %d false positives, %d false negatives; 95%% Clopper-Pearson upper"
                + " bounds FPR <= %s, FNR <= %s%n", r.evaluated(), r.falsePositives(), r.falseNegatives(),
                Figures.up(r.fprUpper(), 6), Figures.up(r.fnrUpper(), 6));
            out.printf("  empirical epsilon lower bound = %s  (95%%, at delta=%s)%n", Figures.down(r.epsilonLowerBound(), 4),
                Figures.exact(delta));
            out.printf("  accountant's epsilon          = %s  (q=1, z_eff, T=1)%n", Figures.up(r.epsilonAccountant()));
        }
        return CliCommand.OK;
    }
}
