package io.canopy.ops.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.Rounds;
import io.canopy.ledger.LogForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./canopy rounds}: damage in the middle is an error (exit 2), a torn tail a warning (exit 0). */
class RoundsDamageTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run rounds(Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RoundsCommand().run(List.of("--ledger", dir.toString()), new PrintStream(out, true,
            StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path written(Path dir, LogForm form) throws Exception {
        try (RoundLedger ledger = RoundLedger.open(dir, form)) {
            for (long r = 1; r <= 4; r++) {
                ledger.append(Rounds.record(r, r, ledger.publish(r, new float[] {r})));
            }
        }
        return dir.resolve(form == LogForm.YAML ? RoundLedger.YAML_FILE : RoundLedger.BINARY_FILE);
    }

    @Test
    void shouldExitTwoNamingTheFileRecordAndOffsetWhenARecordInTheMiddleIsDamaged(@TempDir Path dir) throws Exception {
        Path file = written(dir, LogForm.BINARY);
        byte[] all = Files.readAllBytes(file);
        all[all.length / 2] ^= 0x01;
        Files.write(file, all);
        Run r = rounds(dir);
        assertEquals(2, r.exit());
        assertEquals("", r.out(), "no table that looks complete");
        assertTrue(r.err().matches("canopy rounds: error: " + java.util.regex.Pattern.quote(file.toString())
            + ": record [23] at byte \\d+ is torn or corrupt \\(its CRC-32 does not match\\); the [12] records before it"
            + " are intact; restore the round ledger from a backup\n"), r.err());
    }

    @Test
    void shouldExitTwoWhenARecordWasRemoved(@TempDir Path dir) throws Exception {
        Path file = written(dir, LogForm.YAML);
        String text = Files.readString(file);
        int second = text.indexOf("---\n", text.indexOf("---\n") + 1);
        int third = text.indexOf("---\n", second + 1);
        Files.writeString(file, text.substring(0, second) + text.substring(third));
        Run r = rounds(dir);
        assertEquals(2, r.exit());
        assertEquals("canopy rounds: error: " + file + ": record 2 at byte " + second + " is corrupt (its previous-record"
            + " hash is not record 1's SHA-256: a record was removed, inserted or reordered before it); the 1 records"
            + " before it are intact; restore the round ledger from a backup\n", r.err());
    }

    @Test
    void shouldShowTheIntactRoundsOfATornTailWithAWarningAndExitZero(@TempDir Path dir) throws Exception {
        Path file = written(dir, LogForm.YAML);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 12));
        Run r = rounds(dir);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(dir + ": 3 round(s)\n"), r.out());
        assertTrue(r.err().matches("warning: record 4 at byte \\d+ is torn or corrupt \\(it has no complete checksum"
            + " line\\); the 3 records before it are intact\n"), r.err());
    }
}
