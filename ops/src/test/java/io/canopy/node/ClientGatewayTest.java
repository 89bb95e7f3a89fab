package io.canopy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import io.canopy.codec.CodecId;
import io.canopy.ingest.IngestRejection;
import io.canopy.round.ClusterReport;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client gateway as a swarm or ./canopy status reads it: over HTTP, without joining the cluster. */
class ClientGatewayTest {
    private final FleetLayout layout = new FleetLayout(40, 10, 2, 99L);
    private final List<Long> interest = new ArrayList<>();
    private final ClientGateway gateway = new ClientGateway(new RouteTable(4, 2, "127.0.0.1:1"), 4).start("127.0.0.1", 0);
    private final FleetClient client = new FleetClient(List.of("127.0.0.1:" + gateway.port()), Duration.ofSeconds(5));

    @AfterEach
    void close() {
        gateway.close();
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
}
