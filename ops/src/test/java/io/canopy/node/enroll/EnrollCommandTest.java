package io.canopy.node.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.EnrollmentRegistry;
import io.canopy.enroll.EnrollmentShard;
import io.canopy.enroll.FrameSignatures;
import io.canopy.frame.SignatureScheme;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.UsageException;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code ./canopy enroll}: a key list becomes a registry a node loads; every bad input is refused whole. */
class EnrollCommandTest {
    /** 12 leaves in clusters of 3, two clusters a continent: 4 clusters. */
    private static final List<String> LAYOUT_FLAGS = List.of("--leaves", "12", "--cluster-size", "3",
        "--clusters-per-continent", "2", "--seed", "7");
    private static final FleetLayout LAYOUT = new FleetLayout(12, 3, 2, 7);
    private static final int[] ALL = {0, 1, 2, 3};

    /** Raw Ed25519 public keys of leaves 0..11, generated as a real leaf would. */
    private static final List<byte[]> KEYS = new ArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void generate() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        for (int i = 0; i < 12; i++) {
            KEYS.add(FrameSignatures.rawPublicKey(SignatureScheme.ED25519, generator.generateKeyPair().getPublic()));
        }
    }

    private static String line(long leaf) {
        return leaf + " ed25519 " + Base64.getEncoder().encodeToString(KEYS.get((int) leaf));
    }

    private Path keyFile(String... lines) throws IOException {
        Path file = tmp.resolve("keys.txt");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    private static int run(List<String> args) throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new EnrollCommand().run(args, Map.of(), sink);
    }

    private static List<String> args(String... extra) {
        List<String> all = new ArrayList<>(LAYOUT_FLAGS);
        all.addAll(List.of(extra));
        return all;
    }

    private static String refusal(List<String> args) {
        return assertThrows(UsageException.class, () -> run(args)).getMessage();
    }

    @Test
    void shouldWriteEveryListedLeafIntoItsClustersShardSoThatTheRegistryLoadsBack() throws Exception {
        Path keys = keyFile(Stream.concat(Stream.of("# the fleet's leaves", ""),
            IntStream.of(11, 0, 5, 3, 8, 1, 2, 4, 6, 7, 9).mapToObj(EnrollCommandTest::line)).toArray(String[]::new));
        Path out = tmp.resolve("registry");
        assertEquals(CliCommand.OK, run(args("--keys", keys.toString(), "--out", out.toString())));

        EnrollmentRegistry registry = EnrollmentRegistry.load(out, ALL);
        assertEquals(11, registry.leaves());
        byte[] dst = new byte[SignatureScheme.MAX_PUBLIC_KEY_LENGTH];
        for (long leaf = 0; leaf < 12; leaf++) {
            int home = LAYOUT.clusterOf(leaf);
            for (int c : ALL) {
                SignatureScheme found = registry.lookup(c, leaf, dst);
                if (leaf == 10 || c != home) {
                    assertNull(found, "leaf " + leaf + " is enrolled in cluster " + c);
                } else {
                    assertEquals(SignatureScheme.ED25519, found);
                    assertArrayEquals(KEYS.get((int) leaf), java.util.Arrays.copyOf(dst, 32), "leaf " + leaf + "'s key");
                }
            }
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("keys.txt", "registry"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                "no staging directory is left behind");
        }
    }

    @Test
    void shouldExportTheSwarmsDerivedPublicKeysShardByShard() throws Exception {
        Path out = tmp.resolve("derived");
        assertEquals(CliCommand.OK, run(args("--derived", "--scheme", "ed25519", "--swarm-seed", "5", "--out", out.toString())));
        DerivedKeys swarm = new DerivedKeys(5, SignatureScheme.ED25519, LAYOUT);
        EnrollmentRegistry registry = EnrollmentRegistry.load(out, ALL);
        for (int c : ALL) {
            assertEquals(swarm.shard(c), registry.shard(c));
        }
    }

    static Stream<Arguments> badLines() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String good = "0 ed25519 " + Base64.getEncoder().encodeToString(KEYS.isEmpty() ? new byte[32] : KEYS.get(0));
        return Stream.of(
            Arguments.of("unknown scheme", "3 rsa " + key, "line 2: unknown scheme 'rsa'; the schemes are ed25519,"
                + " ml-dsa-44, ml-dsa-65"),
            Arguments.of("bad base64", "3 ed25519 not*base64", "line 2: the key is not base64 (Illegal base64 character"
                + " 2a)"),
            Arguments.of("wrong key length", "3 ed25519 " + Base64.getEncoder().encodeToString(new byte[31]),
                "line 2: the key has 31 bytes; a Ed25519 public key has 32"),
            Arguments.of("leaf id outside the layout", "12 ed25519 " + key,
                "line 2: leaf id 12 is outside the layout's leaves 0..11 (leaves=12)"),
            Arguments.of("negative leaf id", "-1 ed25519 " + key, "line 2: leaf id -1 is outside the layout's leaves"
                + " 0..11 (leaves=12)"),
            Arguments.of("duplicate leaf id", good, "line 2: leaf 0 is listed again (first on line 1)"),
            Arguments.of("leaf id not a number", "x1 ed25519 " + key, "line 2: leaf id 'x1' is not a whole number"),
            Arguments.of("missing field", "3 ed25519", "line 2: has 2 fields, not 3 (LEAF_ID SCHEME BASE64_PUBLIC_KEY)"),
            Arguments.of("a second scheme", "3 ml-dsa-44 " + Base64.getEncoder().encodeToString(new byte[1312]),
                "line 2: scheme ml-dsa-44 differs from ed25519 on line 1; a registry holds one scheme"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void shouldRefuseABadLineNamingFileLineAndProblemAndWriteNothing(String what, String bad, String problem)
        throws Exception {
        Path keys = keyFile(line(0), bad, line(1));
        Path out = tmp.resolve("registry");
        assertEquals(keys + ": " + problem, refusal(args("--keys", keys.toString(), "--out", out.toString())));
        assertFalse(Files.exists(out), "nothing is written");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("keys.txt"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void shouldLeaveAnExistingRegistryUntouchedWhenTheNewInputIsBadEvenWithForce() throws Exception {
        Path out = tmp.resolve("registry");
        assertEquals(CliCommand.OK, run(args("--keys", keyFile(line(0), line(1)).toString(), "--out", out.toString())));
        byte[] before = Files.readAllBytes(out.resolve("cluster-" + LAYOUT.clusterOf(0) + ".enroll"));
        Path bad = keyFile(line(2), "2 ed25519 AAAA");
        assertTrue(refusal(args("--keys", bad.toString(), "--out", out.toString(), "--force")).startsWith(bad + ": line 2:"));
        assertArrayEquals(before, Files.readAllBytes(out.resolve("cluster-" + LAYOUT.clusterOf(0) + ".enroll")));
    }

    @Test
    void shouldRefuseANonEmptyRegistryWithoutForceAndReplaceItWholeWithForce() throws Exception {
        Path out = tmp.resolve("registry");
        // An older registry of a bigger fleet: 8 clusters, of which 4..7 must not survive the replacement.
        assertEquals(CliCommand.OK, run(List.of("--leaves", "24", "--cluster-size", "3", "--derived", "--out",
            out.toString())));
        assertEquals("--out " + out + " is not empty (8 entries): give --force to replace the registry there",
            refusal(args("--derived", "--out", out.toString())));
        assertEquals(CliCommand.OK, run(args("--derived", "--out", out.toString(), "--force")));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("cluster-0.enroll", "cluster-1.enroll", "cluster-2.enroll", "cluster-3.enroll"),
                files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(new DerivedKeys(42, SignatureScheme.ED25519, LAYOUT).shard(3),
            EnrollmentRegistry.load(out, ALL).shard(3));
    }

    @Test
    void shouldWriteIntoAnEmptyExistingDirectoryWithoutForce() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("empty"));
        assertEquals(CliCommand.OK, run(args("--keys", keyFile(line(4)).toString(), "--out", out.toString())));
        EnrollmentShard shard = EnrollmentRegistry.load(out, ALL).shard(LAYOUT.clusterOf(4));
        assertEquals(1, shard.size());
        assertEquals(4, shard.leaf(0));
    }

    @Test
    void shouldReadTheLayoutFromTheNodesConfigFileAndItsEnvironmentVariables() throws Exception {
        Path config = tmp.resolve("node.yaml");
        Files.writeString(config, "leaves: 12\ncluster-size: 3\nclusters-per-continent: 2\n");
        Path out = tmp.resolve("registry");
        // CANOPY_SEED overrides the default seed, as it would on the node: leaves land in the clusters seed 7 gives.
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(CliCommand.OK, new EnrollCommand().run(List.of("--config", config.toString(), "--derived", "--out",
            out.toString()), Map.of("CANOPY_SEED", "7"), sink));
        assertEquals(new DerivedKeys(42, SignatureScheme.ED25519, LAYOUT).shard(2), EnrollmentRegistry.load(out, ALL).shard(2));
        assertEquals("--keys " + tmp.resolve("none") + ": no such file",
            refusal(args("--keys", tmp.resolve("none").toString(), "--out", tmp.resolve("r2").toString())));
    }

    @Test
    void shouldRefuseFlagsThatContradictEachOther() {
        assertEquals("give either --keys FILE (the leaves' own keys) or --derived (a synthetic swarm's)",
            refusal(args("--out", tmp.resolve("r").toString())));
        assertEquals("--scheme must be ed25519, ml-dsa-44 or ml-dsa-65, got 'rsa'",
            refusal(args("--derived", "--scheme", "rsa", "--out", tmp.resolve("r").toString())));
        assertEquals("--scheme and --swarm-seed go with --derived; with --keys each line names its scheme",
            refusal(args("--keys", "k", "--scheme", "ed25519", "--out", tmp.resolve("r").toString())));
    }
}
