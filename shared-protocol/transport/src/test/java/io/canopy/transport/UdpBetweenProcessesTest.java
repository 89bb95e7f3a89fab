package io.canopy.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two JVMs, two embedded media drivers, frames over UDP loopback between them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UdpBetweenProcessesTest {

    private static final int D = 5_000;
    private static final int FRAMES = 1_000;
    private static final int CORRUPT_EVERY = 100;

    @Test
    void shouldDeliverFramesToAnotherProcessBitForBitAndDropCorruptedOnes() throws Exception {
        final int port = TransportTest.freeUdpPort();
        final Path log = Files.createTempFile("canopy-udp-receiver", ".log");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // The same module and GC flags as this JVM (the JVM reports each as one word); a smaller heap.
            if (arg.startsWith("--") || arg.startsWith("-XX:+Use")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"),
            UdpReceiverProcess.class.getName(), TransportTest.directory("udp-child"), Integer.toString(port),
            Integer.toString(D), Integer.toString(FRAMES + FRAMES / CORRUPT_EVERY), "60"));
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
            final List<String> lines = new ArrayList<>();
            try {
                awaitLine(out, lines, "READY");
                final FrameLimits limits = FrameLimits.of(FrameType.GRADIENT, TransportTest.ROUND, TransportTest.CLUSTER, D);
                try (CanopyTransport transport = CanopyTransport.start(new TransportContext()
                    .aeronDirectoryName(TransportTest.directory("udp-parent"))
                    .channel("aeron:udp?endpoint=localhost:" + port).maxFrameLength(limits.maxFrameLength()))) {
                    final FramePublisher publisher = transport.publisher();
                    assertTrue(publisher.awaitConnected(TimeUnit.SECONDS.toNanos(20)), "child never connected");
                    final float[] x = new float[D];
                    final UnsafeBuffer bad = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D]);
                    for (int i = 0; i < FRAMES; i++) {
                        TransportTest.fill(x, i);
                        publisher.encoder().type(FrameType.GRADIENT).roundId(TransportTest.ROUND).senderId(i)
                            .groupId(TransportTest.CLUSTER).inputCount(1);
                        assertEquals(PublishResult.SENT, publisher.send(UpdateEncoder.fp32(), x, 0, D));
                        if (i % CORRUPT_EVERY == 0) {
                            bad.putBytes(0, publisher.encoder().buffer(), 0, bad.capacity());
                            bad.putByte(FrameLayout.HEADER_LENGTH + 7 * i, (byte) ~bad.getByte(FrameLayout.HEADER_LENGTH + 7 * i));
                            assertEquals(PublishResult.SENT, publisher.offer(bad, 0, bad.capacity()));
                        }
                    }
                    final String result = awaitLine(out, lines, "RESULT");
                    assertEquals("RESULT accepted=" + FRAMES + " mismatches=0 outOfOrder=0 badChecksum="
                        + FRAMES / CORRUPT_EVERY + " rejected=" + FRAMES / CORRUPT_EVERY, result);
                }
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not exit");
                assertEquals(0, child.exitValue());
            } catch (final AssertionError | Exception e) {
                // Multi-JVM failures are unreadable without the child's side: attach its output.
                Files.write(log, lines);
                throw new AssertionError("receiver process output (" + log + "):\n" + String.join("\n", lines), e);
            }
        } finally {
            child.destroyForcibly();
        }
    }

    private static String awaitLine(final BufferedReader out, final List<String> lines, final String prefix)
        throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("receiver exited before printing " + prefix);
    }
}
