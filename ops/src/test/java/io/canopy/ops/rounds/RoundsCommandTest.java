package io.canopy.ops.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.Rounds;
import io.canopy.ops.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundsCommandTest {

    private static Path ledgerWithThreeRounds(Path dir) throws Exception {
        try (RoundLedger ledger = RoundLedger.open(dir)) {
            for (long r = 1; r <= 3; r++) {
                long crc = ledger.publish(r, new float[] {r, 2 * r});
                ledger.append(Rounds.record(r, r, crc));
            }
        }
        return dir;
    }

    private static String[] run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RoundsCommand().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void the_table_shows_each_round_with_its_outcome_participation_and_epsilon_rounded_up(@TempDir Path dir) throws Exception {
        ledgerWithThreeRounds(dir);
        String[] lines = run("--ledger", dir.toString())[0].split("\n");
        assertEquals(dir + ": 3 round(s)", lines[0]);
        assertTrue(lines[2].startsWith("     1  COMPLETE"), lines[2]);
        assertTrue(lines[4].startsWith("     3  QUORUM_AT_DEADLINE"), lines[4]);
        assertTrue(lines[4].contains(" 6/8 "), "continents accepted/expected: " + lines[4]);
        assertTrue(lines[4].contains("1,300,000/999,997/1,234"), lines[4]);
        // ingest refusals of round 3: 30 + 31 + ... + 36 = 231; frames: 6 + 1 = 7; Multi-Krum: 9
        assertTrue(lines[4].contains(" 231 ") && lines[4].contains(" 7 ") && lines[4].contains(" 9 "), lines[4]);
        // epsilon 0.3 + 7.06e-4 = 0.3007060..., rounded up at the 4th decimal
        assertTrue(lines[4].contains("0.3008"), lines[4]);
        assertEquals("epsilon 0.3008 at delta 1e-5 after round 3 (fast sampler)", lines[5]);
    }

    @Test
    void last_n_limits_the_rounds_and_json_carries_every_field(@TempDir Path dir) throws Exception {
        ledgerWithThreeRounds(dir);
        String table = run("--ledger", dir.toString(), "--last", "1")[0];
        assertTrue(table.startsWith(dir + ": 3 round(s), the last 1 shown"), table);
        assertEquals(4, table.split("\n").length);
        String json = run("--ledger", dir.toString(), "--last", "2", "--json")[0];
        assertTrue(json.contains("\"round\":2") && json.contains("\"round\":3") && !json.contains("\"round\":1,"), json);
        assertTrue(json.contains("\"BAD_CHECKSUM\":6"), json);
        assertTrue(json.contains("\"checkpoint\":\"model-v00000003.npy\""), json);
    }

    @Test
    void a_missing_directory_or_one_without_a_ledger_is_a_usage_error_naming_it(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope");
        UsageException e = assertThrows(UsageException.class, () -> run("--ledger", missing.toString()));
        assertEquals("--ledger " + missing + ": no such directory", e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(UsageException.class, () -> run("--ledger", empty.toString()));
        assertTrue(e.getMessage().contains("holds no round ledger"), e.getMessage());
        e = assertThrows(UsageException.class, () -> run());
        assertEquals("--ledger DIR is required", e.getMessage());
    }
}
