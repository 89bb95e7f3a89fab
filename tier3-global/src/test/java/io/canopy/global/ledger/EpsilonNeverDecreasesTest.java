package io.canopy.global.ledger;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.canopy.io.FileFormatException;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * EpsilonNeverDecreases: however a privacy ledger is rewritten behind a journal's back (entries dropped, noise
 * multipliers raised or lowered, the chain recomputed so each ledger verifies on its own), a coordinator either
 * refuses to resume or resumes with an ε at least the one the round ledger last recorded.
 */
class EpsilonNeverDecreasesTest {

    private static final String SEED = "20261202";
    private static final double DELTA = 1e-5;

    @Property(seed = SEED, tries = 60)
    void aResumedJournalNeverStartsBelowTheRecordedEpsilon(@ForAll @IntRange(min = 1, max = 4) int rounds,
                                                         @ForAll @DoubleRange(min = 0.5, max = 3) double z,
                                                         @ForAll @IntRange(max = 3) int tamper,
                                                         @ForAll @IntRange(max = 3) int which,
                                                         @ForAll @DoubleRange(min = 0.25, max = 8) double factor)
        throws Exception {
        Path dir = Files.createTempDirectory("eps");
        List<LedgerEntry> honest = new ArrayList<>();
        RdpAccountant acc = new RdpAccountant();
        double recorded = 0;
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            journal.resume(1);
            for (int r = 1; r <= rounds; r++) {
                double q = 0.01 * r;
                LedgerEntry e = JournalConsistencyTest.entry(r, q, z);
                recorded = acc.compose(q, z, 1).spent(DELTA).epsilonBalle();
                long crc = journal.publishModel(r, new float[] {r});
                journal.record(JournalConsistencyTest.withEpsilon(Rounds.record(r, r, crc), recorded), e);
                honest.add(e);
            }
        }
        List<LedgerEntry> forged = new ArrayList<>(honest);
        int k = which % rounds;
        switch (tamper) {
            case 0 -> forged.remove(k);
            case 1 -> forged.set(k, JournalConsistencyTest.entry(k + 1, forged.get(k).q(), z * factor));
            case 2 -> forged.set(k, JournalConsistencyTest.entry(k + 1, forged.get(k).q() / factor, z));
            default -> forged.subList(k, forged.size()).clear();
        }
        Path privacy = dir.resolve(DirectoryJournal.PRIVACY_FILE);
        Files.delete(privacy);
        try (PrivacyLedger l = PrivacyLedger.open(privacy)) {
            for (LedgerEntry e : forged) {
                l.append(e);
            }
        }
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            RoundJournal.Resume resume = journal.resume(1);
            double resumed = PrivacyLedger.replay(resume.privacy(), DELTA).epsilonBalle();
            assertTrue(resumed >= recorded * (1 - JournalConsistency.EPSILON_TOLERANCE),
                "resumed at epsilon " + resumed + " below the recorded " + recorded);
        } catch (FileFormatException refused) {
            assertTrue(refused.getMessage().contains(JournalConsistency.RECOVERY), refused.getMessage());
        } finally {
            deleteAll(dir);
        }
    }

    private static void deleteAll(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
