package io.canopy.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.canopy.fleet.FleetConfig;
import io.canopy.fleet.FleetFixture;
import io.canopy.fleet.MemberProcess;
import io.canopy.global.GlobalCoordinator;
import io.canopy.global.RoundResult;
import io.canopy.global.ledger.ModelCheckpoint;
import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.node.NodeSettings;
import io.canopy.ops.config.LayeredConfig;
import io.canopy.round.RoundPlan;
import io.canopy.straggler.QuorumOutcome;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet as users run it: 1 global, 2 continental and 3 cluster members and a swarm, seven JVMs on loopback
 * with Aeron over UDP between them, against the same rounds in one JVM.
 */
@Tag("multi-jvm")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FleetMatchesOneJvmTest {
    private static final int ROUNDS = 3;

    @Test
    void six_members_and_a_swarm_run_three_rounds_whose_model_equals_the_one_jvm_model(@TempDir Path dir) throws Exception {
        // Every aggregate between tiers carries an HMAC under the fleet's link key: a round is COMPLETE only if each verifies.
        Path linkKey = Files.writeString(dir.resolve("link.key"), io.canopy.enroll.LinkAuthentication.newKeyText() + "\n");
        Path config = FleetConfig.rounds(ROUNDS).set("min-members", 6).set("down-after", "10s").set("heartbeat-pause", "8s")
            .set("journal", dir.resolve("journal")).set("link-key", linkKey).write(dir);
        int seedPort = MemberProcess.freePort();
        List<String> swarmOutput = new ArrayList<>();
        CompletableFuture<float[]> oneJvmRounds;
        try (FleetFixture fleet = new FleetFixture(dir, seedPort, MemberProcess.freePort())) {
            MemberProcess global = fleet.node("global-" + seedPort, seedPort, "--config", config.toString(), "--roles", "global");
            for (String role : List.of("continental", "continental", "cluster", "cluster", "cluster")) {
                int port = MemberProcess.freePort();
                fleet.node(role + "-" + port, port, "--config", config.toString(), "--roles", role);
            }
            // The swarm and status are clients of the seed's gateway, never cluster members.
            MemberProcess swarm = fleet.swarm("swarm", ROUNDS, "--byzantine", "0.1", "--leaves", "600");
            assertEquals(0, swarm.awaitExit(Duration.ofSeconds(240)), () -> String.join("\n", swarm.output()));
            oneJvmRounds = oneJvmModelMeanwhile(config);
            swarmOutput.addAll(swarm.output());
            List<String> rounds = swarm.output().stream().filter(l -> l.startsWith("swarm round "))
                .toList(); // progress lines start "swarm progress"
            assertEquals(ROUNDS, rounds.size(), () -> String.join("\n", swarm.output()));
            for (String line : rounds) {
                assertTrue(line.contains("sent 600, not sent 0") && line.contains("acknowledged 600"), line);
            }
            global.await("round " + ROUNDS + " recorded", l -> l.startsWith("round " + ROUNDS + ": "), 1,
                Duration.ofSeconds(60));

            MemberProcess status = fleet.command("status", "status", "--connect", fleet.gateway());
            assertEquals(0, status.awaitExit(Duration.ofSeconds(60)), () -> String.join("\n", status.output()));
            List<String> shown = status.output();
            assertEquals(3, shown.stream().filter(l -> l.contains("[cluster]") && l.contains("Up")
                && l.endsWith("reachable")).count(), () -> String.join("\n", shown));
            assertTrue(shown.contains("  round " + ROUNDS + " done; model v" + ROUNDS + "; 0 round(s) left"),
                () -> String.join("\n", shown));
            assertTrue(shown.contains("  cluster      600 leaves accepted of 600 invited (0 late, 150 left out by Multi-Krum)"),
                () -> String.join("\n", shown));
        }

        List<RoundRecord> records = RoundLedger.read(dir.resolve("journal")).records();
        assertEquals(ROUNDS, records.size());
        for (RoundRecord r : records) {
            assertEquals(QuorumOutcome.COMPLETE, r.outcome(), r.toString());
            assertEquals(600, r.leavesAccepted());
            assertEquals(6, r.clustersReleased());
        }
        float[] fleetModel = ModelCheckpoint.read(dir.resolve("journal").resolve(ModelCheckpoint.fileName(ROUNDS)));
        // Before each round the swarm fetched the version its plan names, and what it got is the coordinator's checkpoint.
        for (int v = 0; v < ROUNDS; v++) {
            String sha = java.util.HexFormat.of().formatHex(io.canopy.node.ClientGateway.sha256(
                Files.readAllBytes(dir.resolve("journal").resolve(ModelCheckpoint.fileName(v)))));
            String expected = "swarm model, round " + (v + 1) + ": v" + v + " sha256 " + sha + " (";
            assertTrue(swarmOutput.stream().anyMatch(l -> l.startsWith(expected)),
                () -> "no line starting '" + expected + "' in:\n" + String.join("\n", swarmOutput));
        }

        // The same updates in a different arrival order: Multi-Krum's mean sums them in another order.
        assertArrayEquals(oneJvmRounds.get(120, TimeUnit.SECONDS), fleetModel, 1e-5f);
    }

    /**
     * {@link #oneJvmModel} on a thread of its own, started once the swarm is done: the fleet is then idle (what is left is
     * {@code status} and the members leaving), so the one-JVM rounds run beside it instead of after it.
     */
    static CompletableFuture<float[]> oneJvmModelMeanwhile(Path config) {
        CompletableFuture<float[]> model = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("one-jvm-model").start(() -> {
            try {
                model.complete(oneJvmModel(config));
            } catch (Throwable e) {
                model.completeExceptionally(e);
            }
        });
        return model;
    }

    /** The model after {@code ROUNDS} rounds of the fleet {@code config} describes, run in one JVM, with the swarm's leaves. */
    static float[] oneJvmModel(Path config) throws Exception {
        NodeSettings settings = NodeSettings.from(LayeredConfig.resolve(NodeSettings.KEYS, config, Map.of(), Map.of()));
        return oneJvm(settings.firstRound(), new SwarmSpec(7, 16, 1.0, 0.5, 0.5, 0.1, Attack.SIGN_FLIP, Double.NaN, 100, 0.0,
            200.0, 0.5));
    }

    /** The same rounds in one JVM (EmbeddedFleet over IPC), returning the model after {@code ROUNDS} rounds. */
    static float[] oneJvm(RoundPlan first, SwarmSpec spec) throws Exception {
        try (EmbeddedFleet fleet = new EmbeddedFleet(first.layout(), first.dimension(), 6, 2, new FedAvgStep(1f),
                 new float[first.dimension()], 1e-5);
             SwarmDriver driver = new SwarmDriver(fleet, new SyntheticSwarm(spec), 2, 3)) {
            BlockingQueue<RoundPlan> opened = new LinkedBlockingQueue<>();
            CompletableFuture<RoundResult> last = new CompletableFuture<>();
            ActorRef<RoundResult> collector = fleet.system().systemActorOf(Behaviors.receive(RoundResult.class)
                .onMessage(RoundResult.class, r -> {
                    if (r.roundId() == ROUNDS) {
                        last.complete(r);
                    }
                    return Behaviors.same();
                }).build(), "results", Props.empty());
            fleet.system().systemActorOf(Behaviors.<GlobalCoordinator.RoundOpened>setup(c -> {
                c.getSystem().eventStream().tell(new EventStream.Subscribe<>(GlobalCoordinator.RoundOpened.class, c.getSelf()));
                return Behaviors.receive(GlobalCoordinator.RoundOpened.class)
                    .onMessage(GlobalCoordinator.RoundOpened.class, o -> {
                        opened.add(o.plan());
                        return Behaviors.same();
                    }).build();
            }), "opened", Props.empty());
            fleet.awaitReady(30_000);
            Thread.sleep(200); // both listeners subscribed before the first round opens
            fleet.system().tell(new GlobalCoordinator.Start(first, ROUNDS, collector));
            for (int r = 0; r < ROUNDS; r++) {
                driver.run(opened.poll(60, TimeUnit.SECONDS), 60_000);
            }
            RoundResult result = last.get(60, TimeUnit.SECONDS);
            assertEquals(QuorumOutcome.COMPLETE, result.outcome());
            return result.model();
        }
    }
}
