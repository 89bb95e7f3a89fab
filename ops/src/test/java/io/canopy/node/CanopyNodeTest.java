package io.canopy.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.canopy.cluster.ClusterAggregator;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.frame.RejectReason;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.Test;

/** The one composition root: what a node with every role gets, and the configuration every actor system shares. */
class CanopyNodeTest {

    @Test
    void the_embedded_node_runs_every_role_and_serves_every_cluster_and_continent_in_one_process() {
        FleetLayout layout = new FleetLayout(12, 3, 2, 7);
        try (CanopyNode node = CanopyNode.embedded(layout, 8, 2, 1, LeafAuthentication.off())) {
            assertNotNull(node.clusters());
            assertNotNull(node.continents());
            assertNotNull(node.global());
            assertArrayEquals(java.util.stream.IntStream.range(0, layout.clusters()).toArray(), node.clusters().served());
            assertArrayEquals(java.util.stream.IntStream.range(0, layout.continents()).toArray(), node.continents().served());
            // No actor is bound yet: a node is ready only once every served group has its actor.
            assertFalse(node.ready());
            assertEquals(RejectReason.values().length, node.framesRejected().length);
        }
    }

    @Test
    void every_actor_system_gets_the_compute_dispatcher_and_no_java_serialization_and_its_own_log_level() {
        Config embedded = CanopyNode.actorSystemConfig(ConfigFactory.empty(), "canopy.embedded.actor-system", 3);
        assertEquals(3, embedded.getInt(ClusterAggregator.COMPUTE_DISPATCHER + ".thread-pool-executor.fixed-pool-size"));
        assertEquals(1, embedded.getInt(ClusterAggregator.COMPUTE_DISPATCHER + ".throughput"));
        assertFalse(embedded.getBoolean("pekko.actor.allow-java-serialization"));
        assertEquals("WARNING", embedded.getString("pekko.loglevel"));
        assertEquals("local", embedded.getString("pekko.actor.provider"));

        Config member = CanopyNode.actorSystemConfig(
            ConfigFactory.parseString("pekko.cluster.roles = [cluster]"), "canopy.node.actor-system", 2);
        assertEquals(2, member.getInt(ClusterAggregator.COMPUTE_DISPATCHER + ".thread-pool-executor.fixed-pool-size"));
        assertFalse(member.getBoolean("pekko.actor.allow-java-serialization"));
        assertEquals("INFO", member.getString("pekko.loglevel"));
        assertEquals("cluster", member.getString("pekko.actor.provider"));
        assertEquals(java.util.List.of("cluster"), member.getStringList("pekko.cluster.roles"));
    }
}
