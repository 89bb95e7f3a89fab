package io.canopy.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.canopy.fleet.FleetConfig;
import io.canopy.fleet.FleetFixture;
import io.canopy.fleet.MemberProcess;
import io.canopy.global.ledger.ModelCheckpoint;
import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.straggler.QuorumOutcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet whose members lose 20% of the UDP data packets they receive (Aeron's own seeded loss generator in every
 * member's media driver): Aeron's NAKs and retransmissions must still deliver, and whatever happens, each round's
 * record must be true — what the clusters acknowledged to the swarm is what the ledger says was accepted, and a
 * round that accepted every leaf publishes exactly the model a lossless run publishes.
 */
@Tag("multi-jvm")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LossyFleetTest {
    private static final int ROUNDS = 3;
    private static final Pattern SWARM_ROUND = Pattern.compile("^swarm round (\\d+): sent (\\d+), .* acknowledged (\\d+), .*");

    /** Every member's driver drops 20% of received data frames, seeded: the drill is reproducible. */
    private static final List<String> LOSSY = List.of(
        "-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier",
        "-Daeron.debug.receive.data.loss.rate=0.2", "-Daeron.debug.receive.data.loss.seed=7");

    /** The driver's "NAKs sent" system counter, read from its CnC file while it runs. */
    private static long naksSent(Path aeronDir) {
        java.nio.MappedByteBuffer cnc = org.agrona.IoUtil.mapExistingFile(aeronDir.resolve(io.aeron.CncFileDescriptor.CNC_FILE)
            .toFile(), "cnc");
        try {
            org.agrona.DirectBuffer meta = io.aeron.CncFileDescriptor.createMetaDataBuffer(cnc);
            org.agrona.concurrent.status.CountersReader counters = new org.agrona.concurrent.status.CountersReader(
                io.aeron.CncFileDescriptor.createCountersMetaDataBuffer(cnc, meta),
                io.aeron.CncFileDescriptor.createCountersValuesBuffer(cnc, meta));
            return counters.getCounterValue(io.aeron.driver.status.SystemCounterDescriptor.NAK_MESSAGES_SENT.id());
        } finally {
            org.agrona.IoUtil.unmap(cnc);
        }
    }

    @Test
    void with_a_fifth_of_udp_packets_lost_every_round_records_the_truth_and_a_full_round_equals_the_lossless_model(
        @TempDir Path dir) throws Exception {
        Path config = FleetConfig.rounds(ROUNDS).set("min-members", 4).set("down-after", "10s").set("heartbeat-pause", "8s")
            .set("journal", dir.resolve("journal")).write(dir);
        int seedPort = MemberProcess.freePort();
        List<String> swarmRounds;
        java.util.concurrent.CompletableFuture<float[]> lossless;
        List<Path> drivers = new ArrayList<>();
        try (FleetFixture fleet = new FleetFixture(dir, seedPort, MemberProcess.freePort())) {
            String[] roles = {"global", "continental", "cluster", "cluster"};
            for (int i = 0; i < roles.length; i++) {
                int port = i == 0 ? seedPort : MemberProcess.freePort();
                fleet.node(roles[i] + "-" + port, port, LOSSY, "--config", config.toString(), "--roles", roles[i]);
                drivers.add(dir.resolve("aeron-" + port));
            }
            MemberProcess swarm = fleet.swarm("swarm", ROUNDS, "--byzantine", "0.1", "--leaves", "600");
            assertEquals(0, swarm.awaitExit(Duration.ofSeconds(240)), () -> String.join("\n", swarm.output()));
            lossless = FleetMatchesOneJvmTest.oneJvmModelMeanwhile(config);
            swarmRounds = swarm.output().stream().filter(l -> l.startsWith("swarm round ")).toList();
            fleet.started().getFirst().await("round " + ROUNDS + " recorded", l -> l.startsWith("round " + ROUNDS + ": "), 1,
                Duration.ofSeconds(60));
            // The drill really dropped packets: the receivers asked for retransmissions.
            long naks = 0;
            for (Path driver : drivers) {
                naks += naksSent(driver);
            }
            assertTrue(naks > 0, "no NAK was sent: the loss generator did not run");
        }

        List<RoundRecord> records = RoundLedger.read(dir.resolve("journal")).records();
        assertEquals(List.of(1L, 2L, 3L), records.stream().map(RoundRecord::round).toList());
        assertEquals(ROUNDS, swarmRounds.size(), String.join("\n", swarmRounds));
        boolean everyLeafEveryRound = true;
        for (int i = 0; i < ROUNDS; i++) {
            RoundRecord r = records.get(i);
            Matcher m = SWARM_ROUND.matcher(swarmRounds.get(i));
            assertTrue(m.matches(), swarmRounds.get(i));
            assertEquals(r.round(), Long.parseLong(m.group(1)));
            assertTrue(r.outcome() == QuorumOutcome.COMPLETE || r.outcome() == QuorumOutcome.QUORUM_AT_DEADLINE, r.toString());
            assertEquals(Long.parseLong(m.group(3)), r.leavesAccepted(),
                "the ledger records what the clusters acknowledged, no more, no less: " + r);
            assertTrue(r.leavesAccepted() <= Long.parseLong(m.group(2)), r.toString());
            assertEquals(6, r.clustersReleased() + r.clustersFailed(), "every cluster accounted for: " + r);
            everyLeafEveryRound &= r.leavesAccepted() == 600;
        }
        // Retransmission is Aeron's job: at 20% loss every frame should still arrive in time.
        assertTrue(everyLeafEveryRound, "a round lost leaves to 20% packet loss: " + records);
        float[] model = ModelCheckpoint.read(dir.resolve("journal").resolve(ModelCheckpoint.fileName(ROUNDS)));
        assertArrayEquals(lossless.get(120, TimeUnit.SECONDS), model, 1e-5f, "the same model as without loss");
    }
}
