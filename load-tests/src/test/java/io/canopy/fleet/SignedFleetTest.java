package io.canopy.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
        Path config = FleetConfig.rounds(2).set("leaf-signatures", "required").set("enrollment", registry).write(dir);
        ByteArrayOutputStream enrolled = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(enrolled, true, StandardCharsets.UTF_8);
        assertEquals(0, new EnrollCommand().run(List.of("--config", config.toString(), "--derived", "--swarm-seed", "7",
            "--out", registry.toString()), sink, sink), enrolled::toString);

        int port = MemberProcess.freePort();
        try (FleetFixture fleet = new FleetFixture(dir, port, MemberProcess.freePort())) {
            MemberProcess node = fleet.node("node-" + port, port, "--config", config.toString(), "--roles",
                "cluster,continental,global");

            MemberProcess signed = fleet.swarm("signed", 1, "--leaves", "600", "--signatures", "ed25519");
            assertEquals(0, exit(signed, node), () -> String.join("\n", signed.output()));
            assertTrue(signed.output().stream().anyMatch(l -> l.startsWith("swarm round 1: sent 600, not sent 0")
                && l.contains("acknowledged 600")), () -> String.join("\n", signed.output()));
            node.await("round 1 recorded", l -> l.startsWith("round 1: COMPLETE") && l.contains("leaves accepted 600 of 600"),
                1, Duration.ofSeconds(60));

            MemberProcess unsigned = fleet.swarm("unsigned", 1, "--leaves", "600");
            assertEquals(0, exit(unsigned, node), () -> String.join("\n", unsigned.output()));
            assertTrue(unsigned.output().stream().anyMatch(l -> l.startsWith("swarm round 2: sent 600, not sent 0")
                && l.contains("acknowledged 0,")), () -> String.join("\n", unsigned.output()));
            node.await("round 2 recorded", l -> l.startsWith("round 2: ") && l.contains("leaves accepted 0 of 600"), 1,
                Duration.ofSeconds(60));
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
}
