package io.canopy.ops.aggregate;

import io.canopy.aggregation.AggregationResult;
import io.canopy.aggregation.AggregationRule;
import io.canopy.aggregation.CoordinateMedian;
import io.canopy.aggregation.Mean;
import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.io.FileFormatException;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.json.JsonWriter;
import io.canopy.ops.matrix.CsvMatrix;
import io.canopy.ops.matrix.Matrix;
import io.canopy.ops.matrix.MatrixFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** {@code ./canopy aggregate}: one aggregation rule over an n×d matrix read from a file. */
public final class AggregateCommand implements CliCommand {

    private static final List<Spec> SPECS = List.of(
        Spec.value("rule", "RULE", "mean | multikrum | krum | trimmed-mean | median (required)"),
        Spec.value("in", "FILE", "input n×d matrix: .npy (float32/float64, C order, v1-v3) or CSV, one row per update"),
        Spec.value("out", "FILE", "write the aggregate here: .npy if the name ends in .npy, else one CSV line;"
            + " without it the aggregate is printed as CSV (unless --json)"),
        Spec.value("f", "N", "krum/multikrum: number of Byzantine updates tolerated; needs n > 2f + 2"),
        Spec.value("m", "M", "multikrum: number of lowest-scoring updates averaged (default n - f)"),
        Spec.value("beta", "B", "trimmed-mean: trim k = floor(B·n) values from each end per coordinate, 0 <= B < 0.5"),
        Spec.value("trim", "K", "trimmed-mean: trim exactly K values from each end (instead of --beta)"),
        Spec.flag("json", "print the diagnostics (selected/rejected rows, scores, trimmed count, timing) as one JSON"
            + " object on stdout"));

    @Override
    public String name() {
        return "aggregate";
    }

    @Override
    public String summary() {
        return "aggregate an n×d matrix of updates (.npy or CSV) with a robust rule";
    }

    @Override
    public String help() {
        return Options.help("./canopy aggregate --rule RULE --in FILE [--out FILE] [--f N] [--m M] [--beta B | --trim K]"
                + " [--json]",
            """
                Reads n updates of dimension d (one per row), applies the rule, writes the aggregate.
                Rules: mean; multikrum (Blanchard et al. 2017: average of the m updates with the lowest
                sum of squared distances to their n-f-2 nearest neighbours); krum (multikrum with m = 1);
                trimmed-mean (Yin et al. 2018: per coordinate drop the k lowest and k highest values);
                median (coordinate-wise). Exit code 2 on bad arguments or an unreadable file, with one
                line naming the problem; the output file is written atomically or not at all.""",
            SPECS);
    }

    @Override
    public int run(final List<String> args, final PrintStream out, final PrintStream err) throws Exception {
        final Options o = Options.parseFlags(SPECS, args);
        final String ruleName = o.require("rule");
        final Path in = Path.of(o.require("in"));
        final AggregationRule rule = rule(ruleName, o);

        final Matrix m;
        try {
            m = MatrixFiles.read(in);
        } catch (final FileFormatException e) {
            throw new UsageException(e.getMessage());
        } catch (final IOException e) {
            throw new UsageException(in + ": cannot read: " + e.getMessage());
        }
        final long start = System.nanoTime();
        final AggregationResult result;
        try {
            result = rule.aggregate(new UpdateBlock(m.data(), m.rows(), m.cols()));
        } catch (final IllegalArgumentException e) {
            throw new UsageException(in + ": " + e.getMessage());
        }
        final double elapsedMs = (System.nanoTime() - start) / 1e6;

        if (o.has("out")) {
            final Path outFile = Path.of(o.get("out"));
            try {
                MatrixFiles.writeVector(outFile, result.aggregate());
            } catch (final IOException e) {
                throw new UsageException(outFile + ": cannot write: " + e.getMessage());
            }
        } else if (!o.has("json")) {
            final Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CsvMatrix.write(w, result.aggregate(), 1, result.aggregate().length);
            w.flush();
        }
        if (o.has("json")) {
            out.println(json(rule, result, m, elapsedMs, o.get("out")));
        }
        return OK;
    }

    static AggregationRule rule(final String name, final Options o) throws UsageException {
        final boolean krumFamily = name.equals("multikrum") || name.equals("krum");
        if (!krumFamily && (o.has("f") || o.has("m"))) {
            throw new UsageException((o.has("f") ? "--f" : "--m") + " applies only to --rule krum or multikrum");
        }
        if (!name.equals("trimmed-mean") && (o.has("beta") || o.has("trim"))) {
            throw new UsageException((o.has("beta") ? "--beta" : "--trim") + " applies only to --rule trimmed-mean");
        }
        return switch (name) {
            case "mean" -> Mean.INSTANCE;
            case "median" -> new CoordinateMedian();
            case "krum" -> {
                if (o.has("m")) {
                    throw new UsageException("--m applies only to --rule multikrum (krum selects exactly one update)");
                }
                yield MultiKrum.krum(requireF(o));
            }
            case "multikrum" -> {
                final int f = requireF(o);
                yield o.has("m") ? MultiKrum.of(f, o.intValue("m", 0, 1, Integer.MAX_VALUE)) : MultiKrum.withDefaultM(f);
            }
            case "trimmed-mean" -> {
                if (o.has("beta") == o.has("trim")) {
                    throw new UsageException("--rule trimmed-mean needs exactly one of --beta B or --trim K");
                }
                if (o.has("trim")) {
                    yield TrimmedMean.ofTrimCount(o.intValue("trim", 0, 0, Integer.MAX_VALUE));
                }
                final double beta = o.doubleValue("beta", 0);
                if (!(beta >= 0 && beta < 0.5)) {
                    throw new UsageException("--beta must be in [0, 0.5), got " + o.get("beta"));
                }
                yield TrimmedMean.ofBeta(beta);
            }
            default -> throw new UsageException(
                "unknown rule '" + name + "' (expected mean, multikrum, krum, trimmed-mean or median)");
        };
    }

    private static int requireF(final Options o) throws UsageException {
        if (!o.has("f")) {
            throw new UsageException("--rule krum and multikrum need --f N (the number of Byzantine updates tolerated)");
        }
        return o.intValue("f", 0, 0, Integer.MAX_VALUE);
    }

    static String json(final AggregationRule rule, final AggregationResult r, final Matrix m, final double elapsedMs,
                       final String outFile) {
        final JsonWriter j = new JsonWriter().beginObject()
            .field("rule", rule.name())
            .field("inputs", r.inputs())
            .field("dim", m.cols());
        switch (r) {
            case AggregationResult.KrumResult k -> j.field("f", k.f()).field("m", k.m())
                .field("neighbours", k.neighbours())
                .field("selected", k.selected())
                .field("rejected", k.rejected())
                .field("scores", k.scores());
            case AggregationResult.TrimmedMeanResult t -> j.field("trimmed_per_end", t.trimmed())
                .field("kept_per_coordinate", t.inputs() - 2L * t.trimmed());
            case AggregationResult.MeanResult mr -> j.field("weighted", mr.weights() != null);
            case AggregationResult.MedianResult md -> j.field("even", md.inputs() % 2 == 0);
        }
        return j.field("elapsed_ms", elapsedMs).field("out", outFile).endObject().toString();
    }
}
