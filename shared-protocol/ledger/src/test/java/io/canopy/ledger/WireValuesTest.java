package io.canopy.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.YamlWire;
import org.junit.jupiter.api.Test;

class WireValuesTest {

    private static YamlWire yaml(final String text) {
        return new YamlWire(Bytes.from(text));
    }

    @Test
    void shouldReadCountersByNameWhateverTheirOrderAndZeroForAKeyTheRecordPredates() {
        final long[] c = WireValues.counts(yaml("units: { HOURS: 5, NANOSECONDS: 2 }\n"), "units", TimeUnit.class);
        final long[] expected = new long[TimeUnit.values().length];
        expected[TimeUnit.NANOSECONDS.ordinal()] = 2;
        expected[TimeUnit.HOURS.ordinal()] = 5;
        assertArrayEquals(expected, c);
    }

    @Test
    void shouldRefuseACounterKeyTheEnumDoesNotHave() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> WireValues.counts(yaml("units: { HOURS: 5, FORTNIGHTS: 1 }\n"), "units", TimeUnit.class));
        assertEquals("field 'units' has unknown key 'FORTNIGHTS'", e.getMessage());
    }

    @Test
    void shouldRefuseAMissingFieldInsteadOfReadingZero() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> WireValues.required(yaml("a: 1\n"), "b"));
        assertEquals("missing field 'b'", e.getMessage());
    }

    @Test
    void shouldWriteDoublesThatYamlReadsBackExactly() {
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        final double[] values = {7.060889647943549E-4, 0.1 + 0.2, Double.MIN_VALUE, -0.0, 1e300};
        WireValues.float64s(new YamlWire(bytes), "v", values, LogForm.YAML);
        assertArrayEquals(values, WireValues.float64s(yaml(bytes.toString()), "v", LogForm.YAML));
        bytes.releaseLast();
    }
}
