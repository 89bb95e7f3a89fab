package io.canopy.privacy.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.io.FileFormatException;
import io.canopy.ledger.LogForm;
import io.canopy.ledger.RecordCodec;
import io.canopy.ledger.RecordLog;
import io.canopy.privacy.accounting.RdpAccountant;
import java.nio.file.Path;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A privacy ledger whose round ids repeat, go backwards or are negative is corrupt, even when every record is
 * validly chained (a writer that skipped the rule): replaying it would charge a round twice or not at all.
 */
class LedgerRoundOrderTest {

    /** The privacy ledger's format without its sequence rule: what a careless or hostile writer produces. */
    private static final RecordCodec<LedgerEntry> UNORDERED = new RecordCodec<>() {
        @Override
        public String name() {
            return LedgerCodec.INSTANCE.name();
        }

        @Override
        public byte[] binaryHeader() {
            return LedgerCodec.INSTANCE.binaryHeader();
        }

        @Override
        public String yamlHeader() {
            return LedgerCodec.INSTANCE.yamlHeader();
        }

        @Override
        public void write(WireOut out, LedgerEntry record, LogForm form) {
            LedgerCodec.INSTANCE.write(out, record, form);
        }

        @Override
        public LedgerEntry read(WireIn in, LogForm form) {
            return LedgerCodec.INSTANCE.read(in, form);
        }
    };

    @TempDir
    Path dir;

    private static LedgerEntry entry(long round) {
        return new LedgerEntry(round, 0.1, "secure", new double[] {0, 0, 1}, new double[] {0, 0, 1},
            new RdpAccountant().stepRdp(0.1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "1 2 2|3|round 2 repeats the round before it (a duplicate entry)",
        "1 3 2|3|round 2 comes after round 3 (out of order)",
        "-1 0|1|round -1 is negative"})
    void shouldReportRoundIdsThatRepeatGoBackwardsOrAreNegativeAsCorruption(String ids, int bad, String why)
        throws Exception {
        Path file = dir.resolve("ledger.yaml");
        try (RecordLog<LedgerEntry> log = RecordLog.open(file, UNORDERED, null)) {
            for (String id : ids.split(" ")) {
                log.append(entry(Long.parseLong(id)));
            }
        }
        PrivacyLedger.Contents c = PrivacyLedger.read(file);
        assertTrue(c.corrupt(), c.problem());
        assertEquals(bad - 1, c.entries().size());
        assertTrue(c.problem().startsWith("record " + bad + " at byte ") && c.problem().contains(" is corrupt (" + why
            + "); the " + (bad - 1) + " records before it are intact"), c.problem());
        FileFormatException e = assertThrows(FileFormatException.class, () -> PrivacyLedger.open(file));
        assertTrue(e.getMessage().endsWith("; not a torn tail, so nothing was truncated"), e.getMessage());
    }
}
