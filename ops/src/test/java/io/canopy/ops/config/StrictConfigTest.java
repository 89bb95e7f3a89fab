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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A configuration is refused, naming the line, key or variable, rather than read with a guess. */
class StrictConfigTest {

    static final List<Key> KEYS = List.of(new Key("roles", "cluster", "roles"), new Key("port", "2551", "port"),
        new Key("seed-nodes", null, "seeds"), new Key("host", "127.0.0.1", "host"));

    @TempDir
    Path dir;

    private String refusal(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("node.yaml"), yaml);
        return file + "|" + assertThrows(UsageException.class,
            () -> LayeredConfig.resolve(KEYS, file, Map.of(), Map.of())).getMessage();
    }

    private static String strip(String refusal) {
        String[] parts = refusal.split("\\|", 2);
        return parts[1].replace("--config " + parts[0] + ": ", "");
    }

    @Test
    void shouldRefuseADuplicateKeyNamingBothLines() throws Exception {
        assertEquals("line 3: duplicate key 'port' (first set on line 1); write one 'key: value' per line, a list as"
            + " [a, b] or \"a,b\"", strip(refusal("port: 2600\n# the same again\nport: 2700\n")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "port 2600|line 1: expected 'key: value', got 'port 2600'",
        "port:2600|line 1: expected 'key: value', got 'port:2600'",
        "roles: [cluster, global|line 1: a list that does not end with ']': [cluster, global",
        "host: \"10.0.0.1|line 1: an unterminated double quote",
        "host: '10.0.0.1' junk|line 1: text after the closing quote: 'junk'",
        "host: {a: 1}|line 1: '{a: 1}' is not a plain value (YAML maps, anchors, tags and block scalars are not"
            + " supported); quote it",
        "host: a: b|line 1: 'a: b' holds ': ', which would start a nested map; quote the value",
        "'  port: 1'|line 1: unexpected indentation ('port: 1'): only a list item under a key with no value may be"
            + " indented; nested maps are not supported",
        "roles: [cluster, , global]|line 1: an empty item in a list"})
    void shouldRefuseMalformedYamlNamingTheLine(String yaml, String why) throws Exception {
        assertEquals(why + "; write one 'key: value' per line, a list as [a, b] or \"a,b\"", strip(refusal(yaml + "\n")));
    }

    @Test
    void shouldReadEveryFormTheFilesUse() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), """
            ---
            # comment
            roles:
              - cluster
              - 'global'
            port: "2600"    # trailing comment
            seed-nodes: [a:1, "b:2"]
            host: 10.0.0.1#not-a-comment
            """);
        LayeredConfig c = LayeredConfig.resolve(KEYS, file, Map.of(), Map.of());
        assertEquals("cluster,global", c.get("roles"));
        assertEquals("2600", c.get("port"));
        assertEquals("a:1,b:2", c.get("seed-nodes"));
        assertEquals("10.0.0.1#not-a-comment", c.get("host"));
    }

    @Test
    void shouldRefuseAMisspeltCanopyVariableNamingTheNearestOne() {
        UsageException e = assertThrows(UsageException.class,
            () -> LayeredConfig.resolve(KEYS, null, Map.of("CANOPY_PORTT", ""), Map.of()));
        assertEquals("environment variable CANOPY_PORTT is not a Canopy setting (did you mean CANOPY_PORT?); the CANOPY_"
            + " variables are CANOPY_ROLES, CANOPY_PORT, CANOPY_SEED_NODES, CANOPY_HOST, "
            + String.join(", ", LayeredConfig.PROCESS_VARIABLES) + " (unset it, or fix its name)", e.getMessage());
        UsageException far = assertThrows(UsageException.class,
            () -> LayeredConfig.resolve(KEYS, null, Map.of("CANOPY_SOMETHING_ELSE", "x"), Map.of()));
        assertTrue(far.getMessage().startsWith("environment variable CANOPY_SOMETHING_ELSE is not a Canopy setting; the"),
            far.getMessage());
    }

    @Test
    void shouldAcceptTheLauncherAndLedgerVariablesAndOtherProgramsVariables() throws Exception {
        LayeredConfig c = LayeredConfig.resolve(KEYS, null, Map.of("CANOPY_JAVA_OPTS", "-Xmx1g", "CANOPY_LOG_LEVEL",
            "INFO", "CANOPY_LEDGER_KEY", "k", "PATH", "/bin", "CANOPYX", "y"), Map.of());
        assertEquals("2551", c.get("port"));
    }
}
