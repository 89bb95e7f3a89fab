package io.canopy.ops.privacy;

import io.canopy.ops.format.Figures;

import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.json.JsonWriter;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.privacy.plan.TierPlan;
import io.canopy.privacy.plan.TreeShape;
import io.canopy.privacy.release.ReleaseOptions;
import io.canopy.privacy.release.ReleasePasses;
import io.canopy.privacy.release.ReleasePlan;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/** {@code ./canopy privacy plan}: the per-tier noise plan and the end-to-end guarantee. */
final class PlanCommand {

    static final List<Spec> SPECS = List.of(
        Spec.value("config", "FILE", "tree and target as flat 'key: value' lines (YAML map or .properties); keys"
            + " below; without it, the default 10M-leaf tree"),
        Spec.value("write-ledger", "FILE", "also write the plan's T rounds as a privacy ledger (.yaml: YAML form,"
            + " else binary), for ./canopy privacy replay"),
        Spec.value("sampler", "S", "with --write-ledger: the Gaussian sampler the rounds record, secure (default) or"
            + " fast (simulations and load tests only)"),
        Spec.value("rule", "R", "with --write-ledger: the release rule the rounds record, tiered (default: per-tier"
            + " noise as before), gated (two passes, one accountant step at z_eff) or fixed"),
        Spec.flag("json", "print one JSON object instead of the table"));

    private PlanCommand() {
    }

    static String help() {
        final StringBuilder keys = new StringBuilder("Config keys (all optional):\n");
        final Map<String, String> all = new java.util.LinkedHashMap<>(TreeShape.KEYS);
        all.putAll(ReleaseOptions.KEYS);
        for (final Map.Entry<String, String> e : all.entrySet()) {
            keys.append("  ").append(e.getKey()).append(" ".repeat(Math.max(2, 24 - e.getKey().length())))
                .append(e.getValue()).append('\n');
        }
        return Options.help("./canopy privacy plan [--config FILE] [--write-ledger FILE [--sampler S]] [--json]",
            """
                Derives, for every tier, the L2 sensitivity of its release to one leaf (adjacency: add or remove one
                leaf; updates clipped to C; chained up the tree, including a leaf flipping its cluster's quorum),
                the noise multiplier z and sigma = z*sensitivity, and the guarantee each tier's own noise gives
                against the tier that receives its release; then the (epsilon, delta) of the published global
                model after T rounds, counting tier-3 noise only. A tier whose receiver is trusted adds no noise.

                Then the release regimes of PRIVACY-AT-SCALE.md at the same z (one accountant step per round):
                sigma per coordinate on the published update of the two-pass gated release (centre pass z1, update
                pass z2, 1/z^2 = 1/z1^2 + 1/z2^2; lambda = 1/(m_c (K - 2 k2) M) with planned counts), of the
                fixed-denominator mean, of the Multi-Krum option, and DP-FedAvg's z*C/(qN) for the same (q, N, T,
                epsilon, delta) with the ratios; which regime the plan would choose and why; rho and its source.
                Figures (sigma, epsilon, ratios) are rounded up.""", SPECS) + "\n" + keys;
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err) throws UsageException {
        final Options o = Options.parseFlags(SPECS, args);
        final String sampler = o.has("sampler") ? o.get("sampler") : "secure";
        if (!sampler.equals("secure") && !sampler.equals("fast")) {
            throw new UsageException("--sampler must be secure or fast, got '" + sampler + "'");
        }
        if (o.has("sampler") && !o.has("write-ledger")) {
            throw new UsageException("--sampler applies only with --write-ledger");
        }
        final String rule = o.has("rule") ? o.get("rule") : LedgerEntry.LEGACY_RULE;
        if (!List.of(LedgerEntry.LEGACY_RULE, "gated", "fixed").contains(rule)) {
            throw new UsageException("--rule must be tiered, gated or fixed, got '" + rule + "'");
        }
        if (o.has("rule") && !o.has("write-ledger")) {
            throw new UsageException("--rule applies only with --write-ledger");
        }
        final Properties props = o.has("config") ? properties(Path.of(o.get("config"))) : new Properties();
        final TreeShape shape = o.has("config") ? load(Path.of(o.get("config")), props) : TreeShape.defaults();
        final ReleaseOptions options;
        try {
            options = ReleaseOptions.fromProperties(props);
        } catch (final IllegalArgumentException e) {
            throw new UsageException(o.get("config") + ": " + e.getMessage());
        }
        final PrivacyPlan plan = PrivacyPlan.of(shape);
        final ReleasePlan release;
        try {
            release = ReleasePlan.of(shape, options);
        } catch (final IllegalArgumentException e) {
            throw new UsageException((o.has("config") ? o.get("config") + ": " : "") + e.getMessage());
        }
        if (o.has("json")) {
            out.println(json(plan, release));
        } else {
            text(plan, out);
            ReleaseText.print(release, out);
        }
        plan.endToEnd().warnings().forEach(w -> err.println("warning: " + w));
        if (o.has("write-ledger")) {
            final Path file = Path.of(o.get("write-ledger"));
            try {
                writeLedger(plan, release, file, sampler, rule);
            } catch (final IOException e) {
                throw new UsageException(file + ": cannot write: " + e.getMessage());
            }
            err.println("wrote " + shape.rounds() + " rounds to " + file);
            if (sampler.equals("fast")) {
                err.println("warning: the fast sampler is seeded and predictable: for simulations and load tests only,"
                    + " it gives no privacy guarantee");
            }
        }
        return CliCommand.OK;
    }

