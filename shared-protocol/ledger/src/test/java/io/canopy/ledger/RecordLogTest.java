package io.canopy.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.io.FileFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordLogTest {

    /** A record with every kind of field the real ledgers use. */
    record Sample(long id, String note, double x, long[] counts) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Sample s && id == s.id && note.equals(s.note)
                && Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(s.x) && Arrays.equals(counts, s.counts);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }
    }

    static class SampleCodec implements RecordCodec<Sample> {
        @Override
        public String name() {
            return "sample log";
        }

        @Override
        public byte[] binaryHeader() {
            return "CNPYSMP1\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String yamlHeader() {
            return "# canopy sample log v1\n";
        }

        @Override
        public void write(final WireOut w, final Sample s, final LogForm form) {
            w.write("id").int64(s.id());
            w.write("note").text(s.note());
            WireValues.float64(w.write("x"), s.x(), form);
            WireValues.int64s(w, "counts", s.counts());
        }

        @Override
        public Sample read(final WireIn w, final LogForm form) {
            final long id = WireValues.required(w, "id").int64();
            final String note = WireValues.required(w, "note").text();
            final double x = WireValues.float64(WireValues.required(w, "x"), form);
            return new Sample(id, note, x, WireValues.int64s(w, "counts"));
        }
    }

    static final SampleCodec CODEC = new SampleCodec();

    @TempDir
    Path dir;

    /** A record's frame with a zero chain head: the right length, for offsets and torn writes. */
    static byte[] frameOf(final Sample s, final LogForm form) {
        return RecordLog.frame(s, CODEC, form, RecordChain.forWriting(null), new byte[RecordChain.DIGEST_BYTES]);
    }

    /** The codec's header and the chain line of a SHA-256 chained file. */
    static int headerBytes(final LogForm form) {
        return form == LogForm.YAML ? CODEC.yamlHeader().length() + "# chain sha256\n".length()
            : CODEC.binaryHeader().length + "chain sha256\n".length();
    }

    private static List<Sample> samples(final int n) {
        final List<Sample> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new Sample(i, "round " + i, 7.060889647943549E-4 * i, new long[] {i, 0, Long.MAX_VALUE - i, -i}));
        }
        return out;
    }

    private Path written(final String name, final List<Sample> records) throws Exception {
        final Path file = dir.resolve(name);
        try (RecordLog<Sample> log = RecordLog.open(file, CODEC)) {
            for (final Sample s : records) {
                log.append(s);
            }
        }
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log.bin", "log.yaml"})
    void shouldReadBackEveryRecordBitForBit(final String name) throws Exception {
        final List<Sample> records = samples(20);
        final Path file = written(name, records);
        final RecordLog.Contents<Sample> c = RecordLog.read(file, CODEC);
        assertEquals(records, c.records());
        assertNull(c.problem());
        assertEquals(RecordLog.Damage.NONE, c.damage());
        assertEquals(Files.size(file), c.validBytes());
        try (RecordLog<Sample> log = RecordLog.open(file, CODEC)) {
            assertEquals(records, log.recovered().records());
        }
        if (name.endsWith(".yaml")) {
            final String text = Files.readString(file);
            assertTrue(text.startsWith("# canopy sample log v1\n# chain sha256\n---\nid: 1\nnote: round 1\n"), text.substring(0, 80));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"crash.bin", "crash.yaml"})
    void shouldKeepEarlierRecordsAndCutTheTornTailWhereverTheCrashCut(final String name) throws Exception {
        final List<Sample> records = samples(4);
        final Path file = written(name, records.subList(0, 3));
        final byte[] intact = Files.readAllBytes(file);
        final byte[] fourth = frameOf(records.get(3), LogForm.of(file));
        for (int cut = 1; cut < fourth.length; cut++) {
            final byte[] torn = Arrays.copyOf(intact, intact.length + cut);
            System.arraycopy(fourth, 0, torn, intact.length, cut);
            Files.write(file, torn);
            final RecordLog.Contents<Sample> c = RecordLog.read(file, CODEC);
            assertEquals(records.subList(0, 3), c.records(), "cut " + cut);
            assertTrue(c.problem().startsWith("record 4 at byte " + intact.length + " is torn or corrupt ("), c.problem());
            assertTrue(c.problem().endsWith("); the 3 records before it are intact"), c.problem());
            assertEquals(RecordLog.Damage.TORN_TAIL, c.damage(), "cut " + cut);
            assertEquals(intact.length, c.validBytes());
            try (RecordLog<Sample> log = RecordLog.open(file, CODEC)) {
                assertEquals(c, log.recovered());
                assertArrayEquals(intact, Files.readAllBytes(file), "reopening cuts exactly the torn tail, cut " + cut);
                log.append(records.get(3));
            }
            final RecordLog.Contents<Sample> healed = RecordLog.read(file, CODEC);
            assertEquals(records, healed.records(), "cut " + cut);
            assertNull(healed.problem());
        }
    }

    @Test
    void shouldNameTheCauseOfEachKindOfTornBinaryTail() throws Exception {
        final Path file = written("why.bin", samples(1));
        final long intact = Files.size(file);
        final byte[] second = frameOf(samples(2).get(1), LogForm.BINARY);
        Files.write(file, Arrays.copyOf(second, 5), java.nio.file.StandardOpenOption.APPEND);
        assertEquals("record 2 at byte " + intact + " is torn or corrupt (its 72-byte frame header is cut short); the 1"
            + " records before it are intact", RecordLog.read(file, CODEC).problem());
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) intact));
        Files.write(file, Arrays.copyOf(second, 75), java.nio.file.StandardOpenOption.APPEND);
        assertEquals("record 2 at byte " + intact + " is torn or corrupt (it declares " + (second.length - 72)
            + " bytes, 3 remain); the 1 records before it are intact", RecordLog.read(file, CODEC).problem());
    }

    @Test
    void shouldTreatAZeroFilledTailAsTorn() throws Exception {
        final Path file = written("zeros.bin", samples(2));
        final long intact = Files.size(file);
        Files.write(file, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        final RecordLog.Contents<Sample> c = RecordLog.read(file, CODEC);
        assertEquals(RecordLog.Damage.TORN_TAIL, c.damage());
        assertEquals("record 3 at byte " + intact + " is torn or corrupt (it declares 0 bytes, 4024 remain); the 2"
            + " records before it are intact", c.problem());
        RecordLog.open(file, CODEC).close();
        assertEquals(intact, Files.size(file));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flip.bin", "flip.yaml"})
    void shouldDetectAFlippedByteInTheLastRecordByItsChecksum(final String name) throws Exception {
        final Path file = written(name, samples(3));
        final byte[] all = Files.readAllBytes(file);
        all[all.length - 20] ^= 0x01;
        Files.write(file, all);
        final RecordLog.Contents<Sample> c = RecordLog.read(file, CODEC);
        assertEquals(samples(2), c.records());
        assertTrue(c.problem().startsWith("record 3 at byte ") && c.problem().contains("(its CRC-32 does not match)"),
            c.problem());
        assertEquals(RecordLog.Damage.TORN_TAIL, c.damage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"middle.bin", "middle.yaml"})
    void shouldRefuseToTruncateDamageBeforeTheLastRecord(final String name) throws Exception {
        final Path file = written(name, samples(3));
        final int header = headerBytes(LogForm.of(file));
        final int first = frameOf(samples(1).get(0), LogForm.of(file)).length;
        final byte[] all = Files.readAllBytes(file);
        all[header + first + 12] ^= 0x01;
        Files.write(file, all);
        final RecordLog.Contents<Sample> c = RecordLog.read(file, CODEC);
        assertEquals(RecordLog.Damage.CORRUPT, c.damage());
        final FileFormatException e = assertThrows(FileFormatException.class, () -> RecordLog.open(file, CODEC));
        assertEquals(file + ": record 2 at byte " + (header + first) + " is torn or corrupt (its CRC-32 does not"
            + " match); the 1 records before it are intact; not a torn tail, so nothing was truncated", e.getMessage());
        assertArrayEquals(all, Files.readAllBytes(file), "a refused open changes nothing");
    }

    /**
     * Every single-bit flip anywhere in the file: the reader keeps exactly the records before the damaged
     * one, and calls it a torn tail (safe to cut) only when it is in the last record, so no flip can make
     * {@link RecordLog#open} truncate a record that was intact.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"every.bin", "every.yaml"})
    void shouldNeverCallDamageATornTailWhenAnIntactRecordFollowsIt(final String name) throws Exception {
        final List<Sample> records = samples(4);
        final Path file = written(name, records);
        final LogForm form = LogForm.of(file);
        final byte[] good = Files.readAllBytes(file);
        final int header = headerBytes(form);
        final int[] frameStart = new int[records.size() + 1];
        frameStart[0] = header;
        for (int k = 0; k < records.size(); k++) {
            frameStart[k + 1] = frameStart[k] + frameOf(records.get(k), form).length;
        }
        assertEquals(good.length, frameStart[records.size()]);
        for (int at = 0; at < good.length; at++) {
            for (final int bit : new int[] {0x01, 0x80}) {
                final byte[] bad = good.clone();
                bad[at] ^= (byte) bit;
                Files.write(file, bad);
                int k = -1;
                while (k + 1 < records.size() && frameStart[k + 1] <= at) {
                    k++;
                }
                final RecordLog.Contents<Sample> c = RecordLog.read(file, CODEC);
                final String where = "byte " + at + " bit " + bit + ": " + c.problem();
                assertEquals(records.subList(0, Math.max(k, 0)), c.records(), where);
                final boolean inLast = k == records.size() - 1;
                assertEquals(inLast ? RecordLog.Damage.TORN_TAIL : RecordLog.Damage.CORRUPT, c.damage(), where);
            }
        }
    }

    @Test
    void shouldRefuseAFileOfAnotherKindAndRecoverAHeaderCutShort() throws Exception {
        final Path other = dir.resolve("other.bin");
        Files.writeString(other, "CNPYPL1\nsomething else");
        final FileFormatException e = assertThrows(FileFormatException.class, () -> RecordLog.open(other, CODEC));
        assertEquals(other + ": not a binary sample log (bad header); not a torn tail, so nothing was truncated",
            e.getMessage());
        assertEquals("CNPYPL1\nsomething else", Files.readString(other));

        final Path cut = dir.resolve("cut.yaml");
        Files.writeString(cut, "# canopy sam");
        assertEquals("the header is cut short at 12 bytes", RecordLog.read(cut, CODEC).problem());
        try (RecordLog<Sample> log = RecordLog.open(cut, CODEC)) {
            log.append(samples(1).get(0));
        }
        assertEquals(samples(1), RecordLog.read(cut, CODEC).records());
    }

    @Test
    void shouldRefuseARecordThatPassesItsChecksumButNotTheSchema() throws Exception {
        final Path file = dir.resolve("schema.bin");
        final RecordCodec<Sample> noteless = new SampleCodec() {
            @Override
            public void write(final WireOut w, final Sample s, final LogForm form) {
                w.write("id").int64(s.id());
                w.write("note").int64(7);
            }
        };
        try (RecordLog<Sample> log = RecordLog.open(file, noteless)) {
            log.append(samples(1).get(0));
        }
        final FileFormatException e = assertThrows(FileFormatException.class, () -> RecordLog.read(file, CODEC));
        assertEquals(file + ": record 1 at byte 22 passes its CRC-32 and hash chain but is not a sample log"
            + " record (missing field 'x')", e.getMessage());
    }

    @Test
    void shouldRefuseASecondWriterWhileTheFirstIsOpen() throws Exception {
        final Path file = dir.resolve("locked.yaml");
        try (RecordLog<Sample> log = RecordLog.open(file, CODEC)) {
            log.append(samples(1).get(0));
            final io.canopy.io.FileLockedException e = assertThrows(io.canopy.io.FileLockedException.class,
                () -> RecordLog.open(file, CODEC));
            assertEquals(file + ": locked by another writer", e.getMessage());
            assertEquals(file, e.file());
        }
        assertEquals(1, RecordLog.read(file, CODEC).records().size());
    }
}
