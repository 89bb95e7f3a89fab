package io.canopy.ops.rounds;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.canopy.frame.RejectReason;
import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.io.FileFormatException;
import io.canopy.ledger.RecordLog;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.format.Figures;
import io.canopy.ops.json.JsonWriter;
import io.canopy.round.IngestRejection;

/**
 * {@code ./canopy rounds}: the round ledger as a table (or JSON). Reads without taking the ledger's lock, so
 * it works while a coordinator appends; a torn last record (a crash mid-append) is reported and skipped, any
 * other damage (hash chain, round order, bad bytes before an intact record) is an error with exit code 2.
 */
public final class RoundsCommand implements CliCommand {

    private static final List<Spec> SPECS = List.of(
        Spec.value("ledger", "DIR", "the coordinator's journal directory (holds rounds.yaml or rounds.bin); required"),
        Spec.value("last", "N", "only the last N rounds (default: all)"),
        Spec.flag("json", "print one JSON object with every field of every record instead of the table"));

    @Override
    public String name() {
        return "rounds";
    }

    @Override
    public String summary() {
        return "show the round ledger: outcomes, participation, rejections, epsilon after each round";
    }

    @Override
    public String help() {
        return Options.help("./canopy rounds --ledger DIR [--last N] [--json]", """
            Prints the rounds a global coordinator recorded, oldest first: the global outcome, the model version in
            force after the round, continents and clusters that released, leaves invited / accepted / late, leaf
            updates refused at ingest and frames refused by the validators, updates Multi-Krum left out, and the
            epsilon of the published model after the round (rounded up; inf when a round had no tier-3 noise).
            The ledger is read, never locked or repaired: a torn last record is skipped with a warning; damage a crash
            cannot leave (a record edited, removed, reordered or duplicated, rounds going backwards, epsilon going
            down, bad bytes with an intact record after them) is an error naming the file, the record and its byte
            offset, exit code 2.""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        if (!o.has("ledger")) {
            throw new UsageException("--ledger DIR is required");
        }
        Path dir = Path.of(o.get("ledger"));
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--ledger " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        int last = o.intValue("last", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        RecordLog.Contents<RoundRecord> contents;
        try {
            contents = RoundLedger.read(dir);
        } catch (FileFormatException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("--ledger " + dir + ": " + e.getMessage());
        }
        if (contents.damage() == RecordLog.Damage.CORRUPT) {
            // Showing the rounds before the damage would hide it: the table must never look complete.
            err.println("canopy rounds: error: " + ledgerFile(dir) + ": " + contents.problem() + "; restore the round"
                + " ledger from a backup");
            return USAGE;
        }
        List<RoundRecord> all = contents.records();
        List<RoundRecord> shown = all.subList(Math.max(0, all.size() - last), all.size());
        if (o.has("json")) {
            out.println(json(dir, shown, contents.problem()));
        } else {
            out.print(table(dir, shown, all.size()));
        }
        if (contents.problem() != null) {
            err.println("warning: " + contents.problem());
        }
        return OK;
    }

    private static Path ledgerFile(Path dir) {
        Path yaml = dir.resolve(RoundLedger.YAML_FILE);
        return Files.exists(yaml) ? yaml : dir.resolve(RoundLedger.BINARY_FILE);
    }

    static String table(Path dir, List<RoundRecord> rounds, int total) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s: %d round(s)%s%n", dir, total, rounds.size() < total ? ", the last " + rounds.size()
            + " shown" : ""));
        if (rounds.isEmpty()) {
            return b.toString();
        }
        b.append(String.format("%6s  %-18s %6s  %11s  %17s  %25s  %9s  %9s  %8s  %10s  %s%n", "round", "outcome", "model",
            "continents", "clusters rel/fail", "leaves invited/acc/late", "refused", "frames", "krum out", "epsilon",
            "wall t1/t2/t3 ms"));
        for (RoundRecord r : rounds) {
            b.append(String.format("%6d  %-18s %6s  %11s  %17s  %25s  %9d  %9d  %8d  %10s  %s%n", r.round(), r.outcome(),
                "v" + r.modelVersion(), r.continentsAccepted() + "/" + r.continentsExpected(),
                r.clustersReleased() + "/" + r.clustersFailed() + " of " + r.clustersExpected(),
                String.format("%,d/%,d/%,d", r.leavesInvited(), r.leavesAccepted(), r.leavesLate()),
                sum(r.ingestRejections()), sum(r.frameRejections()), r.krumRejected(), epsilon(r.epsilon()),
                r.tier1WallMs() + "/" + r.tier2WallMs() + "/" + r.tier3WallMs()));
        }
        RoundRecord end = rounds.getLast();
        b.append(String.format("epsilon %s at delta %s after round %d (%s sampler)%n", epsilon(end.epsilon()),
            Figures.exact(end.delta()), end.round(), end.sampler()));
        return b.toString();
    }

    static String json(Path dir, List<RoundRecord> rounds, String problem) {
        JsonWriter w = new JsonWriter().beginObject().field("ledger", dir.toString()).field("problem", problem)
            .name("rounds").beginArray();
        for (RoundRecord r : rounds) {
            w.beginObject().field("round", r.round()).field("modelVersion", r.modelVersion())
                .field("openedAtEpochMs", r.openedAtEpochMs()).field("closedAtEpochMs", r.closedAtEpochMs())
                .field("outcome", r.outcome().name()).field("continentsExpected", (long) r.continentsExpected())
                .field("continentsAccepted", (long) r.continentsAccepted()).field("continentsFailed", (long) r.continentsFailed())
                .field("clustersExpected", (long) r.clustersExpected()).field("clustersReleased", (long) r.clustersReleased())
                .field("clustersFailed", (long) r.clustersFailed()).field("leavesInvited", r.leavesInvited())
                .field("leavesAccepted", r.leavesAccepted()).field("leavesLate", r.leavesLate());
            w.name("ingestRejections").beginObject();
            for (IngestRejection reason : IngestRejection.values()) {
                w.field(reason.name(), r.ingestRejections(reason));
            }
            w.endObject().name("frameRejections").beginObject();
            for (RejectReason reason : RejectReason.values()) {
                w.field(reason.name(), r.frameRejections(reason));
            }
            w.endObject().field("krumRejected", r.krumRejected()).field("epsilon", r.epsilon()).field("delta", r.delta())
                .field("sampler", r.sampler()).field("checkpoint", r.checkpoint())
                .field("modelCrc32c", r.modelCrc32c()).field("tier1WallMs", r.tier1WallMs())
                .field("tier2WallMs", r.tier2WallMs()).field("tier3WallMs", r.tier3WallMs()).endObject();
        }
        return w.endArray().endObject().toString();
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    private static String epsilon(double e) {
        return Double.isInfinite(e) ? "inf" : Figures.up(e, 4);
    }
}
