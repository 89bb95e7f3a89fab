package io.canopy.ops.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.ops.format.Figures;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import io.canopy.privacy.plan.TreeShape;
import io.canopy.privacy.release.ReleaseOptions;
import io.canopy.privacy.release.ReleasePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.canopy.ops.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./canopy privacy plan}'s release regimes and {@code replay} of ledgers recorded in passes. */
class ReleasePlanCommandTest {

    @TempDir
    Path dir;

    private static CliRun cli(final String... args) {
        return CliRun.of(args);
    }

    private static double number(final String json, final String key) {
        final Matcher m = Pattern.compile("\"" + key + "\":([-0-9.Ee+]+)").matcher(json);
        assertTrue(m.find(), key + " not in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void the_default_plan_prints_two_pass_within_one_and_a_half_of_dp_fedavg_and_chooses_it() {
        final ReleasePlan p = ReleasePlan.of(TreeShape.defaults(), ReleaseOptions.defaults());
        final CliRun t = cli("privacy", "plan");
        assertEquals(0, t.exit(), t.err());
        assertTrue(t.out().contains("  ratio to DP-FedAvg: two-pass " + Figures.up(p.twoPassUpdateSigma() / p.dpFedAvgSigma())
            + ", fixed-denominator 1, multi-krum "), t.out());
        assertTrue(t.out().contains("Release choice: TWO_PASS: the centre's predicted noise norm"), t.out());
        assertTrue(t.out().contains("gate radius rho = 0.7 (plan-time constant 0.7·C (heuristic))"), t.out());
        final CliRun j = cli("privacy", "plan", "--json");
        final double ratio = number(j.out(), "ratio_two_pass");
        assertTrue(ratio <= 1.5 && ratio >= 0.93, "ratio " + ratio);
        assertEquals(p.dpFedAvgSigma(), number(j.out(), "dp_fedavg_sigma"), 0.0);
        assertTrue(j.out().contains("\"choice\":\"TWO_PASS\""), j.out());
    }

    @Test
    void a_config_with_release_keys_changes_rho_and_a_small_fleet_chooses_the_fixed_denominator_mean() throws Exception {
        final Path cfg = dir.resolve("small.yaml");
        Files.writeString(cfg, """
            leaves: 10000
            cluster-size: 100
            clusters-per-continent: 10
            continents: 10
            multikrum-f: 1
            dimension: 50000
            rho: 1.0
            """);
        final CliRun r = cli("privacy", "plan", "--config", cfg.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Release choice: FIXED_DENOMINATOR:"), r.out());
        assertTrue(r.out().contains("gate radius rho = 1 (plan-time constant 1.0·C (heuristic))"), r.out());
        Files.writeString(cfg, "rho: -1\n");
        final CliRun bad = cli("privacy", "plan", "--config", cfg.toString());
        assertEquals(2, bad.exit());
        assertEquals("canopy privacy: " + cfg + ": rho must be finite and > 0 (a fraction of C), got -1.0",
            bad.err().lines().findFirst().orElseThrow());
    }

    @Test
    void replay_of_a_gated_ledger_charges_one_step_per_round_at_z_eff_and_refuses_passes_that_do_not_compose()
        throws Exception {
        final Path cfg = dir.resolve("short.properties");
        Files.writeString(cfg, "rounds=30\n");
        final Path ledger = dir.resolve("gated.yaml");
        assertEquals(0, cli("privacy", "plan", "--config", cfg.toString(), "--write-ledger", ledger.toString(), "--rule",
            "gated").exit());
        final CliRun r = cli("privacy", "replay", ledger.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        final List<LedgerEntry> entries = PrivacyLedger.read(ledger).entries();
        assertEquals("gated", entries.getFirst().rule());
        assertEquals(new RdpAccountant().compose(0.1, entries.getFirst().zEff(), 30).spent(1e-5).epsilon(),
            number(r.out(), "epsilon"), 1e-12);
        assertTrue(r.out().contains("\"rules\":{\"gated\":30}"), r.out());

        // Round 7's update pass recorded with a z that no longer composes to z_eff.
        final Path bad = dir.resolve("bad.yaml");
        try (PrivacyLedger l = PrivacyLedger.open(bad)) {
            for (final LedgerEntry e : entries) {
                final double[] pz = e.passZ();
                final double[] sg = e.passSigma();
                if (e.round() == 7) {
                    pz[1] *= 1.01;
                    sg[1] = pz[1] * e.passSensitivity()[1];
                }
                l.append(new LedgerEntry(e.round(), e.q(), e.sampler(), e.z(), e.sensitivity(), e.rdp(), e.rule(), e.zEff(),
                    e.passNames(), pz, e.passSensitivity(), sg));
            }
        }
        final CliRun refused = cli("privacy", "replay", bad.toString());
        assertEquals(2, refused.exit());
        assertEquals("", refused.out());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().startsWith("canopy privacy replay: " + bad + ": round 7: field z_eff: passes compose to z_eff="),
            refused.err());
    }

    @Test
    void the_audit_prints_an_empirical_lower_bound_no_larger_than_the_accountants_epsilon() {
        final CliRun r = cli("privacy", "audit", "--runs", "200", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(number(r.out(), "epsilon_lower_bound") <= number(r.out(), "epsilon_accountant"), r.out());
        assertTrue(r.out().contains("\"sampler\":\"secure\""), r.out());
        assertEquals("canopy privacy: --runs must be even, got 201", cli("privacy", "audit", "--runs", "201").err().lines()
            .findFirst().orElseThrow());
    }
}
