package io.canopy.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.canopy.ops.cli.UsageException;
import io.canopy.ops.config.LayeredConfig.Key;
import io.canopy.ops.config.LayeredConfig.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredConfigTest {
    private static final List<Key> KEYS = List.of(new Key("roles", "cluster", "roles"), new Key("port", "2551", "port"),
        new Key("seed-nodes", null, "seeds"), new Key("host", "127.0.0.1", "host"));

    @Test
    void each_layer_overrides_the_one_before_and_says_where_a_value_came_from(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("node.yaml"), """
            # a member of the test fleet
            roles: [cluster, continental]
            port: 2600
            seed-nodes: "127.0.0.1:2600,127.0.0.1:2601"
            host: 10.0.0.1
            """);
        LayeredConfig c = LayeredConfig.resolve(KEYS, file, Map.of("CANOPY_PORT", "2700", "CANOPY_JAVA_OPTS", "-Xmx1g"),
            Map.of("host", "127.0.0.2"));
        assertEquals(List.of("cluster", "continental"), c.listValue("roles"));
        assertEquals(Source.FILE, c.sourceOf("roles"));
        assertEquals(2700, c.intValue("port", 1, 65535));
        assertEquals(Source.ENVIRONMENT, c.sourceOf("port"));
        assertEquals(List.of("127.0.0.1:2600", "127.0.0.1:2601"), c.listValue("seed-nodes"));
        assertEquals("127.0.0.2", c.get("host"));
        assertEquals(Source.FLAG, c.sourceOf("host"));
        assertEquals("--host", c.where("host"));
        assertEquals("CANOPY_PORT", c.where("port"));
    }

    @Test
    void a_yaml_list_is_read_as_a_comma_list(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("node.yaml"), "roles: [cluster, global]\n");
        assertEquals(List.of("cluster", "global"), LayeredConfig.resolve(KEYS, file, Map.of(), Map.of()).listValue("roles"));
    }

    @Test
    void print_config_output_reads_back_to_the_same_values(@TempDir Path dir) throws Exception {
        LayeredConfig c = LayeredConfig.resolve(KEYS, null, Map.of("CANOPY_SEED_NODES", "a:1,b:2"), Map.of("port", "9"));
        String described = c.describe();
        assertTrue(described.contains("port: 9    # flag: port"), described);
        Path file = Files.writeString(dir.resolve("saved.yaml"), described);
        LayeredConfig back = LayeredConfig.resolve(KEYS, file, Map.of(), Map.of());
        for (Key k : KEYS) {
            assertEquals(c.get(k.name()), back.get(k.name()), k.name());
        }
    }

    @Test
    void an_unknown_key_or_a_bad_value_is_an_error_naming_it(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("typo.yaml"), "prot: 1\n");
        UsageException e = assertThrows(UsageException.class, () -> LayeredConfig.resolve(KEYS, file, Map.of(), Map.of()));
        assertEquals("--config " + file + ": line 1: unknown key 'prot' (did you mean port?); the keys are roles, port,"
            + " seed-nodes, host", e.getMessage());
        LayeredConfig c = LayeredConfig.resolve(KEYS, null, Map.of("CANOPY_PORT", "x1"), Map.of());
        e = assertThrows(UsageException.class, () -> c.intValue("port", 1, 65535));
        assertEquals("CANOPY_PORT must be an integer, got 'x1'", e.getMessage());
        e = assertThrows(UsageException.class, () -> c.listValue("seed-nodes"));
        assertEquals("seed-nodes is required: set --seed-nodes, CANOPY_SEED_NODES or the config key 'seed-nodes'",
            e.getMessage());
    }
}
