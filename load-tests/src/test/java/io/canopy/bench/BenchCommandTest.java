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
}
