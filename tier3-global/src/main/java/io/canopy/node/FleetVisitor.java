package io.canopy.node;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.typesafe.config.Config;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;

/**
 * A process that joins a running fleet for its own purpose (the swarm, {@code ./canopy status}) without hosting a
 * tier: the flags it shares, checked once, and its cluster configuration.
 *
 * @param connect the member to join through, {@code host:port}
 */
public record FleetVisitor(String connect, String host, int port, String role) {

    /** {@code --connect}, {@code --host} and {@code --port} (default {@code defaultPort}). */
    public static List<Spec> specs(int defaultPort) {
        return List.of(
            Spec.value("connect", "HOST:PORT", "a fleet member to join through (required)"),
            Spec.value("host", "H", "this process's address for the fleet (default 127.0.0.1)"),
            Spec.value("port", "P", "this process's Pekko port (default " + defaultPort + ")"));
    }

    /** Reads and checks the shared flags. */
    public static FleetVisitor from(Options o, int defaultPort, String role) throws UsageException {
        String connect = o.require("connect");
        if (!connect.matches("[^:]+:\\d{1,5}")) {
            throw new UsageException("--connect must be HOST:PORT, got '" + connect + "'");
        }
        return new FleetVisitor(connect, o.has("host") ? o.get("host") : "127.0.0.1",
            o.intValue("port", defaultPort, 1, 65_535), role);
    }

    /** A member with this visitor's role only, joining through {@link #connect}. */
    public Config config() {
        return NodeSettings.clusterConfig(host, port, List.of(connect), Set.of(role), Duration.ofSeconds(20), 1);
    }
}
