package io.canopy.global.ledger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.ledger.LedgerEntry;

/**
 * Cross-checks a journal's two ledgers before a coordinator takes it over, so that a lost, cut or altered privacy
 * ledger can never make the published ε go down. Each ledger is already verified on its own (hash chain, round
 * order: {@link io.canopy.ledger.RecordLog}); this checks them against each other:
 * <ol>
 *   <li>coverage: every round the round ledger records has a privacy entry (the privacy entry is written first,
 *       so the privacy ledger may hold rounds the round ledger lacks — a coordinator that died between the two —
 *       and those stay charged);</li>
 *   <li>ε never decreases: for each recorded round r, ε replayed from the privacy entries of rounds ≤ r, composed
 *       as the coordinator composes them (one subsampled-Gaussian RDP step per entry at (q, z of the published
 *       release), converted at the record's δ by Balle et al. 2020, Thm. 21; ∞ once a round published without
 *       noise), is at least the ε the record states, to a relative {@value #EPSILON_TOLERANCE}.</li>
 * </ol>
 * Every refusal says what is wrong, where, and how to recover ({@link #RECOVERY}).
 */
public final class JournalConsistency {

    /** Relative slack of the ε comparison: the replay is the coordinator's own arithmetic, so equal in practice. */
    public static final double EPSILON_TOLERANCE = 1e-9;
    /** What an operator can do when a journal is refused. */
    public static final String RECOVERY = "refusing to resume: restore the privacy ledger from a backup taken with"
        + " this round ledger, or start a new journal directory (--journal) for a new run";

    private JournalConsistency() {
    }

    /**
     * Null when the ledgers agree, else one line naming the files, the rounds, the figures and {@link #RECOVERY}.
     *
     * @param privacyExisted whether the privacy ledger file was there before the journal was opened
     */
    public static String problem(List<RoundRecord> rounds, List<LedgerEntry> privacy, Path roundFile, Path privacyFile,
                                 boolean privacyExisted) {
        if (rounds.isEmpty()) {
            return null;
        }
        RoundRecord lastRecord = rounds.getLast();
        String recorded = "the round ledger " + roundFile + " records " + rounds.size() + " round(s), " + rounds.getFirst()
            .round() + " .. " + lastRecord.round() + ", epsilon " + lastRecord.epsilon() + " after round "
            + lastRecord.round();
        if (!privacyExisted || privacy.isEmpty()) {
            return recorded + ", but the privacy ledger " + privacyFile + (privacyExisted ? " is empty" : " is missing")
                + ": resuming would restart the privacy accounting at zero and understate epsilon; " + RECOVERY;
        }
        Set<Long> charged = new HashSet<>();
        privacy.forEach(e -> charged.add(e.round()));
        List<Long> uncovered = new ArrayList<>();
        for (RoundRecord r : rounds) {
            if (!charged.contains(r.round())) {
                uncovered.add(r.round());
            }
        }
        if (!uncovered.isEmpty()) {
            return recorded + ", but the privacy ledger " + privacyFile + " (" + privacy.size() + " entries, rounds "
                + privacy.getFirst().round() + " .. " + privacy.getLast().round() + ") has no entry for round(s) "
                + shortList(uncovered) + ": those rounds would go uncharged; " + RECOVERY;
        }
        return decrease(rounds, privacy, roundFile, privacyFile);
    }

    /** The first recorded round whose ε the privacy entries up to it do not reach, or null. */
    private static String decrease(List<RoundRecord> rounds, List<LedgerEntry> privacy, Path roundFile,
                                   Path privacyFile) {
        RdpAccountant accountant = new RdpAccountant();
        boolean unprotected = false;
        int next = 0;
        for (RoundRecord r : rounds) {
            while (next < privacy.size() && privacy.get(next).round() <= r.round()) {
                LedgerEntry e = privacy.get(next++);
                if (e.publishedZ() > 0) {
                    accountant.compose(e.q(), e.publishedZ(), 1);
                } else {
                    unprotected = true;
                }
            }
            if (!(r.delta() > 0)) {
                continue; // no (ε, δ) conversion at δ = 0; the record's ε is then ∞ and nothing can be below it
            }
            double replayed = unprotected ? Double.POSITIVE_INFINITY
                : accountant.steps() == 0 ? 0 : accountant.spent(r.delta()).epsilonBalle();
            if (!(replayed >= r.epsilon() * (1 - EPSILON_TOLERANCE))) {
                return "the privacy ledger " + privacyFile + " replays to epsilon " + replayed + " after round " + r.round()
                    + " (" + next + " entries), below the epsilon " + r.epsilon() + " the round ledger " + roundFile
                    + " recorded for it at delta " + r.delta() + ": privacy entries are missing or were altered, and"
                    + " epsilon must never go down; " + RECOVERY;
            }
        }
        return null;
    }

    private static String shortList(List<Long> rounds) {
        return rounds.size() <= 8 ? rounds.toString().replaceAll("[\\[\\]]", "")
            : rounds.subList(0, 8).toString().replaceAll("[\\[\\]]", "") + " and " + (rounds.size() - 8) + " more";
    }
}
