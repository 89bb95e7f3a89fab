package io.canopy.ops.privacy;

import io.canopy.ops.format.Figures;

import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.json.JsonWriter;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** {@code ./canopy privacy replay LEDGER}: ε recomputed from scratch from a privacy ledger. */
final class ReplayCommand {

    static final List<Spec> SPECS = List.of(
        Spec.value("delta", "D", "delta to convert at, in (0, 1) (default 1e-5)"),
        Spec.flag("json", "print one JSON object instead of text"));

    private ReplayCommand() {
    }

    static String help() {
        return Options.help("./canopy privacy replay LEDGER [--delta D] [--json]",
            """
                Reads a privacy ledger (.yaml: YAML form, else binary), recomputes each round's Renyi DP of the
                published release from its recorded (q, z of tier 3; or z_eff for rounds released in passes, one
                accountant step per round, never one per pass), composes them and prints epsilon by both
                conversions. A round whose passes do not compose to its z_eff (sum of z_p^-2 = z_eff^-2 to 1e-12
                relative, sigma_p = z_p*Delta_p) is refused: one line naming the round and field, exit code 2. It
                also checks the RDP vectors stored in the ledger against the recomputation and
                reports rounds that used the fast (simulation-only) sampler. The ledger's hash chain and round order
                are verified: damage a crash cannot leave (an edited, removed, reordered, duplicated or backward record,
                or bad bytes with an intact record after them) is an error naming the file, the record and its byte
                offset, exit code 2, and nothing is replayed. A torn last record (a crash mid-write) is a warning on
                stderr and the intact records before it are replayed.""", SPECS);
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err) throws UsageException {
        final Options o = Options.parse(SPECS, args);
        if (o.positional().size() != 1) {
            throw new UsageException(o.positional().isEmpty() ? "missing LEDGER file"
                : "unexpected argument '" + o.positional().get(1) + "'");
        }
        final double delta = o.has("delta") ? PrivacyCommand.delta(o) : 1e-5;
        final Path file = Path.of(o.positional().get(0));
        final PrivacyLedger.Contents c;
        try {
            c = PrivacyLedger.read(file);
        } catch (final NoSuchFileException e) {
            throw new UsageException(file + ": no such file");
        } catch (final IOException | RuntimeException e) {
            throw new UsageException(file + ": cannot read: " + e.getMessage());
        }
        if (c.corrupt()) {
            // An ε from the records before the damage would understate what was spent: refuse, say where and why.
            err.println("canopy privacy replay: error: " + file + ": " + c.problem() + (c.problem().startsWith("record ")
                ? "; a damaged ledger cannot be replayed: restore it from a backup" : ""));
            return CliCommand.USAGE;
        }
        if (c.entries().isEmpty()) {
            throw new UsageException(file + ": " + (c.problem() != null ? c.problem() : "no rounds recorded"));
        }
        final String passProblem = PrivacyLedger.firstPassProblem(c.entries());
        if (passProblem != null) {
            // One line, exit 2: a ledger whose passes do not compose to its z_eff cannot be replayed honestly.
            err.println("canopy privacy replay: " + file + ": " + passProblem);
            return CliCommand.USAGE;
        }
        final PrivacySpent s;
        try {
            s = PrivacyLedger.replay(c.entries(), delta);
        } catch (final IllegalArgumentException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
        final double mismatch = storedMismatch(c.entries());
        final long fast = c.entries().stream().filter(e -> !e.sampler().equals("secure")).count();
        final java.util.Map<String, Long> rules = new java.util.TreeMap<>();
        c.entries().forEach(e -> rules.merge(e.rule(), 1L, Long::sum));
        final long first = c.entries().getFirst().round();
        final long last = c.entries().getLast().round();
        if (o.has("json")) {
            final JsonWriter j = new JsonWriter().beginObject().field("ledger", file.toString())
                .field("rounds", c.entries().size()).field("first_round", first).field("last_round", last)
                .field("delta", delta);
            PrivacyCommand.spentJson(j, s);
            j.field("stored_rdp_max_relative_difference", mismatch).field("fast_sampler_rounds", fast)
                .field("problem", c.problem()).name("rules").beginObject();
            rules.forEach(j::field);
            j.endObject();
            out.println(j.endObject());
        } else {
            out.printf("%d rounds (%d .. %d) replayed from %s, delta=%s:%n", c.entries().size(), first, last, file,
                Figures.exact(delta));
            PrivacyCommand.spentText(out, s);
            out.printf("  stored RDP vectors match the recomputation to a relative %s%n", Figures.up(mismatch));
            final StringBuilder r = new StringBuilder();
            rules.forEach((k, v) -> r.append(r.isEmpty() ? "" : ", ").append(k).append(" x").append(v));
            out.printf("  release rules: %s (one accountant step per round, at z_eff for rounds released in passes)%n", r);
        }
        if (c.problem() != null) {
            err.println("warning: " + c.problem());
        }
        if (fast > 0) {
            err.println("warning: " + fast + " rounds used the fast sampler, which is for simulations only: they carry no"
                + " privacy guarantee");
        }
        if (mismatch > 1e-9) {
            err.println("warning: the ledger's stored RDP vectors differ from the recomputation (max relative "
                + Figures.up(mismatch) + "); the recomputed epsilon is the one printed");
        }
        s.warnings().forEach(w -> err.println("warning: " + w));
        return CliCommand.OK;
    }

    /** The largest relative difference between stored and recomputed per-round RDP values (∞ on a grid mismatch). */
    private static double storedMismatch(final List<LedgerEntry> entries) {
        final RdpAccountant acc = new RdpAccountant();
        double worst = 0;
        for (final LedgerEntry e : entries) {
            final double[] fresh = acc.stepRdp(e.q(), e.publishedZ());
            final double[] stored = e.rdp();
            if (stored.length != fresh.length) {
                return Double.POSITIVE_INFINITY;
            }
            for (int k = 0; k < fresh.length; k++) {
                final double diff = Math.abs(stored[k] - fresh[k]);
                worst = Math.max(worst, diff == 0 ? 0 : diff / Math.max(Math.abs(fresh[k]), Double.MIN_NORMAL));
            }
        }
        return worst;
    }
}
