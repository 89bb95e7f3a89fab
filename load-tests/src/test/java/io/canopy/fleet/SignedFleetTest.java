package io.canopy.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.canopy.node.enroll.EnrollCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leaf signatures outside the demo, as an operator turns them on: {@code ./canopy enroll --derived} writes the
 * registry, one member with every role runs with {@code leaf-signatures: required}, a swarm that signs is counted
 * in full and one that does not is counted not at all. Two rounds, three JVMs on loopback.
 */
@Tag("multi-jvm")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignedFleetTest {

    @Test
    void a_member_requiring_signatures_counts_every_signed_leaf_and_no_unsigned_one(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("registry");
        Path config = Files.writeString(dir.resolve("fleet.yaml"), """
            leaves: 600
            cluster-size: 100
            clusters-per-continent: 3
            dim: 16
            rounds: 2
            seed: 7
            cluster-deadline: 8s
            upper-deadline: 30s
            over-selection: 1
            noise: "off"
            leaf-signatures: required
            enrollment: %s
            """.formatted(registry));
        ByteArrayOutputStream enrolled = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(enrolled, true, StandardCharsets.UTF_8);
        assertEquals(0, new EnrollCommand().run(List.of("--config", config.toString(), "--derived", "--swarm-seed", "7",
            "--out", registry.toString()), sink, sink), enrolled::toString);

        int port = MemberProcess.freePort();
        int gatewayPort = MemberProcess.freePort();
        String gateway = "127.0.0.1:" + gatewayPort;
        List<MemberProcess> started = new ArrayList<>();
        try {
            List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--roles", "cluster,continental,global"));
            args.addAll(MemberProcess.memberArgs(port, gatewayPort, "127.0.0.1:" + port, dir));
            MemberProcess node = MemberProcess.start("node-" + port, args.toArray(String[]::new));
            started.add(node);

            MemberProcess signed = swarm(started, "signed", gateway, dir, "--signatures", "ed25519");
            assertEquals(0, exit(signed, node), () -> String.join("\n", signed.output()));
            assertTrue(signed.output().stream().anyMatch(l -> l.startsWith("swarm round 1: sent 600, not sent 0")
                && l.contains("acknowledged 600")), () -> String.join("\n", signed.output()));
            node.await("round 1 recorded", l -> l.startsWith("round 1: COMPLETE") && l.contains("leaves accepted 600 of 600"),
                1, Duration.ofSeconds(60));

            MemberProcess unsigned = swarm(started, "unsigned", gateway, dir);
            assertEquals(0, exit(unsigned, node), () -> String.join("\n", unsigned.output()));
            assertTrue(unsigned.output().stream().anyMatch(l -> l.startsWith("swarm round 2: sent 600, not sent 0")
                && l.contains("acknowledged 0,")), () -> String.join("\n", unsigned.output()));
            node.await("round 2 recorded", l -> l.startsWith("round 2: ") && l.contains("leaves accepted 0 of 600"), 1,
                Duration.ofSeconds(60));
        } finally {
            for (MemberProcess m : started.reversed()) {
                m.close();
            }
        }
    }

    /** The swarm's exit code; the node's output too when it does not finish in time. */
    private static int exit(MemberProcess swarm, MemberProcess node) throws InterruptedException {
        try {
            return swarm.awaitExit(Duration.ofSeconds(120));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe node's output:\n" + String.join("\n", node.output()), e);
        }
    }

    private static MemberProcess swarm(List<MemberProcess> started, String name, String gateway, Path dir, String... extra)
        throws Exception {
        List<String> args = new ArrayList<>(List.of("swarm", "--connect", gateway, "--aeron-endpoint", "127.0.0.1:"
            + MemberProcess.freePort(), "--aeron-dir", dir.resolve("aeron-" + name).toString(), "--rounds", "1", "--seed",
            "7", "--leaves", "600"));
        args.addAll(List.of(extra));
        MemberProcess swarm = MemberProcess.command(name, args.toArray(String[]::new));
        started.add(swarm);
        return swarm;
    }
}
