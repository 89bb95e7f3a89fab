package io.canopy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.canopy.ops.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ./canopy node} refuses at start what it cannot honour, naming the key, instead of failing later. */
class NodeSettingsStrictTest {

    private static String refusal(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.add("--print-config");
        return assertThrows(UsageException.class, () -> new NodeCommand().run(all, sink, sink)).getMessage();
    }

    private static NodeSettings settings(java.util.Map<String, String> flags) throws UsageException {
        return NodeSettings.from(io.canopy.ops.config.LayeredConfig.resolve(NodeSettings.KEYS, null, java.util.Map.of(), flags));
    }

    @Test
    void shouldOpenTheFirstRoundWithNoFixedWaitUnlessOneIsAskedForAndRefuseANegativeOne() throws Exception {
        assertEquals(java.time.Duration.ZERO, settings(java.util.Map.of()).startAfter());
        assertEquals(java.time.Duration.ZERO, settings(java.util.Map.of("start-after", "0ms")).startAfter());
        assertEquals(java.time.Duration.ofMillis(1500), settings(java.util.Map.of("start-after", "1500ms")).startAfter());
        assertEquals("--start-after must be 0s or a positive duration like 500ms, 20s or 2m, got '-5s'",
            refusal("--start-after", "-5s"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"down-after", "heartbeat-pause", "cluster-deadline", "upper-deadline"})
    void shouldRefuseAZeroOrNegativeDurationNamingTheKey(String key) {
        assertEquals("--" + key + " must be a positive duration like 500ms, 20s or 2m, got '-5s'",
            refusal("--" + key, "-5s"));
        assertEquals("--" + key + " must be a positive duration like 500ms, 20s or 2m, got '0ms'",
            refusal("--" + key, "0ms"));
        assertEquals("--" + key + " must be at most 7 days, got '99999999m'", refusal("--" + key, "99999999m"));
    }

    @Test
    void shouldRefuseAFleetShapeThatCannotFormTheTreeNamingTheKeys() {
        String why = refusal("--leaves", "9", "--cluster-size", "3");
        assertEquals("this fleet shape cannot form the tree: multikrum-f=0 needs more than 2f+2 = 2 updates per cluster"
            + " at quorum, but q*cluster-size*quorum gives 2; with leaves=9 (--leaves), cluster-size=3 (--cluster-size),"
            + " clusters-per-continent=3, sampling-rate=1, krum-f=0.25, beta=0.1, rounds=3, epsilon=2, delta=1e-5,"
            + " release=auto, over-selection=1.3. Raise cluster-size or sampling-rate, or lower krum-f", why);
    }

    @Test
    void shouldRefuseADataMtuAeronCannotUseNamingTheKey() throws Exception {
        assertEquals("--data-mtu must be a multiple of 32 in 64..65504, or 0 to choose per peer, got 1000",
            refusal("--data-mtu", "1000"));
        assertEquals("--data-mtu must be in 0..65504, got 65536", refusal("--data-mtu", "65536"));
        assertEquals(1408, settings(java.util.Map.of("data-mtu", "1408")).dataMtu());
        assertEquals(0, settings(java.util.Map.of()).dataMtu());
    }

    @Test
    void shouldGiveAMemberTheReferenceConfDefaultsWithoutLeakingThemIntoOtherActorSystems() throws Exception {
        com.typesafe.config.Config member = settings(java.util.Map.of("down-after", "7s")).pekkoConfig();
        assertEquals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
            member.getString("pekko.cluster.downing-provider-class"));
        assertEquals("keep-majority", member.getString("pekko.cluster.split-brain-resolver.active-strategy"));
        assertEquals(7_000, member.getDuration("pekko.cluster.split-brain-resolver.stable-after").toMillis());
        assertTrue(member.getBoolean("pekko.coordinated-shutdown.exit-jvm"));
        assertTrue(!member.getBoolean("pekko.actor.allow-java-serialization"));
        assertEquals("cluster", member.getString("pekko.actor.provider"));
        // Any other actor system on this class path (the demo, the tests) keeps Pekko's defaults.
        com.typesafe.config.Config plain = com.typesafe.config.ConfigFactory.load();
        assertTrue(!plain.getBoolean("pekko.coordinated-shutdown.exit-jvm"));
        assertEquals("", plain.getString("pekko.cluster.downing-provider-class"));
    }

    @Test
    void shouldStillAcceptTheDefaultsAndAFeasibleSmallFleet() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, new NodeCommand().run(List.of("--leaves", "18", "--cluster-size", "6", "--print-config"), p, p));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("leaves: 18    # flag:"), out.toString());
    }

    @Test
    void shouldRefuseALinkKeyFileThatDoesNotHoldAKeyNamingTheKeyAndTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("link.key");
        Files.writeString(bad, "not a key\n");
        assertEquals("--link-key = " + bad + ": does not hold a link key: expected 64 hexadecimal digits,"
            + " found 9 characters", refusal("--link-key", bad.toString()));
        Path missing = dir.resolve("missing.key");
        assertEquals("--link-key = " + missing + ": no link key file there", refusal("--link-key", missing.toString()));
    }

    @Test
    void shouldAuthenticateLinksWithTheKeyFileAndLeaveThemOffWithoutOne(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("link.key");
        Files.writeString(key, io.canopy.enroll.LinkAuthentication.newKeyText() + "\n");
        assertTrue(settings(java.util.Map.of("link-key", key.toString())).links().isRequired());
        assertTrue(!settings(java.util.Map.of()).links().isRequired());
        assertTrue(settings(java.util.Map.of()).links().describe().startsWith("off: "));
    }

    @Test
    void statusExitsOneWhenNoGatewayAnswers() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int code = new StatusCommand().run(List.of("--connect", "127.0.0.1:1", "--timeout", "1"), sink,
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("canopy status: no client gateway answered within 1 s"
            + " (127.0.0.1:1"), err.toString(StandardCharsets.UTF_8));
    }
}
