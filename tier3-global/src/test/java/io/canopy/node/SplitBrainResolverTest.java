package io.canopy.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three fleet members in three JVMs on loopback; one host dies and keep-majority downs it. */
@Tag("multi-jvm")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SplitBrainResolverTest {

    @Test
    void a_member_that_dies_is_downed_by_the_majority_and_removed_so_the_fleet_goes_on_without_it() throws Exception {
        int a = NodeProcess.freePort();
        int b = NodeProcess.freePort();
        int c = NodeProcess.freePort();
        String seeds = "127.0.0.1:" + a;
        try (NodeProcess global = NodeProcess.start("global", "--roles", "global", "--port", "" + a, "--seed-nodes", seeds,
                 "--down-after", "2s");
             NodeProcess continental = NodeProcess.start("continental", "--roles", "continental", "--port", "" + b,
                 "--seed-nodes", seeds, "--down-after", "2s");
             NodeProcess cluster = NodeProcess.start("cluster", "--roles", "cluster", "--port", "" + c, "--seed-nodes", seeds,
                 "--down-after", "2s")) {
            global.await("three members up", l -> l.startsWith("member up: "), 3, Duration.ofSeconds(60));
            assertTrue(global.output().stream().anyMatch(l -> l.equals("member up: pekko://canopy@127.0.0.1:" + c
                + " roles [cluster]")), () -> String.join("\n", global.output()));

            cluster.kill();

            String gone = "pekko://canopy@127.0.0.1:" + c;
            global.await("the dead member unreachable", l -> l.startsWith("member unreachable: " + gone), 1,
                Duration.ofSeconds(30));
            global.await("the dead member removed", l -> l.startsWith("member removed: " + gone), 1, Duration.ofSeconds(30));
            continental.await("the dead member removed", l -> l.startsWith("member removed: " + gone), 1,
                Duration.ofSeconds(30));
            assertTrue(global.output().stream().noneMatch(l -> l.startsWith("member removed: pekko://canopy@127.0.0.1:" + b)),
                "the majority keeps its own members");
        }
    }
}
