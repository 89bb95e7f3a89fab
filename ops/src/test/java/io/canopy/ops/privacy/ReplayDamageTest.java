package io.canopy.ops.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.ops.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./canopy privacy replay}: damage in the middle is an error (exit 2), a torn tail a warning (exit 0). */
class ReplayDamageTest {

    @TempDir
    Path dir;
    private Path cfg;

    @BeforeEach
    void plan() throws Exception {
        cfg = Files.writeString(dir.resolve("short.properties"), "rounds=12\n");
    }

    private Path ledger(final String name) {
        final Path ledger = dir.resolve(name);
        assertEquals(0, CliRun.of("privacy", "plan", "--config", cfg.toString(), "--write-ledger", ledger.toString())
            .exit());
        return ledger;
    }

    private static void assertRefused(final CliRun r, final Path ledger, final String problem) {
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out(), "no epsilon is printed from a damaged ledger");
        assertTrue(r.firstErrLine().matches("canopy privacy replay: error: " + java.util.regex.Pattern.quote(
            ledger.toString()) + ": " + problem + "; a damaged ledger cannot be replayed: restore it from a backup"),
            r.firstErrLine());
    }

    @Test
    void shouldRefuseToReplayALedgerWithAFlippedByteInTheMiddle() throws Exception {
        final Path ledger = ledger("flip.bin");
        final byte[] all = Files.readAllBytes(ledger);
        all[all.length / 2] ^= 0x10;
        Files.write(ledger, all);
        assertRefused(CliRun.of("privacy", "replay", ledger.toString()), ledger,
            "record \\d+ at byte \\d+ is torn or corrupt \\(its CRC-32 does not match\\); the \\d+ records before it are"
                + " intact");
    }

    @Test
    void shouldRefuseAnEntryEditedWithItsChecksumRecomputed() throws Exception {
        final Path ledger = ledger("edit.yaml");
        final String text = Files.readString(ledger);
        final int q = text.indexOf("\nq: ", nth(text, "---\n", 5));
        Files.writeString(ledger, recomputed(text.substring(0, q) + "\nq: 0.5" + text.substring(text.indexOf('\n', q + 1)),
            5));
        assertRefused(CliRun.of("privacy", "replay", ledger.toString()), ledger,
            "record 5 at byte \\d+ is corrupt \\(its SHA-256 does not match its content: it was edited after it was"
                + " written\\); the 4 records before it are intact");
    }

    @Test
    void shouldRefuseADuplicatedEntryThatWouldBeChargedTwice() throws Exception {
        final Path ledger = ledger("dup.yaml");
        final String text = Files.readString(ledger);
        final int third = nth(text, "---\n", 3);
        final int fourth = nth(text, "---\n", 4);
        Files.writeString(ledger, text.substring(0, fourth) + text.substring(third, fourth) + text.substring(fourth));
        assertRefused(CliRun.of("privacy", "replay", ledger.toString()), ledger,
            "record 4 at byte " + fourth + " is corrupt \\(its previous-record hash is not record 3's SHA-256: a record"
                + " was removed, inserted or reordered before it\\); the 3 records before it are intact");
    }

    @Test
    void shouldReplayTheIntactRoundsOfATornTailWithAWarning() throws Exception {
        final Path ledger = ledger("torn.bin");
        final byte[] all = Files.readAllBytes(ledger);
        Files.write(ledger, Arrays.copyOf(all, all.length - 7));
        final CliRun r = CliRun.of("privacy", "replay", ledger.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("11 rounds (1 .. 11) replayed from " + ledger), r.out());
        assertTrue(r.err().matches("(?s)warning: record 12 at byte \\d+ is torn or corrupt \\(it declares \\d+ bytes, \\d+"
            + " remain\\); the 11 records before it are intact\n.*"), r.err());
    }

    @Test
    void shouldNameTheFormatVersionOfAnOldLedger() throws Exception {
        final Path ledger = dir.resolve("old.yaml");
        Files.writeString(ledger, "# canopy privacy ledger v1\n---\nround: 1\n# crc32 00000000\n");
        final CliRun r = CliRun.of("privacy", "replay", ledger.toString());
        assertEquals(2, r.exit());
        assertEquals("canopy privacy replay: error: " + ledger + ": a yaml privacy ledger in format version 1; this"
            + " Canopy reads format version 2 only (hash-chained records): read it with the Canopy release that wrote"
            + " it, or start a new one", r.firstErrLine());
    }

    private static int nth(final String text, final String needle, final int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = text.indexOf(needle, at + 1);
        }
        return at;
    }

    /** Recomputes the CRC line of record {@code k} (1-based) as someone who knows the framing would. */
    private static String recomputed(final String text, final int k) {
        final int start = nth(text, "---\n", k);
        final int mark = text.indexOf("# crc32 ", start);
        final CRC32 c = new CRC32();
        c.update(text.substring(start, mark).getBytes(StandardCharsets.UTF_8));
        return text.substring(0, mark) + "# crc32 " + String.format("%08x", c.getValue())
            + text.substring(text.indexOf('\n', mark));
    }
}
