package io.canopy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import io.canopy.codec.CodecId;
import io.canopy.node.tls.FleetCertificates;
import io.canopy.node.tls.FleetTls;
import io.canopy.round.ClusterReport;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client gateway as a swarm or ./canopy status reads it: over HTTP, without joining the cluster; and over HTTPS with
 * a client certificate required, with real certificates from {@link FleetCertificates} (the JDK's keytool).
 */
class ClientGatewayTest {
    /** Two fleets' CAs: {@code fleet} with member gw-1 and client swarm-1, {@code other} with client swarm-1. */
    @TempDir
    static Path certificates;
    private static Path fleet;
    private static Path other;
    private final FleetLayout layout = new FleetLayout(40, 10, 2, 99L);
    private final List<Long> interest = new ArrayList<>();
    private final ClientGateway gateway = new ClientGateway(new RouteTable(4, 2, "127.0.0.1:1"), 4).start("127.0.0.1", 0);
    private final FleetClient client = new FleetClient(List.of("127.0.0.1:" + gateway.port()), Duration.ofSeconds(5));

    @AfterEach
    void close() {
        gateway.close();
    }

    @BeforeAll
    static void issueCertificates() throws Exception {
        FleetCertificates keytool = FleetCertificates.ofRunningJdk();
        fleet = certificates.resolve("fleet");
        other = certificates.resolve("other");
        keytool.createFleet(fleet, List.of("gw-1"));
        keytool.addClient(fleet, "swarm-1");
        keytool.createFleet(other, List.of());
        keytool.addClient(other, "swarm-1");
    }

    private RoundPlan plan(long round) {
        QuorumPolicy lower = new QuorumPolicy(10, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(1), 1.0);
        QuorumPolicy upper = new QuorumPolicy(2, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(3), 1.0);
        return new RoundPlan(round, round - 1, 8, 1.0, 1f, CodecId.FP32, layout, new TierSpec(lower, 0.2, 0, 0, 1),
            new TierSpec(upper, 0.1, 0, 0, 1), new TierSpec(upper, 0.1, 0, 0, 1), false, 1L);
    }

    private static ClusterReport report(long round, int cluster, int accepted) {
        return new ClusterReport(round, cluster, cluster / 2, QuorumOutcome.COMPLETE, CloseReason.ALL_ARRIVED, 10, accepted,
            0, new long[IngestRejection.count()], new long[0], 2, 1_000_000L, 0, 0);
    }

    @Test
    void a_client_learns_the_open_round_which_clusters_collect_it_and_their_reports() throws IOException {
        gateway.onInterest(interest::add);
        assertTrue(client.round().isEmpty(), "no round before the first opens");
        gateway.roundOpened(plan(2));
        gateway.roundOpened(plan(1)); // an older plan arriving late does not replace the newer
        assertEquals(plan(2), client.round().orElseThrow());

        assertEquals(new BitSet(), client.open(2));
        assertEquals(List.of(2L), interest, "asking which clusters are open is what makes the member ask them");
        gateway.clusterOpen(2, 1);
        gateway.clusterOpen(2, 3);
        gateway.clusterOpen(7, 0); // a round the gateway does not follow
        BitSet expected = new BitSet();
        expected.set(1);
        expected.set(3);
        assertEquals(expected, client.open(2));

        List<Long> reportsInterest = new ArrayList<>();
        gateway.onReportsInterest(reportsInterest::add);
        gateway.reported(report(2, 1, 9));
        gateway.reported(report(2, 3, 7));
        gateway.reported(report(2, 1, 9)); // the topic and a cluster's answer both brought it: kept once
        gateway.reported(report(5, 0, 1));
        gateway.unreported(2, 2);
        gateway.unreported(2, 3); // cluster 3 did report: an answer of "none" does not undo that
        FleetClient.RoundReports round2 = client.reports(2);
        assertEquals(List.of(report(2, 1, 9).accepted(), report(2, 3, 7).accepted()),
            round2.reports().stream().map(ClusterReport::accepted).toList());
        assertEquals(BitSet.valueOf(new long[] {0b100}), round2.unreported(), "cluster 2 passed round 2 without a report");
        assertEquals(3, round2.settled());
        assertEquals(List.of(2L), reportsInterest, "asking for reports is what makes the member fetch missing ones");
        assertEquals(List.of(), client.reports(1).reports(), "round 1 was never followed");
        String[] routes = client.routes(4);
        assertEquals(4, routes.length);
        assertEquals(null, routes[0], "no member has announced a route yet");
    }

    @Test
    void a_checkpoint_is_served_by_version_with_the_sha256_of_its_file_and_a_missing_one_is_refused(
        @org.junit.jupiter.api.io.TempDir java.nio.file.Path journal) throws Exception {
        float[] model = {1f, -2f, 0.5f};
        io.canopy.global.ledger.ModelCheckpoint.write(journal.resolve(io.canopy.global.ledger.ModelCheckpoint.fileName(3)),
            model);
        byte[] file = java.nio.file.Files.readAllBytes(journal.resolve("model-v00000003.npy"));
        gateway.checkpoints(journal);

        for (int ask = 0; ask < 2; ask++) {
            FleetClient.Model fetched = client.model(3);
            assertEquals(3, fetched.version());
            org.junit.jupiter.api.Assertions.assertArrayEquals(file, fetched.npy());
            assertEquals(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(file)), fetched.sha256());
        }
        IOException missing = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> client.model(4));
        assertTrue(missing.getMessage().contains("model version 4 is not checkpointed in " + journal),
            missing.getMessage());
    }

    @Test
    void only_the_last_rounds_are_kept() throws IOException {
        for (long r = 1; r <= 10; r++) {
            gateway.roundOpened(plan(r));
            gateway.reported(report(r, 0, (int) r));
        }
        assertEquals(List.of(), client.reports(10 - ClientGateway.ROUNDS_KEPT).reports());
        assertEquals(1, client.reports(10 - ClientGateway.ROUNDS_KEPT + 1).reports().size());
    }

    @Test
    void a_bad_round_a_bad_path_and_a_post_are_refused_by_name() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gateway.port();
        var badRound = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/rounds/abc/open")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badRound.statusCode());
        assertEquals("not a round id in /v1/rounds/abc/open\n", badRound.body());
        var badPath = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/nope")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, badPath.statusCode());
        assertTrue(badPath.body().startsWith("not found: /v1/nope"), badPath.body());
        var post = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/round"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void status_exits_1_naming_the_gateway_when_none_answers_and_when_the_coordinator_does_not() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new StatusCommand().run(List.of("--connect", "127.0.0.1:" + dead, "--timeout", "1"),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("canopy status: no client gateway answered within 1 s"
            + " (127.0.0.1:" + dead), err.toString(StandardCharsets.UTF_8));

        gateway.status(() -> new ClientGateway.StatusAnswer(false, "members:\ncoordinator: no answer within 3 s\n"));
        err.reset();
        code = new StatusCommand().run(List.of("--connect", "127.0.0.1:" + gateway.port(), "--timeout", "1"),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("coordinator: no answer within 3 s"));
        assertEquals("canopy status: the global coordinator did not answer within 1 s\n", err.toString(StandardCharsets.UTF_8));
    }

    // --- over TLS ---

    /** A TLS gateway (member gw-1 of {@code fleet}) that has a round open and records what clients asked for. */
    private ClientGateway tlsGateway(Path member) {
        ClientGateway g = new ClientGateway(new RouteTable(4, 2, "127.0.0.1:1"), 4).start("127.0.0.1", 0,
            FleetTls.context(member));
        g.onInterest(interest::add);
        g.roundOpened(plan(2));
        g.status(() -> new ClientGateway.StatusAnswer(true, "members:\n"));
        return g;
    }

    private static FleetClient client(ClientGateway g, Path tls) {
        return new FleetClient(List.of("127.0.0.1:" + g.port()), Duration.ofSeconds(5), tls == null ? null : FleetTls.context(tls));
    }

    /**
     * A directory in the fleet layout holding {@code keys}'s member.p12 (or an empty key store if null: no certificate to
     * present) and {@code trust}'s fleet-ca.p12, both under a new password: a client that trusts one CA and presents
     * another's certificate, or none.
     */
    private static Path mixed(Path dir, Path keys, Path trust) throws Exception {
        Files.createDirectories(dir);
        char[] password = "mixed-password".toCharArray();
        Files.writeString(dir.resolve("password"), "mixed-password\n");
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        if (keys == null) {
            keyStore.load(null, password);
        } else {
            keyStore = reload(keys.resolve("member.p12"), keys.resolve("password"));
        }
        try (var out = Files.newOutputStream(dir.resolve("member.p12"))) {
            keyStore.store(out, password);
        }
        try (var out = Files.newOutputStream(dir.resolve("fleet-ca.p12"))) {
            reload(trust.resolve("fleet-ca.p12"), trust.resolve("password")).store(out, password);
        }
        return dir;
    }

    /** Reads a PKCS#12 store, its key entries re-protected under "mixed-password". */
    private static KeyStore reload(Path store, Path passwordFile) throws Exception {
        char[] pw = Files.readString(passwordFile).strip().toCharArray();
        KeyStore in = KeyStore.getInstance("PKCS12");
        try (var stream = Files.newInputStream(store)) {
            in.load(stream, pw);
        }
        KeyStore out = KeyStore.getInstance("PKCS12");
        out.load(null, "mixed-password".toCharArray());
        for (String alias : java.util.Collections.list(in.aliases())) {
            if (in.isKeyEntry(alias)) {
                out.setKeyEntry(alias, in.getKey(alias, pw), "mixed-password".toCharArray(), in.getCertificateChain(alias));
            } else {
                out.setCertificateEntry(alias, in.getCertificate(alias));
            }
        }
        return out;
    }

    @Test
    void a_client_with_a_certificate_the_fleet_ca_signed_reads_a_tls_gateway_and_status_prints_it() throws Exception {
        try (ClientGateway g = tlsGateway(fleet.resolve("gw-1"))) {
            assertEquals("https", g.scheme());
            assertEquals(plan(2), client(g, fleet.resolve("swarm-1")).round().orElseThrow());
            assertEquals(new BitSet(), client(g, fleet.resolve("swarm-1")).open(2));
            assertEquals(List.of(2L), interest);
            // a client trusting the fleet CA with a certificate of the fleet, in a directory of its own (the fixture
            // the refusals below differ from by exactly one thing)
            Path sameFleet = mixed(certificates.resolve("same-fleet"), fleet.resolve("swarm-1"), fleet.resolve("swarm-1"));
            assertEquals(plan(2), client(g, sameFleet).round().orElseThrow());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new StatusCommand().run(List.of("--connect", "127.0.0.1:" + g.port(), "--tls",
                fleet.resolve("swarm-1").toString(), "--timeout", "5"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            assertEquals("members:\n", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void a_plain_http_client_is_refused_by_a_tls_gateway_and_status_says_so_in_one_line_and_exits_1() throws Exception {
        try (ClientGateway g = tlsGateway(fleet.resolve("gw-1"))) {
            FleetClient.Refused refused = assertThrows(FleetClient.Refused.class, () -> client(g, null).open(2));
            String expected = "127.0.0.1:" + g.port() + " did not answer plain HTTP in HTTP: a member running with tls"
                + " serves HTTPS only, to clients with a certificate of its fleet; give --tls DIR/NAME (./canopy fleet-ca"
                + " --client NAME)";
            assertEquals(expected, refused.getMessage());
            assertEquals(List.of(), interest, "the gateway answered nothing");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            long start = System.nanoTime();
            int code = new StatusCommand().run(List.of("--connect", "127.0.0.1:" + g.port(), "--timeout", "60"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(1, code);
            assertEquals("canopy status: " + expected + "\n", err.toString(StandardCharsets.UTF_8));
            assertEquals("", out.toString(StandardCharsets.UTF_8));
            assertTrue(System.nanoTime() - start < 30_000_000_000L, "status stops at the refusal, not at its 60 s timeout");
        }
    }

    /**
     * Under TLS 1.3 the gateway checks a client's certificate after the client's side of the handshake is done, so the
     * client sees the gateway's alert or, depending on timing, the connection closed under its request: either way, one
     * line naming the gateway, and nothing answered.
     */
    private static void assertRefusedAfterHandshake(ClientGateway g, IOException e, String alert) {
        String gateway = "127.0.0.1:" + g.port();
        String m = e.getMessage();
        assertTrue(e instanceof FleetClient.Refused && m.equals(gateway + ": TLS handshake failed ((" + alert + ") Received fatal"
            + " alert: " + alert + "): this client's certificate (--tls) and the gateway's must both be signed by the fleet's"
            + " CA, and the member must run with tls")
            || m.contains(gateway + ": the connection closed after the TLS handshake (a gateway that refuses this client's"
            + " certificate closes it so: is --tls a certificate of this fleet?)"), m);
    }

    @Test
    void a_client_without_a_certificate_is_refused_and_reads_nothing() throws Exception {
        Path noCertificate = mixed(certificates.resolve("no-certificate"), null, fleet.resolve("swarm-1"));
        try (ClientGateway g = tlsGateway(fleet.resolve("gw-1"))) {
            IOException refused = assertThrows(IOException.class, () -> client(g, noCertificate).open(2));
            assertRefusedAfterHandshake(g, refused, "certificate_required");
            assertEquals(List.of(), interest, "the gateway answered nothing");
        }
    }

    @Test
    void a_client_whose_certificate_another_ca_signed_is_refused_and_reads_nothing() throws Exception {
        // It trusts the fleet's CA, so the refusal is the gateway's: the client's certificate is not the fleet's.
        Path foreign = mixed(certificates.resolve("foreign"), other.resolve("swarm-1"), fleet.resolve("swarm-1"));
        try (ClientGateway g = tlsGateway(fleet.resolve("gw-1"))) {
            IOException refused = assertThrows(IOException.class, () -> client(g, foreign).open(2));
            assertRefusedAfterHandshake(g, refused, "certificate_unknown");
            // another fleet's client as it is made, trusting its own CA only: it refuses the gateway first
            FleetClient.Refused stranger = assertThrows(FleetClient.Refused.class, () -> client(g, other.resolve("swarm-1")).open(2));
            assertTrue(stranger.getMessage().contains("PKIX path validation failed"), stranger.getMessage());
            assertEquals(List.of(), interest, "the gateway answered nothing");
        }
    }

    @Test
    void a_client_certificate_cannot_serve_as_a_gateway_and_a_tls_client_of_a_plain_one_is_told_to_drop_tls() throws Exception {
        try (ClientGateway posing = tlsGateway(fleet.resolve("swarm-1"))) {
            FleetClient.Refused refused = assertThrows(FleetClient.Refused.class,
                () -> client(posing, fleet.resolve("gw-1")).open(2));
            assertTrue(refused.getMessage().contains("TLS handshake failed ((certificate_unknown) Extended key usage does not"
                + " permit use for TLS server authentication)"), refused.getMessage());
        }
        gateway.onInterest(interest::add);
        IOException plain = assertThrows(IOException.class, () -> client(gateway, fleet.resolve("swarm-1")).open(2));
        assertTrue(plain.getMessage().contains("127.0.0.1:" + gateway.port() + ": no TLS handshake within the connect timeout"
            + " (a busy member, or one running without tls, whose gateway speaks plain HTTP: then drop --tls)"), plain.getMessage());
        assertEquals(List.of(), interest, "no gateway answered anything");
    }

    @Test
    void a_client_gets_the_members_layout_without_a_link_key() {
        for (String file : List.of("member.p12", "fleet-ca.p12", "password")) {
            assertTrue(Files.isRegularFile(fleet.resolve("swarm-1").resolve(file)), file);
        }
        assertTrue(Files.isRegularFile(fleet.resolve("gw-1").resolve(FleetCertificates.MEMBER_LINK_STORE)),
            "a member has its own link key");
        assertTrue(!Files.exists(fleet.resolve("swarm-1").resolve(FleetCertificates.MEMBER_LINK_STORE))
                && !Files.exists(fleet.resolve("swarm-1").resolve(FleetCertificates.LINK_KEY)),
            "a client sends no aggregates and must not be able to sign them");
    }

    @Test
    void tls_given_a_directory_without_its_stores_is_refused_naming_the_file() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetTls.context(certificates));
        assertEquals(certificates + ": no member.p12 there; make it with ./canopy fleet-ca --out DIR --members NAME (a member)"
            + " or --client NAME (a swarm, ./canopy status)", e.getMessage());
    }
}
