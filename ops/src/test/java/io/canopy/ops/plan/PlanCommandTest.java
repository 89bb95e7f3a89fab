package io.canopy.ops.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.ops.cli.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanCommandTest {

    @TempDir
    Path dir;

    private static CliRun cli(final String... args) {
        return CliRun.of(args);
    }

    @Test
    void plan_without_arguments_plans_the_10M_leaf_default_tree() {
        final CliRun r = cli("plan");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Capacity plan: 10000000 leaves, d=1000000, q=0.1, codec fp32; clusters of 1000,"
            + " 100 per continent: 10000 clusters, 100 continents, 1 global\n"), r.out());
        assertTrue(r.out().contains("Kernel rates: built-in defaults"), r.out());
        for (final String part : List.of("1 cluster", "2 continental", "3 global", "Critical path:", "predicted round time",
            "any of the 10000 clusters misses", "noise multiplier z = ", "Limits (busiest first):", "Suggestion: ")) {
            assertTrue(r.out().contains(part), part + " missing from\n" + r.out());
        }
    }

    @Test
    void help_explains_every_fleet_key() {
        final CliRun r = cli("plan", "--help");
        assertEquals(0, r.exit());
        for (final String key : Fleet.KEYS.keySet()) {
            assertTrue(r.out().contains("--" + key), key);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--leaves 1000 --cluster-size 2000 --clusters-per-continent 1 | --cluster-size must be at most leaves (1000), got 2000",
        "--quorum 1.5 | --quorum must be in (0, 1], got 1.5",
        "--nic-gbps 0 | --nic-gbps must be > 0, got 0",
        "--response-probability -0.1 | --response-probability must be in (0, 1], got -0.1",
        "--codec zip | --codec must be one of fp32, fp16, bf16, int8, topk, got 'zip'",
        "--leaves 1500 --cluster-size 1000 --clusters-per-continent 1 | --leaves must be a multiple of cluster-size x"
            + " clusters-per-continent = 1000, got 1500",
        "--dimension many | --dimension must be an integer, got 'many'",
        "--cores-per-node 0 | --cores-per-node must be >= 1, got 0",
        "--bogus 1 | unknown option --bogus",
    })
    void a_bad_fleet_is_one_line_naming_the_field_with_exit_code_2_and_no_page(final String args, final String message) {
        final Path page = dir.resolve("plan.html");
        final String[] argv = Stream.concat(Stream.of("plan", "--html", page.toString()),
            Stream.of(args.trim().split(" "))).toArray(String[]::new);
        final CliRun r = cli(argv);
        assertEquals(2, r.exit(), r.out());
        assertEquals("canopy plan: " + message, r.firstErrLine());
        assertEquals("", r.out());
        assertFalse(Files.exists(page));
    }

    @Test
    void a_bad_key_in_a_fleet_file_is_named_with_the_file() throws IOException {
        final Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, "leaves: 1000\ncluster-size: 100\nclusters-per-continent: 5\nquorum: 2\n");
        final CliRun r = cli("plan", "--fleet", file.toString());
        assertEquals(2, r.exit());
        assertEquals("canopy plan: " + file + ": quorum must be in (0, 1], got 2", r.firstErrLine());
        Files.writeString(file, "clusters: 10\n");
        assertTrue(cli("plan", "--fleet", file.toString()).firstErrLine()
            .startsWith("canopy plan: " + file + ": unknown key 'clusters' (known: leaves, dimension, q,"));
    }

    @Test
    void flags_override_the_fleet_file() throws IOException {
        final Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, "leaves: 1000\ncluster-size: 100\nclusters-per-continent: 5\ndimension: 1000\nq: 1\n"
            + "quorum: 2\n");
        final CliRun r = cli("plan", "--fleet", file.toString(), "--quorum", "0.5", "--json");
        assertEquals(0, r.exit(), r.err());
        final Object json = MiniJson.parse(r.out());
        assertEquals("0.5", MiniJson.at(json, "fleet", "quorum"));
        assertEquals("1000", MiniJson.at(json, "fleet", "leaves"));
    }

    @Test
    void json_output_parses_back_to_the_plans_figures() {
        final CliRun r = cli("plan", "--leaves", "1000", "--cluster-size", "100", "--clusters-per-continent", "5",
            "--dimension", "1000", "--q", "1", "--over-selection", "1.25", "--quorum", "0.5", "--response-probability",
            "1", "--latency-sigma", "0", "--cores-per-node", "2", "--memory-per-node-gib", "8", "--nic-gbps", "1",
            "--cluster-nodes", "5", "--continental-nodes", "1", "--release", "multikrum", "--json");
        assertEquals(0, r.exit(), r.err());
        final Object json = MiniJson.parse(r.out());
        assertEquals(10.0, MiniJson.at(json, "fleet", "clusters"));
        assertEquals(5.0, MiniJson.at(json, "tiers", 0, "nodes"));
        assertEquals(2.0, MiniJson.at(json, "tiers", 0, "aggregators_per_node"));
        assertEquals(397_120.0, MiniJson.at(json, "tiers", 0, "memory_per_aggregator_bytes")); // 80 planned rows + Gram
        assertEquals(825_600.0, MiniJson.at(json, "tiers", 0, "bytes_in_per_node"));
        assertEquals(4128.0, MiniJson.at(json, "cluster_round", "leaf_frame_bytes"));
        assertEquals(80.0, MiniJson.at(json, "cluster_round", "expected"));
        assertTrue(MiniJson.at(json, "rates", "source").toString().startsWith("built-in defaults"));
        final double z = (Double) MiniJson.at(json, "privacy", "z");
        assertTrue(z > 0, "z=" + z);
        assertTrue(MiniJson.at(json, "checks", 0, "ratio") instanceof Double);
    }

    @Test
    void the_html_page_holds_the_plan_the_sweeps_and_the_inlined_chart_library() throws IOException {
        final Path page = dir.resolve("plan.html");
        final CliRun r = cli("plan", "--html", page.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("wrote " + page, r.err().strip());
        final String html = Files.readString(page);
        final String library = PlanHtml.resource(PlanHtml.LIBRARY);
        assertTrue(html.contains(library.substring(0, 200)), "uPlot is inlined");
        assertTrue(html.contains("Copyright (c) 2022 Leon Sorokin"), "with its licence");
        assertFalse(html.contains("<script src"), "nothing is fetched");
        assertFalse(html.contains("<link"), "nothing is fetched");
        final int start = html.indexOf("const PLAN = ") + "const PLAN = ".length();
        final Object plan = MiniJson.parse(html.substring(start, html.indexOf(";\nconst SWEEPS", start)));
        assertEquals("10000000", MiniJson.at(plan, "fleet", "leaves"));
        final int s = html.indexOf("const SWEEPS = ") + "const SWEEPS = ".length();
        final Object sweeps = MiniJson.parse(html.substring(s, html.indexOf(";\n", s)));
        assertEquals(Sweeps.CLUSTER_SIZES.length, ((List<?>) MiniJson.at(sweeps, "cluster_size", "x")).size());
        assertEquals(Sweeps.DIMENSIONS.length, ((List<?>) MiniJson.at(sweeps, "dimension", "series", "round_s")).size());
        for (final String id : List.of("leaves-round", "leaves-memory", "dim-round", "dim-memory", "quorum")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertEquals(List.of(), Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
    }

    @Test
    void stored_calibration_figures_are_read_back_and_named_as_the_source() throws IOException {
        final Path file = dir.resolve("cal.properties");
        final KernelRates rates = CapacityPlanTest.handRates();
        Files.writeString(file, rates.store("today"), StandardCharsets.ISO_8859_1);
        final KernelRates back = KernelRates.load(file);
        assertEquals(rates.withSource(back.source()), back);
        assertEquals("calibration " + file + " (measured today)", back.source());
        final CliRun r = cli("plan", "--calibration", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Kernel rates: calibration " + file + " (measured today)"), r.out());
        final CliRun missing = cli("plan", "--calibration", dir.resolve("none").toString());
        assertEquals(2, missing.exit());
        assertEquals("canopy plan: --calibration " + dir.resolve("none") + ": no such file (run with --calibrate to make"
            + " it)", missing.firstErrLine());
    }

    @Test
    void sweeps_over_cluster_size_keep_the_fleet_valid() {
        final CapacityPlan p = CapacityPlan.of(Fleet.defaults(), KernelRates.defaults());
        final Sweeps s = Sweeps.clusterSize(p);
        final Map<String, double[]> series = s.series();
        for (int i = 0; i < s.x().length; i++) {
            assertTrue(series.get("chernoff")[i] >= series.get("exact")[i], "at cluster size " + s.x()[i]);
        }
    }
}
