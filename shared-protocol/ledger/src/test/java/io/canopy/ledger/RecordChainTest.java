package io.canopy.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.io.FileFormatException;
import io.canopy.ledger.RecordLogTest.Sample;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hash chain, the sequence rule, the HMAC key and the format version of {@link RecordLog}. */
class RecordChainTest {

    /** The sample codec with the ledgers' rule: ids strictly increase. */
    static final RecordLogTest.SampleCodec ORDERED = new RecordLogTest.SampleCodec() {
        @Override
        public String sequenceProblem(final Sample previous, final Sample s) {
            return previous != null && s.id() <= previous.id() ? "id " + s.id() + " after id " + previous.id() : null;
        }
    };
    private static final LedgerKey KEY = LedgerKey.of("an operator key of 32 characters");

    @TempDir
    Path dir;

    static List<Sample> samples(final int n) {
        final List<Sample> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new Sample(i, "round " + i, 0.5 * i, new long[] {i}));
        }
        return out;
    }

    private Path written(final String name, final List<Sample> records, final LedgerKey key) throws Exception {
        final Path file = dir.resolve(name);
        try (RecordLog<Sample> log = RecordLog.open(file, ORDERED, key)) {
            for (final Sample s : records) {
                log.append(s);
            }
        }
        return file;
    }

    /** Start offsets of the binary frames of {@code all}, and its length last. */
    static int[] frames(final byte[] all, final int header) {
        final List<Integer> at = new ArrayList<>();
        final ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = header; p < all.length; p += 72 + b.getInt(p)) {
            at.add(p);
        }
        at.add(all.length);
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Recomputes a binary frame's CRC-32 after an edit, as someone who knows the format would. */
    static void recrc(final byte[] all, final int frame) {
        final ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32 c = new CRC32();
        c.update(all, frame + 8, 64 + b.getInt(frame));
        b.putInt(frame + 4, (int) c.getValue());
    }

    /** Replaces {@code from} by {@code to} (same length) in the YAML text and recomputes that record's CRC line. */
    static String editYaml(final String text, final String from, final String to) {
        final int at = text.indexOf(from);
        final int start = text.lastIndexOf("---\n", at);
        final int mark = text.indexOf("# crc32 ", at);
        final String body = text.substring(start, at) + to + text.substring(at + from.length(), mark);
        final CRC32 c = new CRC32();
        c.update(body.getBytes(StandardCharsets.UTF_8));
        return text.substring(0, start) + body + "# crc32 " + String.format("%08x", c.getValue())
            + text.substring(text.indexOf('\n', mark));
    }

    @ParameterizedTest(name = "record {0}")
    @ValueSource(ints = {1, 2, 3})
    void shouldReportARecordEditedWithItsCrcRecomputedAsCorruptEvenWhenItIsTheLast(final int which) throws Exception {
        final Path file = written("edit.bin", samples(3), null);
        final byte[] all = Files.readAllBytes(file);
        final int[] at = frames(all, RecordLogTest.headerBytes(LogForm.BINARY));
        all[at[which] - 10] ^= 0x04; // inside the payload of record `which`
        recrc(all, at[which - 1]);
        Files.write(file, all);
        final RecordLog.Contents<Sample> c = RecordLog.read(file, ORDERED, null);
        assertEquals(RecordLog.Damage.CORRUPT, c.damage());
        assertEquals(samples(which - 1), c.records());
        assertEquals("record " + which + " at byte " + at[which - 1] + " is corrupt (its SHA-256 does not match its"
            + " content: it was edited after it was written); the " + (which - 1) + " records before it are intact",
            c.problem());
        assertThrows(FileFormatException.class, () -> RecordLog.open(file, ORDERED, null));
        assertArrayEquals(all, Files.readAllBytes(file), "a refused open truncates nothing");
    }

    @Test
    void shouldReportAYamlRecordEditedWithItsCrcRecomputed() throws Exception {
        final Path file = written("edit.yaml", samples(3), null);
        Files.writeString(file, editYaml(Files.readString(file), "note: round 3", "note: round 7"));
        final RecordLog.Contents<Sample> c = RecordLog.read(file, ORDERED, null);
        assertEquals(RecordLog.Damage.CORRUPT, c.damage());
        assertEquals(samples(2), c.records());
        assertTrue(c.problem().startsWith("record 3 at byte ") && c.problem().endsWith(" is corrupt (its SHA-256 does"
            + " not match its content: it was edited after it was written); the 2 records before it are intact"),
            c.problem());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"removed", "swapped", "duplicated"})
    void shouldReportARecordRemovedReorderedOrDuplicatedInTheMiddle(final String how) throws Exception {
        final Path file = written("moved.bin", samples(4), null);
        final byte[] all = Files.readAllBytes(file);
        final int[] at = frames(all, RecordLogTest.headerBytes(LogForm.BINARY));
        final byte[] r1 = Arrays.copyOfRange(all, at[1], at[2]);
        final byte[] r2 = Arrays.copyOfRange(all, at[2], at[3]);
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(all, 0, at[1]);
        final List<byte[]> middle = switch (how) {
            case "removed" -> List.of(r2);
            case "swapped" -> List.of(r2, r1);
            default -> List.of(r1, r1, r2);
        };
        for (final byte[] r : middle) {
            out.write(r, 0, r.length);
        }
        out.write(all, at[3], all.length - at[3]);
        Files.write(file, out.toByteArray());
        final RecordLog.Contents<Sample> c = RecordLog.read(file, ORDERED, null);
        assertEquals(RecordLog.Damage.CORRUPT, c.damage(), c.problem());
        final int bad = how.equals("duplicated") ? 3 : 2;
        assertEquals(samples(4).subList(0, bad - 1), c.records());
        assertTrue(c.problem().startsWith("record " + bad + " at byte " + (how.equals("duplicated") ? at[2] : at[1])
            + " is corrupt (its previous-record hash is not record " + (bad - 1) + "'s SHA-256: a record was removed,"
            + " inserted or reordered before it)"), c.problem());
    }

    @Test
    void shouldReportAnIdOutOfSequenceEvenWhenTheChainWasRewrittenAroundIt() throws Exception {
        final Path file = dir.resolve("forged.bin");
        final List<Sample> records = new ArrayList<>(samples(2));
        records.add(samples(2).get(1)); // a writer that skipped the rule: same chain, duplicated id
        try (RecordLog<Sample> log = RecordLog.open(file, new RecordLogTest.SampleCodec(), null)) {
            for (final Sample s : records) {
                log.append(s);
            }
        }
        final RecordLog.Contents<Sample> c = RecordLog.read(file, ORDERED, null);
        assertEquals(RecordLog.Damage.CORRUPT, c.damage());
        assertTrue(c.problem().matches("record 3 at byte \\d+ is corrupt \\(id 2 after id 2\\); the 2 records before"
            + " it are intact"), c.problem());
        try (RecordLog<Sample> log = RecordLog.open(dir.resolve("refused.bin"), ORDERED, null)) {
            log.append(samples(2).get(1));
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> log.append(samples(1).get(0)));
            assertEquals(dir.resolve("refused.bin") + ": refusing to append: id 1 after id 2", e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyed.bin", "keyed.yaml"})
    void shouldChainWithHmacUnderAKeyAndRefuseToReadWithoutItOrWithAnother(final String name) throws Exception {
        final Path file = written(name, samples(3), KEY);
        assertTrue(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("chain hmac-sha256\n"));
        final RecordLog.Contents<Sample> c = RecordLog.read(file, ORDERED, KEY);
        assertEquals(samples(3), c.records());
        assertNull(c.problem());
        final FileFormatException none = assertThrows(FileFormatException.class, () -> RecordLog.read(file, ORDERED, null));
        assertEquals(file + ": its records are chained with HMAC-SHA256 under an operator key; set CANOPY_LEDGER_KEY"
            + " to that key to read or append to it", none.getMessage());
        final RecordLog.Contents<Sample> other = RecordLog.read(file, ORDERED, LedgerKey.of("another key of 32 characters!!!"));
        assertEquals(RecordLog.Damage.CORRUPT, other.damage());
        assertTrue(other.problem().startsWith("record 1 at byte ") && other.problem().contains("(its previous-record"
            + " hash is not the header's: records before it were removed, or CANOPY_LEDGER_KEY is not the key it was"
            + " written with)"), other.problem());
        try (RecordLog<Sample> log = RecordLog.open(file, ORDERED, KEY)) {
            log.append(samples(4).get(3));
        }
        assertEquals(samples(4), RecordLog.read(file, ORDERED, KEY).records());
    }

    @Test
    void shouldRefuseAShortKeyNamingTheVariable() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LedgerKey.of("short"));
        assertEquals("CANOPY_LEDGER_KEY has 5 bytes; a ledger key needs at least 16", e.getMessage());
        assertNull(LedgerKey.from(java.util.Map.of("CANOPY_LEDGER_KEY", "")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"old.bin", "old.yaml"})
    void shouldRefuseAnotherFormatVersionNamingIt(final String name) throws Exception {
        final Path file = dir.resolve(name);
        Files.writeString(file, name.endsWith(".yaml") ? "# canopy sample log v0\n---\nid: 1\n# crc32 00000000\n"
            : "CNPYSMP0\n\u0001\u0000\u0000\u0000");
        final String kind = name.endsWith(".yaml") ? "yaml" : "binary";
        final FileFormatException e = assertThrows(FileFormatException.class, () -> RecordLog.open(file, ORDERED, null));
        assertEquals(file + ": a " + kind + " sample log in format version 0; this Canopy reads format version 1 only"
            + " (hash-chained records): read it with the Canopy release that wrote it, or start a new one; not a torn"
            + " tail, so nothing was truncated", e.getMessage());
    }

    @Test
    void shouldRefuseAFileLargerThanTheLimitBeforeReadingIt() throws Exception {
        final Path file = written("big.bin", samples(1), null);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0}), RecordLog.MAX_FILE_BYTES); // sparse: costs no disk
        }
        final FileFormatException e = assertThrows(FileFormatException.class, () -> RecordLog.read(file, ORDERED, null));
        assertEquals(file + ": " + (RecordLog.MAX_FILE_BYTES + 1) + " bytes is more than a ledger may hold ("
            + RecordLog.MAX_FILE_BYTES + " bytes); refusing to read it", e.getMessage());
    }
}
