package io.canopy.transport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Wire tests' data plane: a real embedded media driver on a free UDP port of the loopback interface, in an Aeron
 * directory of its own (named by the test and this process), so tests running side by side never share a driver.
 * Shared with the tier modules' wire tests through this module's test jar.
 */
public final class LoopbackTransports {

    private LoopbackTransports() {
    }

    /** A context for {@code name}'s transport over UDP loopback; the caller adds frame limits and the like, then starts it. */
    public static TransportContext udp(String name) throws IOException {
        String base = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        return new TransportContext()
            .aeronDirectoryName(base + "/canopy-test-" + name + "-" + ProcessHandle.current().pid())
            .channel("aeron:udp?endpoint=localhost:" + port);
    }
}