    static TreeShape load(final Path file) throws UsageException {
        return load(file, properties(file));
    }

    static Properties properties(final Path file) throws UsageException {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (final IOException e) {
            throw new UsageException(file + ": cannot read: " + e.getMessage());
        }
        return p;
    }

    /** The tree from {@code all}, ignoring the release keys ({@link ReleaseOptions#KEYS}). */
    static TreeShape load(final Path file, final Properties all) throws UsageException {
        final Properties p = new Properties();
        all.stringPropertyNames().stream().filter(k -> !ReleaseOptions.KEYS.containsKey(k))
            .forEach(k -> p.setProperty(k, all.getProperty(k)));
        try {
            return TreeShape.fromProperties(p);
        } catch (final IllegalArgumentException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
    }

    private static void writeLedger(final PrivacyPlan plan, final ReleasePlan release, final Path file,
                                    final String sampler, final String rule) throws IOException {
        if (Files.exists(file)) {
            throw new IOException("exists; refusing to append a plan to an existing ledger");
        }
        final double[] z = plan.tiers().stream().mapToDouble(TierPlan::z).toArray();
        final double[] sens = plan.tiers().stream().mapToDouble(TierPlan::sensitivity).toArray();
        final double q = plan.shape().samplingRate();
        final ReleasePasses passes = switch (rule) {
            case "gated" -> release.twoPass().passes();
            case "fixed" -> ReleasePasses.onePass("mean", release.z(), release.fixedSensitivity());
            default -> null;
        };
        final double[] rdp = new RdpAccountant().stepRdp(q, passes == null ? z[2] : passes.zEff());
        try (PrivacyLedger ledger = PrivacyLedger.open(file)) {
            for (long r = 1; r <= plan.shape().rounds(); r++) {
                ledger.append(passes == null ? new LedgerEntry(r, q, sampler, z, sens, rdp)
                    : LedgerEntry.withPasses(r, q, sampler, new double[3], new double[3], rdp, rule, passes));
            }
        }
    }

    private static void text(final PrivacyPlan plan, final PrintStream out) {
        final TreeShape s = plan.shape();
        out.printf("Privacy plan: %d leaves, q=%s, %d rounds, clip C=%s, target epsilon=%s, delta=%s end to end%n",
            s.leaves(), Figures.exact(s.samplingRate()), s.rounds(), Figures.exact(s.clip()), Figures.exact(s.epsilon()),
            Figures.exact(s.delta()));
        out.printf("Adjacency: add or remove one leaf. Trusted with un-noised inputs: %s. Model dimension d=%d.%n%n",
            s.trusted().isEmpty() ? "none" : String.join(", ", new TreeSet<>(s.trusted())), s.dimension());
        final String fmt = "%-4s %-12s %-22s %-13s %-9s %-11s %-11s %-11s %-9s %-11s %-23s %s%n";
        out.printf(fmt, "tier", "aggregator", "rule", "inputs(quor)", "R", "Δ ordinary", "Δ flip", "Δ used", "z", "σ = z·Δ",
            "release seen by", "guarantee of own noise");
        for (final TierPlan t : plan.tiers()) {
            final String guarantee = t.guarantee() == null ? "none (receiver trusted)"
                : "eps=" + Figures.up(t.guarantee().epsilon()) + " at delta=" + Figures.exact(s.delta());
            out.printf(fmt, t.tier(), t.name(), t.rule(), t.expectedInputs() + " (" + t.minInputs() + ")",
                Figures.up(t.inputNormBound()), Figures.up(t.ordinary()), t.tier() == 1 ? "-" : Figures.up(t.quorumFlip()),
                Figures.up(t.sensitivity()), Figures.up(t.z()), Figures.up(t.sigma()),
                t.receiver() + (t.receiverTrusted() ? " (trusted)" : ""), guarantee);
        }
        out.println();
        out.printf("End to end (published global model, tier-3 noise only, %d rounds at q=%s):%n", s.rounds(),
            Figures.exact(s.samplingRate()));
        PrivacyCommand.spentText(out, plan.endToEnd());
        out.println("Not covered: whether a round is published at all (a leaf could tip the global quorum); the guarantee");
        out.println("is conditional on each round's publication outcome. Receivers project inputs onto the R ball.");
    }

    private static String json(final PrivacyPlan plan, final ReleasePlan release) {
        final TreeShape s = plan.shape();
        final JsonWriter j = new JsonWriter().beginObject()
            .name("config").beginObject()
            .field("leaves", s.leaves()).field("q", s.samplingRate()).field("cluster_size", s.clusterSize())
            .field("clusters_per_continent", s.clustersPerContinent()).field("continents", s.continents())
            .field("clip", s.clip()).field("multikrum_f", s.multiKrumF()).field("beta2", s.beta2())
            .field("beta3", s.beta3()).field("quorum", s.quorum()).field("rounds", s.rounds())
            .field("epsilon", s.epsilon()).field("delta", s.delta()).field("dimension", s.dimension())
            .name("trusted").beginArray();
        new TreeSet<>(s.trusted()).forEach(j::value);
        j.endArray().endObject().name("tiers").beginArray();
        for (final TierPlan t : plan.tiers()) {
            j.beginObject().field("tier", t.tier()).field("name", t.name()).field("rule", t.rule())
                .field("expected_inputs", t.expectedInputs()).field("min_inputs", t.minInputs())
                .field("input_norm_bound", t.inputNormBound()).field("sensitivity_ordinary", t.ordinary())
                .field("sensitivity_quorum_flip", t.quorumFlip()).field("sensitivity", t.sensitivity())
                .field("receiver", t.receiver()).field("receiver_trusted", t.receiverTrusted())
                .field("z", t.z()).field("sigma", t.sigma());
            if (t.guarantee() != null) {
                j.field("guarantee_epsilon", t.guarantee().epsilon());
            }
            j.endObject();
        }
        j.endArray().name("end_to_end").beginObject().field("delta", plan.endToEnd().delta());
        PrivacyCommand.spentJson(j, plan.endToEnd());
        j.endObject();
        ReleaseText.json(release, j);
        return j.endObject().toString();
    }
}
