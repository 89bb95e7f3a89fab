package io.canopy.ops.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.ops.cli.CliRun;
import io.canopy.ops.matrix.MatrixFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregateCommandTest {

    @TempDir
    Path dir;

    /** Seven updates near (1, 1, 1) and two far outliers at rows 2 and 5. */
    private Path updates() throws Exception {
        final Path p = dir.resolve("u.csv");
        Files.writeString(p, """
            1.0,1.1,0.9
            0.9,1.0,1.1
            100,100,100
            1.1,0.9,1.0
            1.0,1.0,1.0
            -100,50,-100
            0.95,1.05,1.0
            1.05,0.95,1.0
            1.0,1.0,1.05
            """);
        return p;
    }

    @Test
    void shouldRejectTheOutliersAndReportTheSelectionAsJson() throws Exception {
        final Path out = dir.resolve("agg.npy");
        final CliRun r = CliRun.of("aggregate", "--rule", "multikrum", "--f", "2", "--in", updates().toString(), "--out",
            out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("{\"rule\":\"multikrum\",\"inputs\":9,\"dim\":3,\"f\":2,\"m\":7,\"neighbours\":5,"),
            r.out());
        assertTrue(r.out().contains("\"rejected\":[2,5]"), r.out());
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void shouldPrintTheAggregateAsCsvWithoutOut() throws Exception {
        final Path p = dir.resolve("m.csv");
        Files.writeString(p, "1,2\n3,4\n5,12\n");
        final CliRun r = CliRun.of("aggregate", "--rule", "median", "--in", p.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("3.0,4.0\n", r.out());
        final CliRun t = CliRun.of("aggregate", "--rule", "trimmed-mean", "--trim", "1", "--in", p.toString(), "--json");
        assertTrue(t.out().contains("\"trimmed_per_end\":1"), t.out());
    }

    @Test
    void shouldExitWithCodeTwoAndOneLineForBadInputWritingNothing() throws Exception {
        final Path out = dir.resolve("never.npy");
        final Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "1,2\n3\n");
        final CliRun r = CliRun.of("aggregate", "--rule", "mean", "--in", bad.toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals("canopy aggregate: " + bad + ": line 2 has 1 values, expected 2 (as on line 1)",
            r.err().lines().findFirst().orElseThrow());
        assertFalse(Files.exists(out), "no output may be written for bad input");

        final Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "1,2\n3,nan\n");
        assertEquals("canopy aggregate: " + nan + ": row 1, column 1: value is NaN; updates must be finite",
            CliRun.of("aggregate", "--rule", "median", "--in", nan.toString()).err().lines().findFirst().orElseThrow());
    }

    @Test
    void shouldNameTheBadArgument() throws Exception {
        final String in = updates().toString();
        assertEquals("canopy aggregate: --rule krum and multikrum need --f N (the number of Byzantine updates tolerated)",
            CliRun.of("aggregate", "--rule", "krum", "--in", in).err().lines().findFirst().orElseThrow());
        assertEquals("canopy aggregate: unknown rule 'avg' (expected mean, multikrum, krum, trimmed-mean or median)",
            CliRun.of("aggregate", "--rule", "avg", "--in", in).err().lines().findFirst().orElseThrow());
        assertEquals("canopy aggregate: --rule trimmed-mean needs exactly one of --beta B or --trim K",
            CliRun.of("aggregate", "--rule", "trimmed-mean", "--beta", "0.1", "--trim", "1", "--in", in).err().lines()
                .findFirst().orElseThrow());
        assertEquals("canopy aggregate: --f must be an integer, got 'two'",
            CliRun.of("aggregate", "--rule", "krum", "--f", "two", "--in", in).err().lines().findFirst().orElseThrow());
        assertEquals("canopy aggregate: unknown option --fast",
            CliRun.of("aggregate", "--fast").err().lines().findFirst().orElseThrow());
        assertEquals("canopy aggregate: unexpected argument 'stray'",
            CliRun.of("aggregate", "--rule", "mean", "--in", in, "stray").err().lines().findFirst().orElseThrow());
        assertEquals(2, CliRun.of("aggregate", "--rule", "mean").exit());
        assertEquals("canopy: unknown command 'agregate'. Run ./canopy --help for the list.",
            CliRun.of("agregate").err().strip());
    }

    @Test
    void shouldListEveryCommandInTheOverviewAndExplainEveryFlag() {
        final CliRun r = CliRun.of("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("  aggregate "), r.out());
        assertTrue(r.out().contains("  test "), r.out());
        final String help = CliRun.of("aggregate", "--help").out();
        for (final String flag : List.of("--rule", "--in", "--out", "--f", "--m", "--beta", "--trim", "--json")) {
            assertTrue(help.contains("  " + flag + " "), "help lacks " + flag);
        }
    }

    @Test
    void shouldWriteTheSameAggregateAsTheRuleComputesDirectly() throws Exception {
        final Path out = dir.resolve("agg.csv");
        assertEquals(0, CliRun.of("aggregate", "--rule", "mean", "--in", updates().toString(), "--out", out.toString()).exit());
        final float[] got = MatrixFiles.read(out).data();
        assertEquals((1.0 + 0.9 + 100 + 1.1 + 1.0 - 100 + 0.95 + 1.05 + 1.0) / 9, got[0], 1e-5);
    }
}
