package io.canopy.privacy.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ledger.bin", "ledger.yaml"})
    void records_read_back_exactly_and_replay_to_the_same_epsilon_as_direct_accounting(final String name) throws Exception {
        final Path file = dir.resolve(name);
        final List<LedgerEntry> written = rounds(12);
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            for (final LedgerEntry e : written) {
                l.append(e);
            }
        }
        final PrivacyLedger.Contents c = PrivacyLedger.read(file);
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"crash.bin", "crash.yaml"})
    void a_torn_last_record_is_reported_and_every_earlier_record_survives(final String name) throws Exception {
        final Path file = dir.resolve(name);
        final List<LedgerEntry> written = rounds(5);
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            for (final LedgerEntry e : written.subList(0, 4)) {
                l.append(e);
            }
        }
        final long intact = Files.size(file);
        // Simulate a crash mid-write: only part of the fifth record reaches the file, at every cut point.
        final byte[] fifth = PrivacyLedger.frame(written.get(4), name.endsWith(".yaml"));
        for (final int cut : new int[] {1, 4, 7, 8, fifth.length / 2, fifth.length - 1}) {
            final byte[] prefix = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(prefix, (int) intact));
            Files.write(file, Arrays.copyOf(fifth, cut), StandardOpenOption.APPEND);
            final PrivacyLedger.Contents c = PrivacyLedger.read(file);
            assertEquals(written.subList(0, 4), c.entries(), "cut " + cut);
            assertTrue(c.problem() != null && c.problem().startsWith("record 5 at byte " + intact + " is torn or corrupt"),
                "cut " + cut + ": " + c.problem());
            assertEquals(intact, c.validBytes());
        }
        // Recovery: reopening cuts the torn tail, and the next round appends cleanly.
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            l.append(written.get(4));
        }
        final PrivacyLedger.Contents c = PrivacyLedger.read(file);
        assertNull(c.problem());
        assertEquals(written, c.entries());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flip.bin", "flip.yaml"})
    void a_corrupted_byte_in_a_record_is_detected_by_its_checksum(final String name) throws Exception {
        final Path file = dir.resolve(name);
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            for (final LedgerEntry e : rounds(3)) {
                l.append(e);
            }
        }
        final byte[] all = Files.readAllBytes(file);
        all[all.length - 20] ^= 0x01;
        Files.write(file, all);
        final PrivacyLedger.Contents c = PrivacyLedger.read(file);
        assertEquals(2, c.entries().size());
        assertTrue(c.problem().contains("record 3") && c.problem().contains("CRC-32"), c.problem());
    }
}
