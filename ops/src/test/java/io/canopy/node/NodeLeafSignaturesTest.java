package io.canopy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.EnrollmentRegistry;
import io.canopy.enroll.EnrollmentShard;
import io.canopy.frame.SignatureScheme;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.config.LayeredConfig;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node keys {@code leaf-signatures} and {@code enrollment}: checked at start, naming the key and where it came from. */
class NodeLeafSignaturesTest {
    /** 18 leaves in clusters of 6: three clusters, one continent (a shape the first round can be planned for). */
    private static final Map<String, String> SHAPE = Map.of("leaves", "18", "cluster-size", "6");
    private static final FleetLayout LAYOUT = new FleetLayout(18, 6, 3, 42);

    @TempDir
    Path tmp;

    private static NodeSettings settings(Map<String, String> environment, String... flags) throws UsageException {
        Map<String, String> all = new HashMap<>(SHAPE);
        for (int i = 0; i < flags.length; i += 2) {
            all.put(flags[i], flags[i + 1]);
        }
        return NodeSettings.from(LayeredConfig.resolve(NodeSettings.KEYS, null, environment, all));
    }

    private static String refusal(Map<String, String> environment, String... flags) {
        return assertThrows(UsageException.class, () -> settings(environment, flags)).getMessage();
    }

    private Path registry() throws Exception {
        Path dir = tmp.resolve("registry");
        DerivedKeys keys = new DerivedKeys(42, SignatureScheme.ED25519, LAYOUT);
        List<EnrollmentShard> shards = List.of(keys.shard(0), keys.shard(1), keys.shard(2));
        EnrollmentRegistry.write(dir, shards);
        return dir;
    }

    @Test
    void shouldBeOffByDefault() throws Exception {
        assertFalse(settings(Map.of()).leafSignatures().isRequired());
    }

    @Test
    void shouldRequireSignaturesAgainstACompleteRegistry() throws Exception {
        Path dir = registry();
        NodeSettings s = settings(Map.of(), "leaf-signatures", "required", "enrollment", dir.toString());
        assertTrue(s.leafSignatures().isRequired());
        assertEquals("required: every leaf frame is verified against enrollment registry " + dir + " (3 cluster shards,"
            + " each loaded when this node starts hosting its cluster)", s.leafSignatures().describe());
    }

    @Test
    void shouldTakeTheKeysFromCanopyVariables() throws Exception {
        Path dir = registry();
        NodeSettings s = settings(Map.of("CANOPY_LEAF_SIGNATURES", "required", "CANOPY_ENROLLMENT", dir.toString()));
        assertTrue(s.leafSignatures().isRequired());
        assertEquals("CANOPY_LEAF_SIGNATURES must be off or required, got 'on'",
            refusal(Map.of("CANOPY_LEAF_SIGNATURES", "on")));
    }

    @Test
    void shouldRefuseAnUnknownMode() {
        assertEquals("--leaf-signatures must be off or required, got 'ed25519'", refusal(Map.of(), "leaf-signatures", "ed25519"));
    }

    @Test
    void shouldRefuseRequiredWithoutARegistryAndARegistryWithSignaturesOff() {
        assertEquals("--leaf-signatures = required needs enrollment: the registry directory ./canopy enroll --out DIR"
            + " wrote", refusal(Map.of(), "leaf-signatures", "required"));
        assertEquals("--enrollment = /x is set but the default leaf-signatures = off: set leaf-signatures: required, or"
            + " remove enrollment", refusal(Map.of(), "enrollment", "/x"));
    }

    @Test
    void shouldRefuseAMissingDirectoryOrShardOrADamagedShardAtStart() throws Exception {
        Path none = tmp.resolve("none");
        assertEquals("--enrollment = " + none + ": no such directory; write the registry with ./canopy enroll --out "
            + none, refusal(Map.of(), "leaf-signatures", "required", "enrollment", none.toString()));
        Path dir = registry();
        Path shard1 = dir.resolve("cluster-1.enroll");
        byte[] bytes = Files.readAllBytes(shard1);
        bytes[30] ^= 1;
        Files.write(shard1, bytes);
        assertTrue(refusal(Map.of(), "leaf-signatures", "required", "enrollment", dir.toString())
            .startsWith("--enrollment = " + dir + ": " + shard1 + ": checksum mismatch"));
        Files.delete(dir.resolve("cluster-2.enroll"));
        Files.delete(shard1);
        assertEquals("--enrollment = " + dir + ": " + shard1 + ": missing: the registry has no shard for cluster 1, so"
            + " none of its leaves could send", refusal(Map.of(), "leaf-signatures", "required", "enrollment", dir.toString()));
    }

    @Test
    void shouldNotReadTheRegistryOnAMemberWithoutTheClusterRole() throws Exception {
        NodeSettings s = settings(Map.of(), "roles", "global", "leaf-signatures", "required", "enrollment",
            tmp.resolve("elsewhere").toString());
        assertFalse(s.leafSignatures().isRequired());
    }

    @Test
    void shouldListTheKeysInHelpAndPrintConfig() throws Exception {
        Path dir = registry();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, new NodeCommand().run(List.of("--leaves", "18", "--cluster-size", "6", "--leaf-signatures",
            "required", "--enrollment", dir.toString(), "--print-config"), p, p));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("leaf-signatures: required    # flag:"), printed);
        assertTrue(printed.contains("enrollment: " + dir + "    # flag:"), printed);
        String help = new NodeCommand().help();
        assertTrue(help.contains("--leaf-signatures LEAF_SIGNATURES"), help);
        assertTrue(help.contains("--enrollment ENROLLMENT"), help);
    }
}
