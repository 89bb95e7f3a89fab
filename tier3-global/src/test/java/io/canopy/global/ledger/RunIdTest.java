package io.canopy.global.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import io.canopy.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A journal's run id: drawn once, kept across take-overs, different per journal, and a damaged one refused. */
class RunIdTest {

    @Test
    void every_coordinator_that_takes_a_journal_over_gets_the_same_run_id(@TempDir Path dir) throws IOException {
        long first;
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            first = journal.resume(1).runId();
        }
        assertNotEquals(0, first);
        assertEquals(HexFormat.of().toHexDigits(first), Files.readString(dir.resolve(RunId.FILE)).strip());
        try (DirectoryJournal journal = DirectoryJournal.open(dir)) {
            assertEquals(first, journal.resume(1).runId());
        }
    }

    @Test
    void two_journals_are_two_runs(@TempDir Path a, @TempDir Path b) throws IOException {
        assertNotEquals(RunId.readOrCreate(a), RunId.readOrCreate(b));
        assertNotEquals(RoundJournal.none().resume(1).runId(), RoundJournal.none().resume(1).runId());
    }

    @Test
    void a_damaged_run_id_file_is_refused_in_one_line_naming_it(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(RunId.FILE);
        Files.writeString(file, "not hex\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> RunId.readOrCreate(dir));
        assertTrue(e.getMessage().startsWith(file + ": does not hold a run id: expected 16 hexadecimal digits, found 'not hex'"),
            e.getMessage());
        Files.writeString(file, "0000000000000000\n");
        assertTrue(assertThrows(FileFormatException.class, () -> RunId.readOrCreate(dir)).getMessage()
            .endsWith("holds run id 0, which means no run"));
        assertEquals("0000000000000000\n", Files.readString(file), "a refused file is left as it was");
    }
}
