package io.canopy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.ops.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench command's argument handling; the benchmarks themselves are run by hand, never timed in tests. */
class BenchCommandTest {

    private static String usageError(final String... args) {
        final PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        return assertThrows(UsageException.class, () -> new BenchCommand().run(List.of(args), sink, sink)).getMessage();
    }

    @Test
    void shouldNameTheBenchmarksWhenNoneIsGiven() {
        assertEquals("which benchmark? (expected: kernels, transport or codecs)", usageError());
        assertEquals("unknown benchmark 'network' (expected: kernels, transport or codecs)", usageError("network"));
    }

    @Test
    void shouldRefusePeersOutsideTheKernelBenchmark() {
        assertEquals("--peers and --peers-script apply to bench kernels only", usageError("transport", "--peers"));
    }

    @Test
    void shouldDocumentEveryBenchmarkAndFlagInItsHelp() {
        final String help = new BenchCommand().help();
        for (final String word : List.of("bench transport", "bench codecs", "--json", "--quick", "--runs", "UDP loopback")) {
            assertTrue(help.contains(word), "help lacks " + word);
        }
    }

    @Test
    void shouldPrintTheTransportRatioTableAsJsonAndText() {
        final List<TransportBench.Case> cases = List.of(
            new TransportBench.Case("ipc", 100_000, "fp32", 400_056, 1341, 6.0, 4.5),
            new TransportBench.Case("udp", 1_000_000, "int8", 1_015_684, 132, 0.8, 0.8));
        final String json = DataPlaneOutput.transportJson(cases, 5, false, 8192);
        assertTrue(json.contains("\"udpMtu\":8192"), json);
        assertTrue(json.contains("\"cases\":[{\"medium\":\"ipc\",\"d\":100000,\"codec\":\"fp32\""), json);
        assertTrue(json.contains("\"ratio\":0.75"), json);
        assertTrue(json.contains("\"ratio\":1"), json);
        final String table = DataPlaneOutput.transportTable(cases, 5, false, 65504);
        assertTrue(table.contains("localhost:PORT, MTU 65504"), table);
        assertTrue(table.contains("ratio"), table);
        assertTrue(table.contains(" 75%"), table);
        assertTrue(table.contains("100%"), table);
    }
}
