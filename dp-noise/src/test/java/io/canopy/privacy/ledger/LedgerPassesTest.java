package io.canopy.privacy.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.release.ReleasePasses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Entries that record release passes: round trip, mixed with legacy entries, one accountant step with z_eff. */
class LedgerPassesTest {

    @TempDir
    Path dir;

    private static final double Q = 0.1;
    private static final double Z = 6.8871;

    private static List<LedgerEntry> mixed() {
        final RdpAccountant acc = new RdpAccountant();
        final List<LedgerEntry> out = new ArrayList<>();
        // Rounds 1-2 as every ledger before release rules, then two-pass rounds.
        for (int r = 1; r <= 2; r++) {
            out.add(new LedgerEntry(r, Q, "secure", new double[] {0, 0, Z}, new double[] {2, 0.04, 0.04}, acc.stepRdp(Q, Z)));
        }
        final ReleasePasses passes = ReleasePasses.twoPass(Z, ReleasePasses.DEFAULT_CENTRE_SHARE, 1.25e-6,
            0.7 * 1.25e-6 * Math.sqrt(1.01));
        for (int r = 3; r <= 5; r++) {
            out.add(LedgerEntry.withPasses(r, Q, "secure", new double[] {0, 0, 0}, new double[] {0, 0, 0},
                acc.stepRdp(Q, Z), "gated", passes));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ledger.bin", "ledger.yaml"})
    void pass_entries_and_legacy_entries_read_back_exactly_and_replay_with_one_step_per_round(final String name)
        throws Exception {
        final Path file = dir.resolve(name);
        final List<LedgerEntry> written = mixed();
        final PrivacyLedger.Contents c = PrivacyLedgerTest.writtenAndRead(file, written);
        assertNull(c.problem());
        assertEquals(written, c.entries());
        assertFalse(c.entries().get(0).hasPasses());
        assertEquals("centre,update", c.entries().get(4).passNames());
        assertEquals(Z, c.entries().get(4).publishedZ(), 0.0);
        assertEquals(new RdpAccountant().compose(Q, Z, 5).spent(1e-5).epsilon(),
            PrivacyLedger.replay(c.entries(), 1e-5).epsilon(), 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ledger.bin", "ledger.yaml"})
    void replay_refuses_an_entry_whose_passes_do_not_compose_to_its_z_eff(final String name) throws Exception {
        final Path file = dir.resolve(name);
        final LedgerEntry good = mixed().get(3);
        final double[] pz = good.passZ();
        pz[1] *= 0.9;
        final LedgerEntry bad = new LedgerEntry(4, Q, "secure", good.z(), good.sensitivity(), good.rdp(), "gated",
            good.zEff(), good.passNames(), pz, good.passSensitivity(), good.passSigma());
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            l.append(mixed().get(2));
            l.append(bad);
        }
        final List<LedgerEntry> read = PrivacyLedger.read(file).entries();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrivacyLedger.replay(read, 1e-5));
        assertTrue(e.getMessage().startsWith("round 4: field pass_sigma: pass 1 records sigma="), e.getMessage());
        // Consistent sigma, inconsistent z_eff: the composition check names z_eff.
        final double[] sg = good.passSigma();
        sg[1] = pz[1] * good.passSensitivity()[1];
        final LedgerEntry bad2 = new LedgerEntry(4, Q, "secure", good.z(), good.sensitivity(), good.rdp(), "gated",
            good.zEff(), good.passNames(), pz, good.passSensitivity(), sg);
        assertTrue(bad2.passProblem().startsWith("field z_eff: passes compose to z_eff="), bad2.passProblem());
    }
}
