package io.canopy.privacy.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrivacyLedgerTest {

    @TempDir
    Path dir;

    private static List<LedgerEntry> rounds(final int n) {
        final RdpAccountant acc = new RdpAccountant();
        final List<LedgerEntry> out = new ArrayList<>();
        for (int r = 1; r <= n; r++) {
            final double q = r % 2 == 0 ? 0.1 : 0.05;
            final double z = 1.0 + r * 0.125;
            out.add(new LedgerEntry(r, q, "secure", new double[] {0, 0, z}, new double[] {2, 0.1, 0.002},
                acc.stepRdp(q, z)));
        }
        return out;
    }

    /** Appends {@code entries} to a new ledger at {@code file}, closes it and reads it back. */
    static PrivacyLedger.Contents writtenAndRead(final Path file, final List<LedgerEntry> entries) throws Exception {
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            for (final LedgerEntry e : entries) {
                l.append(e);
            }
        }
        return PrivacyLedger.read(file);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ledger.bin", "ledger.yaml"})
    void records_read_back_exactly_and_replay_to_the_same_epsilon_as_direct_accounting(final String name) throws Exception {
        final Path file = dir.resolve(name);
        final List<LedgerEntry> written = rounds(12);
        final PrivacyLedger.Contents c = writtenAndRead(file, written);
        assertNull(c.problem());
        assertEquals(written, c.entries());
        final RdpAccountant direct = new RdpAccountant();
        written.forEach(e -> direct.compose(e.q(), e.publishedZ(), 1));
        final PrivacySpent replayed = PrivacyLedger.replay(c.entries(), 1e-5);
        assertEquals(direct.spent(1e-5).epsilon(), replayed.epsilon(), 0.0);
        if (name.endsWith(".yaml")) {
            final String text = Files.readString(file);
            assertTrue(text.contains("round: 3"), text.substring(0, 400));
            assertTrue(text.contains("sampler: secure"));
        }
    }

    /** Framing, torn tails and checksums are RecordLog's and tested there; this checks the ledger is wired to them. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"crash.bin", "crash.yaml"})
    void a_reopened_ledger_cuts_a_torn_last_record_and_continues_after_the_last_intact_round(final String name)
        throws Exception {
        final Path file = dir.resolve(name);
        final List<LedgerEntry> written = rounds(5);
        final byte[] fifth;
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            for (final LedgerEntry e : written.subList(0, 4)) {
                l.append(e);
            }
            fifth = l.nextFrame(written.get(4));
        }
        final long intact = Files.size(file);
        Files.write(file, Arrays.copyOf(fifth, fifth.length / 2), StandardOpenOption.APPEND);
        final PrivacyLedger.Contents torn = PrivacyLedger.read(file);
        assertEquals(written.subList(0, 4), torn.entries());
        assertTrue(torn.problem().startsWith("record 5 at byte " + intact + " is torn or corrupt"), torn.problem());
        assertEquals(intact, torn.validBytes());
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> l.append(written.get(3)));
            assertEquals("round must increase: 4 after 4", e.getMessage());
            l.append(written.get(4));
        }
        final PrivacyLedger.Contents c = PrivacyLedger.read(file);
        assertNull(c.problem());
        assertEquals(written, c.entries());
    }
}
