package io.canopy.ops.privacy;

import io.canopy.ops.format.Figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.ops.cli.CliRun;
import io.canopy.privacy.accounting.NoiseCalibrator;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.privacy.plan.TreeShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrivacyCommandTest {

    @TempDir
    Path dir;

    private static double number(final String json, final String key) {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":([-0-9.Ee+]+)").matcher(json);
        assertTrue(m.find(), key + " not in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void spend_prints_both_conversions_as_the_accountant_computes_them_rounded_up() {
        final CliRun r = CliRun.of("privacy", "spend", "--q", "0.01", "--sigma", "4", "--steps", "10000", "--delta", "1e-5");
        assertEquals(0, r.exit(), r.err());
        // Abadi et al. 2016 report eps <= 1.26 for this setting with the classic conversion.
        assertEquals("""
            10000 rounds at q=0.01, z=4, delta=1e-5:
              epsilon = 1.0355  (Balle et al. 2020 conversion, optimal order 17)
              epsilon = 1.2586  (classic conversion, optimal order 20)
            """, r.out());
        final PrivacySpent s = new RdpAccountant().compose(0.01, 4, 10_000).spent(1e-5);
        final CliRun j = CliRun.of("privacy", "spend", "--q", "0.01", "--sigma", "4", "--steps", "10000", "--delta", "1e-5", "--json");
        assertTrue(j.out().contains("\"epsilon_balle\":" + s.epsilonBalle() + ",\"order_balle\":17"), j.out());
        assertTrue(j.out().contains("\"epsilon_classic\":" + s.epsilonClassic() + ",\"order_classic\":20"), j.out());
    }

    @Test
    void spend_warns_on_stderr_when_the_optimal_order_is_at_the_edge_of_the_grid() {
        final CliRun r = CliRun.of("privacy", "spend", "--q", "0.001", "--sigma", "20", "--steps", "1", "--delta", "1e-5");
        assertEquals(0, r.exit());
        assertTrue(r.err().contains("warning: the Balle et al. 2020 conversion's optimal order 256 is the largest of the grid"),
            r.err());
    }

    @Test
    void calibrate_prints_the_calibrators_z_rounded_up_and_spending_it_meets_the_target() {
        final CliRun r = CliRun.of("privacy", "calibrate", "--epsilon", "2", "--delta", "1e-5", "--q", "0.01", "--steps", "10000",
            "--json");
        assertEquals(0, r.exit(), r.err());
        final double z = NoiseCalibrator.calibrate(2, 1e-5, 0.01, 10_000);
        assertTrue(r.out().contains("\"sigma\":" + z), r.out());
        final CliRun t = CliRun.of("privacy", "calibrate", "--epsilon", "2", "--delta", "1e-5", "--q", "0.01", "--steps", "10000");
        assertTrue(t.out().startsWith("noise multiplier z = " + Figures.up(z) + " "), t.out());
        final double spent = new RdpAccountant().compose(0.01, Double.parseDouble(Figures.up(z)), 10_000).spent(1e-5).epsilon();
        assertTrue(spent <= 2 && spent > 1.98, "the printed z meets the target: " + spent);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "spend --q 1.5 --sigma 1 --steps 10 --delta 1e-5|--q must be in (0, 1], got 1.5",
        "spend --q 0 --sigma 1 --steps 10 --delta 1e-5|--q must be in (0, 1], got 0",
        "spend --q 0.1 --sigma -1 --steps 10 --delta 1e-5|--sigma must be > 0, got -1",
        "spend --q 0.1 --sigma 1 --steps 10 --delta 1|--delta must be in (0, 1), got 1",
        "spend --q 0.1 --sigma 1 --steps 0 --delta 1e-5|--steps must be an integer >= 1, got 0",
        "spend --q 0.1 --sigma 1 --steps 2.5 --delta 1e-5|--steps must be an integer >= 1, got '2.5'",
        "spend --q 0.1 --sigma 1 --delta 1e-5|missing required option --steps",
        "spend --q 0.1 --sigma x --steps 1 --delta 1e-5|--sigma must be a number, got 'x'",
        "calibrate --epsilon 0 --delta 1e-5 --q 0.1 --steps 10|--epsilon must be > 0, got 0",
        "calibrate --epsilon 1 --delta 1.5 --q 0.1 --steps 10|--delta must be in (0, 1), got 1.5",
        "spent --q 0.1|unknown subcommand 'spent' (expected spend, calibrate, plan, replay or audit)",
        "replay|missing LEDGER file"})
    void bad_arguments_give_one_line_naming_the_argument_and_exit_code_two(final String args, final String message) {
        final String[] argv = ("privacy " + args).split(" ");
        final CliRun r = CliRun.of(argv);
        assertEquals(2, r.exit());
        assertEquals("canopy privacy: " + message, r.firstErrLine());
        assertEquals("", r.out(), "nothing may be printed on stdout for bad arguments");
    }

    @Test
    void every_subcommand_has_help_that_explains_each_of_its_flags() {
        assertTrue(CliRun.of("privacy", "--help").out().contains("  calibrate  "));
        for (final String flag : List.of("--q", "--sigma", "--steps", "--delta", "--json")) {
            assertTrue(CliRun.of("privacy", "spend", "--help").out().contains("  " + flag + " "), "spend help lacks " + flag);
        }
        for (final String flag : List.of("--epsilon", "--delta", "--q", "--steps", "--json")) {
            assertTrue(CliRun.of("privacy", "calibrate", "--help").out().contains("  " + flag + " "), "calibrate lacks " + flag);
        }
        final String plan = CliRun.of("privacy", "plan", "--help").out();
        for (final String key : TreeShape.KEYS.keySet()) {
            assertTrue(plan.contains("  " + key + " "), "plan help lacks config key " + key);
        }
        assertTrue(CliRun.of("privacy", "replay", "--help").out().contains("  --delta D "));
        assertTrue(CliRun.of("--help").out().contains("  privacy "));
    }

    @Test
    void plan_reports_the_libraries_figures_for_the_default_tree() {
        final CliRun r = CliRun.of("privacy", "plan", "--json");
        assertEquals(0, r.exit(), r.err());
        final PrivacyPlan plan = PrivacyPlan.of(TreeShape.defaults());
        assertTrue(r.out().contains("\"end_to_end\":{\"delta\":1.0E-5,\"epsilon\":" + plan.endToEnd().epsilon()), r.out());
        assertTrue(r.out().contains("\"z\":" + plan.tiers().get(2).z() + ",\"sigma\":" + plan.tiers().get(2).sigma()));
        assertTrue(plan.endToEnd().epsilon() <= 2.0 && plan.endToEnd().epsilon() > 1.98);
        final CliRun t = CliRun.of("privacy", "plan");
        assertTrue(t.out().contains("  epsilon = " + Figures.up(plan.endToEnd().epsilonBalle())
            + "  (Balle et al. 2020 conversion"), t.out());
    }

    @Test
    void plan_reads_a_config_file_and_names_a_bad_key() throws Exception {
        final Path cfg = dir.resolve("tree.yaml");
        Files.writeString(cfg, """
            # a smaller tree, everything untrusted
            leaves: 1000000
            continents: 10
            q: 0.05
            multikrum-f: 5
            rounds: 200
            trusted: none
            """);
        final CliRun r = CliRun.of("privacy", "plan", "--config", cfg.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        final Properties p = new Properties();
        p.load(Files.newBufferedReader(cfg));
        final PrivacyPlan plan = PrivacyPlan.of(TreeShape.fromProperties(p));
        assertTrue(plan.tiers().stream().allMatch(t -> t.z() > 0), "no receiver trusted: every tier adds noise");
        assertTrue(r.out().contains("\"epsilon\":" + plan.endToEnd().epsilon()), r.out());

        Files.writeString(cfg, "leafs: 10\n");
        final CliRun bad = CliRun.of("privacy", "plan", "--config", cfg.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.firstErrLine().startsWith("canopy privacy: " + cfg + ": unknown key 'leafs' (known: leaves, q,"),
            bad.firstErrLine());
        Files.writeString(cfg, "q: 2\n");
        assertEquals("canopy privacy: " + cfg + ": q must be in (0, 1], got 2.0", CliRun.of("privacy", "plan", "--config",
            cfg.toString()).firstErrLine());
    }

    @Test
    void replay_of_a_planned_ledger_gives_the_plans_epsilon_and_reports_a_torn_tail() throws Exception {
        final Path cfg = dir.resolve("short.properties");
        Files.writeString(cfg, "rounds=40\n");
        for (final String name : new String[] {"plan.bin", "plan.yaml"}) {
            final Path ledger = dir.resolve(name);
            assertEquals(0, CliRun.of("privacy", "plan", "--config", cfg.toString(), "--write-ledger", ledger.toString()).exit());
            final Properties p = new Properties();
            p.setProperty("rounds", "40");
            final PrivacyPlan plan = PrivacyPlan.of(TreeShape.fromProperties(p));
            final CliRun r = CliRun.of("privacy", "replay", ledger.toString(), "--json");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\"rounds\":40,"), r.out());
            // The ledger composes round by round, the plan multiplies one round by T: equal up to rounding.
            assertEquals(plan.endToEnd().epsilon(), number(r.out(), "epsilon"), 1e-12);
            assertTrue(r.out().contains("\"stored_rdp_max_relative_difference\":0,"), r.out());
            assertEquals("", r.err());

            final byte[] all = Files.readAllBytes(ledger);
            Files.write(ledger, Arrays.copyOf(all, all.length - 5));
            final CliRun torn = CliRun.of("privacy", "replay", ledger.toString());
            assertEquals(0, torn.exit());
            assertTrue(torn.out().startsWith("39 rounds (1 .. 39) replayed from " + ledger), torn.out());
            assertTrue(torn.err().startsWith("warning: record 40 at byte "), torn.err());
        }
        final Path sim = dir.resolve("sim.bin");
        final CliRun fast = CliRun.of("privacy", "plan", "--config", cfg.toString(), "--write-ledger", sim.toString(), "--sampler",
            "fast");
        assertEquals(0, fast.exit(), fast.err());
        assertTrue(fast.err().contains("warning: the fast sampler is seeded and predictable: for simulations and load"
            + " tests only, it gives no privacy guarantee"), fast.err());
        assertTrue(CliRun.of("privacy", "replay", sim.toString()).err().contains("warning: 40 rounds used the fast sampler"));
        assertEquals("canopy privacy: --sampler must be secure or fast, got 'quick'",
            CliRun.of("privacy", "plan", "--write-ledger", sim.toString(), "--sampler", "quick").firstErrLine());
        assertEquals("canopy privacy: " + dir.resolve("none.bin") + ": no such file",
            CliRun.of("privacy", "replay", dir.resolve("none.bin").toString()).firstErrLine());
    }
}
