package io.canopy.global.ledger;

import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;
import io.canopy.ledger.LogForm;
import io.canopy.ledger.RecordLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The global tier's durable memory: a directory holding the round ledger ({@value #YAML_FILE}, or
 * {@value #BINARY_FILE} in the binary form) and one {@link ModelCheckpoint} per published model version.
 *
 * <p>Order of a round's writes, so the ledger never names a model that is not on disk: publish the
 * checkpoint ({@link #publish}, atomic and fsynced), then {@link #append} the round's record (fsynced).
 * A crash between the two leaves a checkpoint no record names; the next publish of that version replaces
 * it. Framing, hash chain and recovery are {@link RecordLog}'s: {@link #open} reads what is there, cuts a torn
 * last record and reports it in {@link #problem()}, and refuses a ledger damaged in a way a crash cannot
 * explain, including records out of sequence ({@link RoundRecordCodec#sequenceProblem}). A restarted coordinator
 * resumes from {@link #last()} and {@link #latestModel()}.
 *
 * <p>Not thread-safe; one coordinator per directory, enforced by the ledger file's lock.
 */
public final class RoundLedger implements Closeable {

    public static final String YAML_FILE = "rounds.yaml";
    public static final String BINARY_FILE = "rounds.bin";

    /** {@link #lastRound()} of a ledger with no records. */
    public static final long NO_ROUND = -1;

    private final Path directory;
    private final RecordLog<RoundRecord> log;
    private final List<RoundRecord> records;
    private final String problem;

    private RoundLedger(final Path directory, final RecordLog<RoundRecord> log) {
        this.directory = directory;
        this.log = log;
        this.records = new ArrayList<>(log.recovered().records());
        final String found = log.recovered().problem();
        this.problem = found == null ? null : log.file() + ": " + found + "; cut off on open";
    }

    /** Opens (creating the directory if missing) a ledger in the YAML form. */
    public static RoundLedger open(final Path directory) throws IOException {
        return open(directory, LogForm.YAML);
    }

    /**
     * Opens (creating the directory if missing) a ledger in the given form.
     *
     * @throws FileFormatException if the directory holds the ledger in the other form (a configuration
     *                             change would otherwise start a second history), or the ledger is corrupt
     */
    public static RoundLedger open(final Path directory, final LogForm form) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            // The new directory's own entry must survive a power loss too, or the whole ledger could vanish.
            AtomicFiles.forceDirectory(directory.toAbsolutePath().getParent());
        }
        final Path file = directory.resolve(form == LogForm.YAML ? YAML_FILE : BINARY_FILE);
        final Path other = directory.resolve(form == LogForm.YAML ? BINARY_FILE : YAML_FILE);
        if (Files.exists(other)) {
            throw new FileFormatException(other, "the round ledger is in the " + (form == LogForm.YAML ? "binary"
                : "YAML") + " form here, but " + form + " was configured");
        }
        final RoundLedger ledger = new RoundLedger(directory, RecordLog.open(file, RoundRecordCodec.INSTANCE));
        try {
            ledger.removeStaleTemporaryFiles();
        } catch (final IOException e) {
            ledger.close();
            throw e;
        }
        return ledger;
    }

    /**
     * Reads the ledger in {@code directory} without opening it for append (no lock, nothing truncated), for
     * operators' tools while a coordinator runs: whichever of {@value #YAML_FILE} and {@value #BINARY_FILE}
     * is there.
     *
     * @throws FileFormatException if neither or both are there, or a record passes its CRC but does not decode
     */
    public static RecordLog.Contents<RoundRecord> read(final Path directory) throws IOException {
        final Path yaml = directory.resolve(YAML_FILE);
        final Path binary = directory.resolve(BINARY_FILE);
        if (Files.exists(yaml) == Files.exists(binary)) {
            throw new FileFormatException(directory, Files.exists(yaml) ? "holds both " + YAML_FILE + " and "
                + BINARY_FILE : "holds no round ledger (" + YAML_FILE + " or " + BINARY_FILE + ")");
        }
        return RecordLog.read(Files.exists(yaml) ? yaml : binary, RoundRecordCodec.INSTANCE);
    }

    /**
     * Writes a model version's checkpoint into the directory (atomically, fsynced) and returns its CRC32C,
     * which the round's record then carries.
     */
    public long publish(final long modelVersion, final float[] model) throws IOException {
        return ModelCheckpoint.write(checkpoint(modelVersion), model);
    }

    /**
     * Appends a round's record and forces it to the device before returning: the round is closed only once
     * this returns. The record must come after the last one (higher round, no lower model version) and
     * name a checkpoint that is already in the directory.
     */
    public void append(final RoundRecord r) throws IOException {
        final RoundRecord last = records.isEmpty() ? null : records.getLast();
        if (last != null && r.round() <= last.round()) {
            throw new IllegalArgumentException("round=" + r.round() + " must be > the last round " + last.round());
        }
        if (last != null && r.modelVersion() < last.modelVersion()) {
            throw new IllegalArgumentException("modelVersion=" + r.modelVersion() + " must be >= the last "
                + last.modelVersion());
        }
        if (!Files.isRegularFile(directory.resolve(r.checkpoint()))) {
            throw new IllegalArgumentException("checkpoint=" + r.checkpoint() + " is not in " + directory
                + "; publish the model before recording the round");
        }
        log.append(r);
        records.add(r);
    }

    /** The last recorded round id, or {@link #NO_ROUND}. */
    public long lastRound() {
        return records.isEmpty() ? NO_ROUND : records.getLast().round();
    }

    /** The last recorded round, if any. */
    public Optional<RoundRecord> last() {
        return records.isEmpty() ? Optional.empty() : Optional.of(records.getLast());
    }

    /** Every intact record, oldest first (a snapshot). */
    public List<RoundRecord> records() {
        return List.copyOf(records);
    }

    /** What {@link #open} found wrong and cut off (a torn last record), with the file name; null if nothing. */
    public String problem() {
        return problem;
    }

    /** Where a model version's checkpoint lives in this ledger's directory. */
    public Path checkpoint(final long modelVersion) {
        return directory.resolve(ModelCheckpoint.fileName(modelVersion));
    }

    /**
     * The model the last record names, read back and checked against the CRC32C the record carries; empty
     * when nothing was recorded yet.
     */
    public Optional<float[]> latestModel() throws IOException {
        final Optional<RoundRecord> last = last();
        if (last.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ModelCheckpoint.read(directory.resolve(last.get().checkpoint()), last.get().modelCrc32c()));
    }

    public Path directory() {
        return directory;
    }

    /** The ledger file. */
    public Path file() {
        return log.file();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    /**
     * A crash while publishing leaves {@code .model-v…npy.…tmp} behind (AtomicFiles removes it only when it
     * sees the failure). Safe to delete here: this process holds the ledger's lock, so no one else publishes.
     */
    private void removeStaleTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, ".model-v*.npy.*.tmp")) {
            for (final Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
    }
}
