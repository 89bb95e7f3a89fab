package io.canopy.global.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.canopy.io.FileFormatException;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;

/**
 * A {@link RoundJournal} in one local directory: {@value RoundLedger#YAML_FILE} (the round ledger),
 * {@value #PRIVACY_FILE} (the privacy ledger) and the {@code model-v*.npy} checkpoints. One coordinator
 * at a time: both ledgers hold a lock on their file while open.
 */
public final class DirectoryJournal implements RoundJournal {

    /** The privacy ledger's file name in the directory. */
    public static final String PRIVACY_FILE = "privacy.yaml";

    private final RoundLedger rounds;
    private final PrivacyLedger privacy;
    private final List<LedgerEntry> privacyEntries;
    private final Path privacyFile;
    private final boolean privacyExisted;
    private boolean closed;
    private volatile java.util.function.LongConsumer afterPrivacyEntry = round -> { };

    private DirectoryJournal(RoundLedger rounds, PrivacyLedger privacy, List<LedgerEntry> privacyEntries,
                             Path privacyFile, boolean privacyExisted) {
        this.rounds = rounds;
        this.privacy = privacy;
        this.privacyEntries = privacyEntries;
        this.privacyFile = privacyFile;
        this.privacyExisted = privacyExisted;
    }

    /** Opens (creating it if missing) the journal in {@code directory}. */
    public static DirectoryJournal open(Path directory) throws IOException {
        RoundLedger rounds = RoundLedger.open(directory);
        try {
            Path privacyFile = directory.resolve(PRIVACY_FILE);
            boolean existed = Files.exists(privacyFile);
            List<LedgerEntry> entries = existed ? PrivacyLedger.read(privacyFile).entries() : List.of();
            return new DirectoryJournal(rounds, PrivacyLedger.open(privacyFile), new ArrayList<>(entries), privacyFile,
                existed);
        } catch (IOException | RuntimeException e) {
            rounds.close();
            throw e;
        }
    }

    @Override
    public long publishModel(long version, float[] model) throws IOException {
        Path file = rounds.checkpoint(version);
        if (Files.isRegularFile(file)) {
            long crc = ModelCheckpoint.crc32c(model);
            // A version is written once; a second, different model under the same version would fork history.
            if (ModelCheckpoint.crc32c(ModelCheckpoint.read(file)) != crc) {
                throw new IllegalStateException(file + " already holds a different model version " + version
                    + "; refusing to overwrite a published version");
            }
            return crc;
        }
        return rounds.publish(version, model);
    }

    @Override
    public void record(RoundRecord round, LedgerEntry entry) throws IOException {
        if (entry.round() != round.round()) {
            throw new IllegalArgumentException("privacy entry for round " + entry.round() + " given with round "
                + round.round());
        }
        privacy.append(entry);
        privacyEntries.add(entry);
        afterPrivacyEntry.accept(entry.round());
        rounds.append(round);
    }

    /**
     * {@inheritDoc}
     *
     * @throws FileFormatException when the privacy ledger does not cover every recorded round or replays to a lower
     *                             ε than one recorded ({@link JournalConsistency}): nothing is changed on disk
     */
    @Override
    public Resume resume(long first) throws IOException {
        String inconsistent = JournalConsistency.problem(rounds.records(), privacyEntries, rounds.file(), privacyFile,
            privacyExisted);
        if (inconsistent != null) {
            throw new FileFormatException(privacyFile, inconsistent);
        }
        long next = first;
        long version = 0;
        float[] model = null;
        if (rounds.last().isPresent()) {
            RoundRecord last = rounds.last().get();
            next = Math.max(next, last.round() + 1);
            version = last.modelVersion();
            model = rounds.latestModel().orElseThrow();
        }
        if (!privacyEntries.isEmpty()) {
            next = Math.max(next, privacyEntries.getLast().round() + 1);
        }
        setAsideUnannounced(version);
        return new Resume(next, version, model, List.copyOf(privacyEntries), RunId.readOrCreate(rounds.directory()),
            CoordinatorEpoch.take(rounds.directory()));
    }

    /**
     * A checkpoint newer than the last recorded round's model was written by a coordinator that died before it
     * recorded (and so announced) the round: nobody was told of it. It is renamed {@code ….npy.unannounced}, kept
     * for forensics, so that the version can be published again by the coordinator taking over.
     */
    private void setAsideUnannounced(long recordedVersion) throws IOException {
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(rounds.directory(), "model-v*.npy")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                long version;
                try {
                    version = Long.parseLong(name.substring("model-v".length(), name.length() - ".npy".length()));
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (version > recordedVersion) {
                    Files.move(file, file.resolveSibling(name + ".unannounced"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The round ledger (records written so far, last round, latest model). */
    public RoundLedger rounds() {
        return rounds;
    }

    /**
     * Fault injection for drills and tests: runs between a round's privacy entry and its record, the moment a
     * crash leaves the privacy ledger one round ahead of the round ledger.
     */
    public void afterPrivacyEntry(java.util.function.LongConsumer hook) {
        this.afterPrivacyEntry = hook;
    }

    @Override
    public String location() {
        return rounds.directory().toString();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return; // the coordinator closes it when it stops, and so may its owner
        }
        closed = true;
        try {
            privacy.close();
        } finally {
            rounds.close();
        }
    }
}
