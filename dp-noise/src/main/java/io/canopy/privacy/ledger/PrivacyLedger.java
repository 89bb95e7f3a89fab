package io.canopy.privacy.ledger;

import io.canopy.ledger.LogForm;
import io.canopy.ledger.RecordLog;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An append-only, durable file of {@link LedgerEntry} records, one per round, that the accountant can
 * replay. Two forms, chosen by the file name: {@code .yaml}/{@code .yml} for the human-readable YAML form,
 * anything else for the compact binary form; both are written with Chronicle Wire ({@link LedgerCodec}).
 *
 * <p>Framing, hash chain, fsync and recovery are {@link RecordLog}'s (format version 2): binary header
 * {@code CNPYPL2\n}, YAML header {@code # canopy privacy ledger v2}, each followed by the chain line. Round
 * ids are {@code >= 0} and strictly increasing ({@link LedgerCodec#sequenceProblem}): a duplicated, backward or
 * negative one is corruption, since replaying it would charge a round twice or not at all. {@link #append}
 * returns only once the record is on the device: a round is closed only once its record is durable. Reading
 * stops at the first torn or corrupt record and reports it ({@link Contents#problem()}, and whether it is
 * {@link Contents#corrupt()}); every earlier record is returned. Reopening for append truncates a torn tail
 * first, and refuses damage a crash cannot explain. Not thread-safe: one writer per file.
 */
public final class PrivacyLedger implements Closeable {

    /**
     * What a read found: the intact records, a description of a torn or corrupt tail (null if none), and whether
     * the damage is corruption (an error: not what a crash leaves) rather than a torn last record (a warning).
     */
    public record Contents(List<LedgerEntry> entries, String problem, long validBytes, boolean corrupt) {
        public Contents {
            entries = List.copyOf(entries);
        }
    }

    private final RecordLog<LedgerEntry> log;
    private long lastRound;

    private PrivacyLedger(final RecordLog<LedgerEntry> log, final long lastRound) {
        this.log = log;
        this.lastRound = lastRound;
    }

    /** True when {@code file} is written in the YAML form (by its name). */
    public static boolean isYaml(final Path file) {
        return LogForm.of(file) == LogForm.YAML;
    }

    /** Opens (creating if needed) a ledger for appending; a torn tail left by a crash is cut off first. */
    public static PrivacyLedger open(final Path file) throws IOException {
        final RecordLog<LedgerEntry> log = RecordLog.open(file, LedgerCodec.INSTANCE);
        final List<LedgerEntry> found = log.recovered().records();
        return new PrivacyLedger(log, found.isEmpty() ? Long.MIN_VALUE : found.getLast().round());
    }

    /** Appends one round's record and makes it durable (fsync) before returning. */
    public void append(final LedgerEntry e) throws IOException {
        if (e.round() <= lastRound) {
            throw new IllegalArgumentException("round must increase: " + e.round() + " after " + lastRound);
        }
        log.append(e);
        lastRound = e.round();
    }

    /** The bytes {@link #append} would write for {@code e} now (exposed to tests that simulate torn writes). */
    byte[] nextFrame(final LedgerEntry e) {
        return log.nextFrame(e);
    }

    /**
     * Reads and verifies every intact record of a ledger in either form.
     *
     * @throws io.canopy.io.FileFormatException when a verified record does not decode, or the file is larger
     *                                          than {@link RecordLog#MAX_FILE_BYTES}
     */
    public static Contents read(final Path file) throws IOException {
        final RecordLog.Contents<LedgerEntry> c = RecordLog.read(file, LedgerCodec.INSTANCE);
        return new Contents(c.records(), c.problem(), c.validBytes(), c.damage() == RecordLog.Damage.CORRUPT);
    }

    /**
     * Recomputes ε of the published release from scratch: one subsampled-Gaussian step per round at (q, z), z being
     * z_eff for entries with release passes (never one step per pass: see ReleasePasses) and z₃ for legacy ones.
     *
     * @throws IllegalArgumentException naming the round and field when an entry's passes do not compose to its
     *                                  z_eff ({@link LedgerEntry#passProblem()})
     */
    public static PrivacySpent replay(final List<LedgerEntry> entries, final double delta) {
        final String problem = firstPassProblem(entries);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        final RdpAccountant acc = new RdpAccountant();
        for (final LedgerEntry e : entries) {
            acc.compose(e.q(), e.publishedZ(), 1);
        }
        return acc.spent(delta);
    }

    /** "round N: field F: …" for the first entry whose passes are inconsistent, or null. */
    public static String firstPassProblem(final List<LedgerEntry> entries) {
        for (final LedgerEntry e : entries) {
            final String p = e.passProblem();
            if (p != null) {
                return "round " + e.round() + ": " + p;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
