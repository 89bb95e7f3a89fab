package io.canopy.global.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.canopy.io.FileFormatException;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator resuming a journal refuses a privacy ledger that is missing, short, duplicated, reordered or edited,
 * and never continues from a lower ε than the round ledger recorded.
 */
class JournalConsistencyTest {

    static final double Q = 0.05;
    static final double DELTA = 1e-5;

    @TempDir
    Path dir;

    /** Round r's privacy entry: q, tier-3 multiplier z (a legacy entry, charged at z). */
    static LedgerEntry entry(long r, double q, double z) {
        double[] rdp = new RdpAccountant().stepRdp(q, z);
        return new LedgerEntry(r, q, "secure", new double[] {0, 0, z}, new double[] {0, 0, 1}, rdp);
    }

    /** ε after composing {@code n} rounds at (Q, z): what the coordinator records. */
    static double epsilonAfter(int n, double z) {
        return new RdpAccountant().compose(Q, z, n).spent(DELTA).epsilonBalle();
    }

    static RoundRecord withEpsilon(RoundRecord r, double epsilon) {
        return new RoundRecord(r.round(), r.modelVersion(), r.openedAtEpochMs(), r.closedAtEpochMs(), r.outcome(),
            r.continentsExpected(), r.continentsAccepted(), r.continentsFailed(), r.clustersExpected(),
            r.clustersReleased(), r.clustersFailed(), r.leavesInvited(), r.leavesAccepted(), r.leavesLate(),
            r.ingestRejections(), r.frameRejections(), r.krumRejected(), epsilon, DELTA, r.sampler(), r.checkpoint(),
            r.modelCrc32c(), r.tier1WallMs(), r.tier2WallMs(), r.tier3WallMs());
    }

    /** A journal of three honest rounds at z = 1. */
    private Path journalOfThreeRounds() throws Exception {
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            journal.resume(1);
            for (int r = 1; r <= 3; r++) {
                long crc = journal.publishModel(r, new float[] {r, r});
                journal.record(withEpsilon(Rounds.record(r, r, crc), epsilonAfter(r, 1.0)), entry(r, Q, 1.0));
            }
        }
        return dir.resolve(DirectoryJournal.PRIVACY_FILE);
    }

    private String refusal() throws Exception {
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            return assertThrows(FileFormatException.class, () -> journal.resume(1)).getMessage();
        }
    }

    private void rewritePrivacy(Path file, LedgerEntry... entries) throws Exception {
        Files.delete(file);
        try (PrivacyLedger l = PrivacyLedger.open(file)) {
            for (LedgerEntry e : entries) {
                l.append(e);
            }
        }
    }

    @Test
    void shouldResumeAnHonestJournalAfterItsLastRound() throws Exception {
        journalOfThreeRounds();
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            assertEquals(4, journal.resume(1).nextRound());
        }
    }

    @Test
    void shouldRefuseToResumeWhenThePrivacyLedgerIsMissingSayingHowToRecover() throws Exception {
        Path privacy = journalOfThreeRounds();
        Files.delete(privacy);
        assertEquals(privacy + ": the round ledger " + dir.resolve(RoundLedger.YAML_FILE) + " records 3 round(s), 1 .. 3,"
            + " epsilon " + epsilonAfter(3, 1.0) + " after round 3, but the privacy ledger " + privacy + " is missing:"
            + " resuming would restart the privacy accounting at zero and understate epsilon; refusing to resume:"
            + " restore the privacy ledger from a backup taken with this round ledger, or start a new journal directory"
            + " (--journal) for a new run", refusal());
        assertTrue(refusal().contains(" is empty: "), "the file the refused open created is still refused");
    }

    @Test
    void shouldRefuseAPrivacyLedgerThatLacksARecordedRound() throws Exception {
        Path privacy = journalOfThreeRounds();
        rewritePrivacy(privacy, entry(1, Q, 1.0), entry(3, Q, 1.0));
        String why = refusal();
        assertTrue(why.contains("but the privacy ledger " + privacy + " (2 entries, rounds 1 .. 3) has no entry for"
            + " round(s) 2: those rounds would go uncharged; refusing to resume"), why);
    }

    @Test
    void shouldRefuseAPrivacyLedgerWhoseLastEntryWasTornAway() throws Exception {
        Path privacy = journalOfThreeRounds();
        byte[] all = Files.readAllBytes(privacy);
        Files.write(privacy, Arrays.copyOf(all, all.length - 30));
        String why = refusal();
        assertTrue(why.contains("has no entry for round(s) 3: those rounds would go uncharged"), why);
    }

    @Test
    void shouldRefuseADuplicatedReorderedOrEditedPrivacyLedgerWhenTheJournalOpens() throws Exception {
        Path privacy = journalOfThreeRounds();
        String text = Files.readString(privacy);
        int second = text.indexOf("---\n", text.indexOf("---\n") + 1);
        int third = text.indexOf("---\n", second + 1);
        String duplicated = text.substring(0, third) + text.substring(second, third) + text.substring(third);
        String reordered = text.substring(0, second) + text.substring(third) + text.substring(second, third);
        String edited = text.replaceFirst("\nq: [0-9.E-]+\n", "\nq: 0.01\n");
        for (String forged : List.of(duplicated, reordered, edited)) {
            Files.writeString(privacy, forged);
            FileFormatException e = assertThrows(FileFormatException.class, () -> DirectoryJournal.open(dir).close());
            assertTrue(e.getMessage().startsWith(privacy + ": record ") && e.getMessage().contains(" is ")
                && e.getMessage().endsWith("; not a torn tail, so nothing was truncated"), e.getMessage());
            assertEquals(forged, Files.readString(privacy), "nothing truncated");
        }
    }

    @Test
    void shouldRefuseAValidlyChainedPrivacyLedgerThatReplaysToALowerEpsilon() throws Exception {
        Path privacy = journalOfThreeRounds();
        // Every round present and the chain rewritten from scratch, but round 3 now claims more noise.
        rewritePrivacy(privacy, entry(1, Q, 1.0), entry(2, Q, 1.0), entry(3, Q, 4.0));
        String why = refusal();
        assertTrue(why.contains(" replays to epsilon ") && why.contains(" after round 3 (3 entries), below the epsilon "
            + epsilonAfter(3, 1.0) + " the round ledger "), why);
        assertTrue(why.endsWith("epsilon must never go down; " + JournalConsistency.RECOVERY), why);
    }

    @Test
    void shouldKeepChargingAPrivacyEntryWhoseRoundWasNeverRecorded() throws Exception {
        Path privacy = journalOfThreeRounds();
        try (PrivacyLedger l = PrivacyLedger.open(privacy)) {
            l.append(entry(4, Q, 1.0)); // died between the privacy entry and the record
        }
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            RoundJournal.Resume resume = journal.resume(1);
            assertEquals(5, resume.nextRound());
            assertEquals(4, resume.privacy().size());
        }
    }
}
