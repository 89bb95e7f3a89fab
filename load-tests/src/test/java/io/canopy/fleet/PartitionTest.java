package io.canopy.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition with both sides alive, on real processes: five members (two global, one continental, two
 * cluster); after round 1 the member hosting the coordinator and one cluster member stop hearing the other three
 * (Artery's blackhole, both directions; every process keeps running). Keep-majority must down the minority — which
 * downs itself and exits — and the majority must take the coordinator over from the journal, with no round recorded
 * twice, no privacy entry lost or doubled, and ε continuing. The journal is one directory on this host: the old
 * coordinator may still hold it while the new one starts, and the new one must wait for it, not write beside it.
 */
@Tag("multi-jvm")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PartitionTest {
    private static final int ROUNDS = 4;

    @Test
    void a_partition_downs_the_minority_and_the_majority_takes_the_coordinator_over_with_every_round_recorded_once(
        @TempDir Path dir) throws Exception {
        // No swarm sends, so every round fails its quorum at the clusters' hard deadline, however long: 1 s.
        Path config = FleetConfig.rounds(ROUNDS).set("cluster-deadline", "1s").set("upper-deadline", "12s")
            .set("min-members", 5).set("noise", "fast").set("down-after", "3s").set("heartbeat-pause", "8s")
            .set("journal", dir.resolve("journal")).write(dir);
        List<String> roles = List.of("global", "global", "continental", "cluster", "cluster");
        int[] ports = FleetFixture.distinctPorts(roles.size());
        List<Integer> minority = new ArrayList<>();
        try (FleetFixture fleet = new FleetFixture(dir, ports[0], 0)) {
            List<MemberProcess> members = fleet.started();
            for (int i = 0; i < roles.size(); i++) {
                fleet.node(roles.get(i) + "-" + i, ports[i], "--config", config.toString(), "--roles", roles.get(i),
                    "--fault-partition-file", dir.resolve("partition-" + i).toString());
            }
            // No swarm: every round fails its quorum at the deadline, yet each is accounted and recorded once.
            long deadline = System.currentTimeMillis() + 150_000;
            int host = -1;
            while (host < 0 && System.currentTimeMillis() < deadline) {
                for (int i = 0; i < 2; i++) {
                    if (members.get(i).output().stream().anyMatch(l -> l.startsWith("round 1: "))) {
                        host = i;
                    }
                }
                Thread.sleep(50); // polling the members' output, bounded by the deadline
            }
            assertTrue(host >= 0, "no global member recorded round 1");
            int other = 1 - host;
            minority.addAll(List.of(host, 4));
            List<Integer> majority = List.of(other, 2, 3);
            StringBuilder cut = new StringBuilder();
            for (int m : majority) {
                cut.append("127.0.0.1:").append(ports[m]).append('\n');
            }
            for (int m : minority) {
                Path tmp = Files.writeString(dir.resolve("partition-" + m + ".tmp"), cut);
                Files.move(tmp, dir.resolve("partition-" + m), StandardCopyOption.ATOMIC_MOVE);
            }
            for (int m : minority) {
                members.get(m).await("the partition applied", l -> l.startsWith("fault: partitioned from "), majority.size(),
                    Duration.ofSeconds(10));
            }
            // Keep-majority: the minority downs itself, and its processes end on their own.
            for (int m : minority) {
                members.get(m).awaitExit(Duration.ofSeconds(90));
            }
            MemberProcess successor = members.get(other);
            successor.await("the coordinator taking over", l -> l.startsWith("hosting the global coordinator"), 1,
                Duration.ofSeconds(60));
            successor.await("round " + ROUNDS + " on the majority", l -> l.startsWith("round " + ROUNDS + ": "), 1,
                Duration.ofSeconds(150));
            for (int m : majority) {
                for (int n : majority) {
                    String address = FleetFixture.address(ports[n]);
                    assertTrue(members.get(m).output().stream().noneMatch(l -> l.startsWith("member removed: " + address)),
                        members.get(m).name() + " removed a member of the majority: " + address);
                }
                assertTrue(members.get(m).output().stream().noneMatch(l -> l.contains("canopy node: fatal")),
                    members.get(m).name() + " failed: " + String.join("\n", members.get(m).output()));
            }
            for (int m : minority) {
                String address = FleetFixture.address(ports[m]);
                successor.await("the minority removed", l -> l.startsWith("member removed: " + address), 1,
                    Duration.ofSeconds(30));
            }
        }
        Path journal = dir.resolve("journal");
        List<RoundRecord> records = RoundLedger.read(journal).records();
        List<Long> rounds = records.stream().map(RoundRecord::round).toList();
        assertEquals(rounds.stream().distinct().sorted().toList(), rounds, "rounds recorded once each, in order: " + rounds);
        assertEquals(ROUNDS, (long) rounds.getLast(), "the majority ran the fleet to its last round: " + rounds);
        List<LedgerEntry> privacy = PrivacyLedger.read(journal.resolve(DirectoryJournal.PRIVACY_FILE)).entries();
        List<Long> spent = privacy.stream().map(LedgerEntry::round).toList();
        assertEquals(spent.stream().distinct().sorted().toList(), spent, "privacy entries once each, in order: " + spent);
        assertTrue(spent.containsAll(rounds), "every recorded round is spent: " + spent + " vs " + rounds);
        assertEquals(PrivacyLedger.replay(privacy, 1e-5).epsilonBalle(), records.getLast().epsilon(), 1e-12,
            "epsilon continued from the journal across the partition");
    }
}
