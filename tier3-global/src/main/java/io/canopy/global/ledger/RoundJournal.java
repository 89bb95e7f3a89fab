package io.canopy.global.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

import io.canopy.privacy.ledger.LedgerEntry;

/**
 * Where the global coordinator makes a round durable before it announces it: the model checkpoint, then
 * the privacy ledger's entry, then the round ledger's record (the round is closed once that returns). An
 * interface so that a shared store can replace the local directory of {@link DirectoryJournal}.
 */
public interface RoundJournal extends Closeable {

    /** Makes model {@code version} durable (a no-op if it already is) and returns its CRC32C. */
    long publishModel(long version, float[] model) throws IOException;

    /** Appends the round's privacy entry and then its record, each durable before the next step. */
    void record(RoundRecord round, LedgerEntry privacy) throws IOException;

    /**
     * Where a coordinator taking over this journal starts.
     *
     * @param nextRound     the first round id not yet used: after the last round recorded and after the last privacy
     *                      entry (a round whose entry was written but whose record was not is spent, never re-run)
     * @param modelVersion  the model version in force (0 before any round)
     * @param model         that version's weights, checked against the recorded CRC32C; null for a fresh journal
     * @param privacy       every privacy entry, oldest first: the accountant replays them all
     * @param runId         the run's id ({@link RunId}), the same for every coordinator that takes this journal over
     * @param epoch         this coordinator's epoch ({@link CoordinatorEpoch}), higher than any earlier one's
     */
    record Resume(long nextRound, long modelVersion, float[] model, List<LedgerEntry> privacy, long runId, int epoch) {
    }

    /** What this journal already holds; {@code Resume(first, 0, null, [], runId)} when it is fresh. */
    Resume resume(long first) throws IOException;

    /** Where the journal lives, for people (null when it keeps nothing). */
    String location();

    /** A journal that keeps nothing (tests and throw-away runs): checksums only, and a run id of its own. */
    static RoundJournal none() {
        long runId = RunId.draw();
        return new RoundJournal() {
            @Override
            public long publishModel(long version, float[] model) {
                return ModelCheckpoint.crc32c(model);
            }

            @Override
            public void record(RoundRecord round, LedgerEntry privacy) {
            }

            @Override
            public Resume resume(long first) {
                return new Resume(first, 0, null, List.of(), runId, 0);
            }

            @Override
            public String location() {
                return null;
            }

            @Override
            public void close() {
            }
        };
    }
}
