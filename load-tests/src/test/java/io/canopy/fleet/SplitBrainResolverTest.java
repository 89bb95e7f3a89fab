package io.canopy.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three fleet members in three JVMs on loopback; one host dies and keep-majority downs it. */
@Tag("multi-jvm")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SplitBrainResolverTest {

    @Test
    void a_member_that_dies_is_downed_by_the_majority_and_removed_so_the_fleet_goes_on_without_it(@TempDir Path dir)
        throws Exception {
        int a = MemberProcess.freePort();
        int b = MemberProcess.freePort();
        int c = MemberProcess.freePort();
        try (FleetFixture fleet = new FleetFixture(dir, a, 0)) {
            MemberProcess global = member(fleet, "global", a);
            MemberProcess continental = member(fleet, "continental", b);
            MemberProcess cluster = member(fleet, "cluster", c);
            global.await("three members up", l -> l.startsWith("member up: "), 3, Duration.ofSeconds(60));
            assertTrue(global.output().stream().anyMatch(l -> l.equals("member up: " + FleetFixture.address(c)
                + " roles [cluster]")), () -> String.join("\n", global.output()));

            cluster.kill();

            String gone = FleetFixture.address(c);
            global.await("the dead member unreachable", l -> l.startsWith("member unreachable: " + gone), 1,
                Duration.ofSeconds(30));
            global.await("the dead member removed", l -> l.startsWith("member removed: " + gone), 1, Duration.ofSeconds(30));
            continental.await("the dead member removed", l -> l.startsWith("member removed: " + gone), 1,
                Duration.ofSeconds(30));
            assertTrue(global.output().stream().noneMatch(l -> l.startsWith("member removed: " + FleetFixture.address(b))),
                "the majority keeps its own members");
        }
    }

    /** A member with one role, a fleet of one round far in the future (this test is about membership only). */
    private static MemberProcess member(FleetFixture fleet, String role, int port) throws Exception {
        return fleet.node(role, port, "--roles", role, "--down-after", "2s", "--start-after", "10m");
    }
}
