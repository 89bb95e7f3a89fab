package io.canopy.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fleet.yaml of a multi-JVM test: the fleet every such test runs (600 leaves in clusters of 100, three clusters a
 * continent, d = 16, seed 7, every invited leaf selected, no noise, 8 s/30 s deadlines, the first round 250 ms after
 * the coordinator starts), with what the test changes or adds set over it. The swarm a test starts sends the same 600
 * leaves from the same seed.
 */
public final class FleetConfig {
    private final Map<String, String> keys = new LinkedHashMap<>();

    private FleetConfig(int rounds) {
        set("leaves", 600);
        set("cluster-size", 100);
        set("clusters-per-continent", 3);
        set("dim", 16);
        set("rounds", rounds);
        set("seed", 7);
        set("cluster-deadline", "8s");
        set("upper-deadline", "30s");
        set("over-selection", 1);
        set("noise", "\"off\"");
    }

    /** The fleet running {@code rounds} rounds. */
    public static FleetConfig rounds(int rounds) {
        return new FleetConfig(rounds);
    }

    /** Sets (or replaces) one key; the value is written as YAML as it is given. */
    public FleetConfig set(String key, Object value) {
        keys.put(key, value.toString());
        return this;
    }

    /** Writes {@code dir/fleet.yaml} and returns its path. */
    public Path write(Path dir) throws IOException {
        StringBuilder yaml = new StringBuilder();
        keys.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
        return Files.writeString(dir.resolve("fleet.yaml"), yaml);
    }
}
