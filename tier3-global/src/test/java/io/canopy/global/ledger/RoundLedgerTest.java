package io.canopy.global.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.io.FileFormatException;
import io.canopy.ledger.LogForm;
import io.canopy.ledger.RecordLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoundLedgerTest {

    @TempDir
    Path tmp;

    private static float[] model(final long version) {
        final float[] m = new float[257];
        for (int i = 0; i < m.length; i++) {
            m[i] = version * 0.5f - i * 1e-3f;
        }
        return m;
    }

    /** Runs rounds 0..n-1 as a coordinator would: publish the model, then record the round. */
    private static List<RoundRecord> run(final RoundLedger ledger, final int from, final int n) throws Exception {
        final List<RoundRecord> out = new ArrayList<>();
        for (int round = from; round < from + n; round++) {
            final long version = round + 1L;
            final long crc = ledger.publish(version, model(version));
            final RoundRecord r = Rounds.record(round, version, crc);
            ledger.append(r);
            out.add(r);
        }
        return out;
    }

    private Path ledgerFile(final Path dir, final LogForm form) {
        return dir.resolve(form == LogForm.YAML ? RoundLedger.YAML_FILE : RoundLedger.BINARY_FILE);
    }

    @ParameterizedTest
    @EnumSource(LogForm.class)
    void shouldReadBackEveryRoundAndResumeFromTheLastOne(final LogForm form) throws Exception {
        final Path dir = tmp.resolve("ledger-" + form).resolve("nested");
        final List<RoundRecord> written;
        try (RoundLedger ledger = RoundLedger.open(dir, form)) {
            assertEquals(RoundLedger.NO_ROUND, ledger.lastRound());
            assertEquals(Optional.empty(), ledger.latestModel());
            written = run(ledger, 0, 6);
        }
        try (RoundLedger ledger = RoundLedger.open(dir, form)) {
            assertEquals(written, ledger.records());
            assertNull(ledger.problem());
            assertEquals(5, ledger.lastRound());
            assertEquals(written.getLast(), ledger.last().orElseThrow());
            assertArrayEquals(model(6), ledger.latestModel().orElseThrow());
            written.addAll(run(ledger, 6, 2));
        }
        assertEquals(written, RecordLog.read(ledgerFile(dir, form), RoundRecordCodec.INSTANCE).records());
        assertEquals(written, RoundLedger.read(dir).records());
        assertEquals(tmp + ": holds no round ledger (rounds.yaml or rounds.bin)",
            assertThrows(FileFormatException.class, () -> RoundLedger.read(tmp)).getMessage());
        if (form == LogForm.YAML) {
            final String text = Files.readString(ledgerFile(dir, form));
            assertTrue(text.startsWith("# canopy round ledger v2\n# chain sha256\n---\nround: 0\nmodelVersion: 1\n"), text);
            assertTrue(text.contains("outcome: QUORUM_AT_DEADLINE\n"), text);
            assertTrue(text.contains("checkpoint: model-v00000008.npy\n"), text);
        }
    }

    @ParameterizedTest
    @EnumSource(LogForm.class)
    void shouldSurviveACrashAtEveryByteOfTheLastRecord(final LogForm form) throws Exception {
        final Path dir = tmp.resolve("crash-" + form);
        final List<RoundRecord> written;
        try (RoundLedger ledger = RoundLedger.open(dir, form)) {
            written = run(ledger, 0, 3);
        }
        final Path file = ledgerFile(dir, form);
        final byte[] intact = Files.readAllBytes(file);
        final long crc = ModelCheckpoint.write(dir.resolve(ModelCheckpoint.fileName(4)), model(4));
        final RoundRecord fourth = Rounds.record(3, 4, crc);
        final byte[] frame = RecordLog.nextFrame(file, fourth, RoundRecordCodec.INSTANCE, null);
        for (int cut = 1; cut < frame.length; cut++) {
            final byte[] torn = Arrays.copyOf(intact, intact.length + cut);
            System.arraycopy(frame, 0, torn, intact.length, cut);
            Files.write(file, torn);
            try (RoundLedger ledger = RoundLedger.open(dir, form)) {
                assertEquals(written, ledger.records(), "cut " + cut);
                assertEquals(2, ledger.lastRound());
                assertTrue(ledger.problem().startsWith(file + ": record 4 at byte " + intact.length
                    + " is torn or corrupt ("), ledger.problem());
                assertTrue(ledger.problem().endsWith("; the 3 records before it are intact; cut off on open"),
                    ledger.problem());
                assertArrayEquals(intact, Files.readAllBytes(file), "cut " + cut);
                ledger.append(fourth);
            }
            try (RoundLedger ledger = RoundLedger.open(dir, form)) {
                assertNull(ledger.problem());
                assertEquals(fourth, ledger.last().orElseThrow(), "cut " + cut);
                assertArrayEquals(model(4), ledger.latestModel().orElseThrow());
            }
        }
    }

    @Test
    void shouldRemoveTemporaryFilesACrashLeftWhilePublishingAndKeepEverythingElse() throws Exception {
        final Path dir = tmp.resolve("stale");
        try (RoundLedger ledger = RoundLedger.open(dir)) {
            run(ledger, 0, 1);
        }
        Files.writeString(dir.resolve(".model-v00000002.npy.k3j9x.tmp"), "half a checkpoint");
        Files.writeString(dir.resolve("notes.txt"), "operator's");
        try (RoundLedger ledger = RoundLedger.open(dir)) {
            assertEquals(0, ledger.lastRound());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("model-v00000001.npy", "notes.txt", "rounds.yaml"),
                files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void shouldRefuseRecordsOutOfOrderOrNamingAMissingCheckpointAndWriteNothing() throws Exception {
        final Path dir = tmp.resolve("order");
        try (RoundLedger ledger = RoundLedger.open(dir)) {
            run(ledger, 0, 2);
            final long size = Files.size(ledger.file());
            assertEquals("round=1 must be > the last round 1",
                assertThrows(IllegalArgumentException.class, () -> ledger.append(Rounds.record(1, 2, 0))).getMessage());
            assertEquals("modelVersion=1 must be >= the last 2",
                assertThrows(IllegalArgumentException.class, () -> ledger.append(Rounds.record(2, 1, 0))).getMessage());
            assertEquals("checkpoint=model-v00000009.npy is not in " + dir + "; publish the model before recording"
                + " the round",
                assertThrows(IllegalArgumentException.class, () -> ledger.append(Rounds.record(2, 9, 0))).getMessage());
            assertEquals(size, Files.size(ledger.file()));
            assertEquals(1, ledger.lastRound());
        }
    }

    @Test
    void shouldRefuseTheOtherFormAndACheckpointThatNoLongerMatchesItsRecord() throws Exception {
        final Path dir = tmp.resolve("form");
        try (RoundLedger ledger = RoundLedger.open(dir, LogForm.BINARY)) {
            run(ledger, 0, 1);
        }
        final FileFormatException e = assertThrows(FileFormatException.class, () -> RoundLedger.open(dir));
        assertEquals(dir.resolve("rounds.bin") + ": the round ledger is in the binary form here, but YAML was"
            + " configured", e.getMessage());

        ModelCheckpoint.write(dir.resolve(ModelCheckpoint.fileName(1)), model(99));
        try (RoundLedger ledger = RoundLedger.open(dir, LogForm.BINARY)) {
            final String msg = assertThrows(FileFormatException.class, ledger::latestModel).getMessage();
            assertTrue(msg.startsWith(dir.resolve("model-v00000001.npy") + ": CRC32C of the model is "), msg);
            assertTrue(msg.endsWith(", the ledger recorded " + String.format("%08x", ModelCheckpoint.crc32c(model(1)))),
                msg);
        }
    }
}
