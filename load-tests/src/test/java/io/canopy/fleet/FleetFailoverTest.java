package io.canopy.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import io.canopy.straggler.QuorumOutcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members dying and a data plane cut, with real processes on loopback: 1–2 global, 1 continental and 1–2 cluster
 * members and, where leaves matter, a swarm (at most five JVMs, so two cores keep up with the heartbeats);
 * keep-majority downs a dead member 3 s after it is marked unreachable.
 */
@Tag("multi-jvm")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FleetFailoverTest {
    /** A cluster's hard deadline when a swarm sends: room for 600 leaves on a busy host. */
    private static final int CLUSTER_DEADLINE_S = 4;
    /**
     * A cluster's hard deadline when no swarm sends: every round fails its quorum at the deadline whatever it is, and
     * these tests are about what the journal records, so a round need not wait longer.
     */
    private static final int IDLE_CLUSTER_DEADLINE_S = 1;
    /**
     * The continents' and the global tier's hard deadline. 8 s (4 s after the clusters') was too short for a first
     * round on a loaded host: the continent closed before its clusters, just started, had reported.
     */
    private static final int UPPER_DEADLINE_S = 12;
    /**
     * The upper deadline where a cluster member is killed: the round it dies in waits this out in each of the gated
     * release's two passes. Nothing is checked of round 1, whose clusters may report late on a cold host (what made
     * {@link #UPPER_DEADLINE_S} 12 s), so 8 s: a round without the dead member's clusters takes 16 s, not 24.
     */
    private static final int KILLED_CLUSTER_UPPER_DEADLINE_S = 8;
    /**
     * The coordinator moves 1 s after its dead member is removed, not after Pekko's margin (the resolver's stable-after,
     * {@code down-after}, 3 s here). The margin gives a minority that is still alive time to stop its singleton before
     * the majority starts another; every member these tests lose is a dead process (SIGKILL, or the fault's halt), so
     * the margin would guard nothing. {@link PartitionTest}, whose minority lives on, keeps Pekko's margin.
     */
    private static final List<String> REMOVAL_MARGIN = List.of("-Dpekko.cluster.down-removal-margin=1s");

    /** Starts the members (roles in order; the first is the seed), then the swarm. */
    private static FleetFixture fleet(Path dir, int rounds, List<String> roles, List<List<String>> extra) throws Exception {
        return fleet(dir, rounds, roles, extra, true);
    }

    /** Starts the members (roles in order; the first is the seed), then the swarm if {@code swarm}. */
    private static FleetFixture fleet(Path dir, int rounds, List<String> roles, List<List<String>> extra, boolean withSwarm)
        throws Exception {
        return fleet(dir, rounds, roles, extra, withSwarm, UPPER_DEADLINE_S);
    }

    /** {@link #fleet(Path, int, List, List, boolean)} with the continents' and global tier's hard deadline {@code upperS}. */
    private static FleetFixture fleet(Path dir, int rounds, List<String> roles, List<List<String>> extra, boolean withSwarm,
                                      int upperS) throws Exception {
        Path config = FleetConfig.rounds(rounds).set("cluster-deadline", (withSwarm ? CLUSTER_DEADLINE_S
            : IDLE_CLUSTER_DEADLINE_S) + "s").set("upper-deadline", upperS + "s").set("min-members", roles.size())
            .set("noise", "fast").set("down-after", "3s").set("heartbeat-pause", "8s").set("journal", dir.resolve("journal"))
            .write(dir);
        // Distinct ports (the swarm is a client: it joins no cluster and never leads). One more for the seed's
        // client gateway, which the swarm asks.
        int[] ports = FleetFixture.distinctPorts(roles.size() + 1);
        FleetFixture fleet = new FleetFixture(dir, ports[0], ports[roles.size()]);
        for (int i = 0; i < roles.size(); i++) {
            List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--roles", roles.get(i)));
            args.addAll(extra.get(i));
            fleet.node(roles.get(i) + "-" + i, ports[i], REMOVAL_MARGIN, args.toArray(String[]::new));
        }
        if (withSwarm) {
            fleet.swarm("swarm", rounds);
        }
        return fleet;
    }

    @Test
    void killing_a_cluster_member_mid_round_makes_its_clusters_stragglers_and_a_later_round_has_every_cluster(
        @TempDir Path dir) throws Exception {
        List<String> roles = List.of("global", "continental", "cluster", "cluster");
        FleetFixture fleet = fleet(dir, 6, roles, List.of(List.of(), List.of(), List.of(), List.of()), true,
            KILLED_CLUSTER_UPPER_DEADLINE_S);
        try (fleet) {
            List<MemberProcess> members = fleet.started();
            MemberProcess global = members.getFirst();
            global.await("round 1", l -> l.startsWith("round 1: "), 1, Duration.ofSeconds(120));
            // A cluster member that hosts clusters dies, while round 2 collects.
            members.subList(2, 4).stream().filter(m -> m.output().stream().anyMatch(l -> l.startsWith("hosting cluster ")))
                .findFirst().orElseThrow().kill();
            global.await("round 6", l -> l.startsWith("round 6: "), 1, Duration.ofSeconds(200));
        }
        // Its clusters are lost for the rounds until keep-majority has downed it (3 s after it is unreachable) and
        // their shards have started again elsewhere; by the last round they are back.
        List<RoundRecord> records = RoundLedger.read(dir.resolve("journal")).records();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), records.stream().map(RoundRecord::round).toList());
        assertTrue(records.stream().anyMatch(r -> r.clustersReleased() < 6),
            "some round lost the dead member's clusters: " + records);
        RoundRecord last = records.getLast();
        assertEquals(QuorumOutcome.COMPLETE, last.outcome(), last.toString());
        assertEquals(6, last.clustersReleased(), "the clusters moved to the surviving members: " + records);
        assertEquals(600, last.leavesAccepted());
    }

    @Test
    void killing_the_global_member_moves_the_coordinator_which_resumes_from_the_journal_with_epsilon_continuing(
        @TempDir Path dir) throws Exception {
        // No swarm: every round fails its quorum, yet each is accounted and recorded, which is what this is about.
        List<String> roles = List.of("global", "global", "continental", "cluster");
        FleetFixture fleet = fleet(dir, 4, roles, List.of(List.of(), List.of(), List.of(), List.of()), false);
        try (fleet) {
            List<MemberProcess> members = fleet.started();
            long deadline = System.currentTimeMillis() + 120_000;
            MemberProcess host = null;
            while (host == null && System.currentTimeMillis() < deadline) {
                host = members.subList(0, 2).stream()
                    .filter(m -> m.output().stream().anyMatch(l -> l.startsWith("round 1: "))).findFirst().orElse(null);
                Thread.sleep(50);
            }
            assertTrue(host != null, "no global member recorded round 1");
            MemberProcess other = members.get(host == members.get(0) ? 1 : 0);
            host.kill(); // the member that hosts the coordinator, as round 2 opens
            other.await("the coordinator taking over", l -> l.startsWith("hosting the global coordinator"), 1,
                Duration.ofSeconds(60));
            other.await("round 4 on the other global member", l -> l.startsWith("round 4: "), 1, Duration.ofSeconds(180));
        }
        Path journal = dir.resolve("journal");
        List<RoundRecord> records = RoundLedger.read(journal).records();
        assertEquals(List.of(1L, 2L, 3L, 4L), records.stream().map(RoundRecord::round).toList(), "no round twice");
        List<LedgerEntry> privacy = PrivacyLedger.read(journal.resolve(DirectoryJournal.PRIVACY_FILE)).entries();
        assertEquals(List.of(1L, 2L, 3L, 4L), privacy.stream().map(LedgerEntry::round).toList(),
            "the privacy ledger was neither reset nor double-counted");
        double replayed = PrivacyLedger.replay(privacy, 1e-5).epsilonBalle();
        assertEquals(replayed, records.getLast().epsilon(), 1e-12, "epsilon continued from the journal");
        assertTrue(records.getLast().epsilon() > records.getFirst().epsilon());
    }

    @Test
    void a_cluster_member_whose_data_plane_is_cut_misses_its_quorum_and_every_round_still_closes_on_time(
        @TempDir Path dir) throws Exception {
        List<String> roles = List.of("global", "continental", "cluster", "cluster");
        FleetFixture fleet = fleet(dir, 2, roles, List.of(List.of(), List.of(), List.of(),
            List.of("--fault-drop-data", "on")));
        try (fleet) {
            fleet.started().getFirst().await("round 2", l -> l.startsWith("round 2: "), 1, Duration.ofSeconds(150));
        }
        List<RoundRecord> records = RoundLedger.read(dir.resolve("journal")).records();
        assertEquals(2, records.size());
        for (RoundRecord r : records) {
            assertTrue(r.clustersFailed() >= 1, "the cut member's clusters failed their quorum: " + r);
            assertEquals(6, r.clustersReleased() + r.clustersFailed(), "every cluster reported: " + r);
            // The clusters' hard deadline, then the continents close as soon as their clusters are accounted for.
            assertTrue(r.tier3WallMs() < (CLUSTER_DEADLINE_S + UPPER_DEADLINE_S) * 1_000L,
                "closed within the deadlines: " + r.tier3WallMs() + " ms");
        }
    }

    @Test
    void a_coordinator_killed_between_a_rounds_privacy_entry_and_its_record_is_resumed_with_that_round_spent_once(
        @TempDir Path dir) throws Exception {
        List<String> roles = List.of("global", "global", "continental", "cluster");
        List<String> crash = List.of("--fault-crash-after-privacy", "2");
        FleetFixture fleet = fleet(dir, 4, roles, List.of(crash, crash, List.of(), List.of()), false);
        try (fleet) {
            List<MemberProcess> members = fleet.started();
            long deadline = System.currentTimeMillis() + 150_000;
            MemberProcess crashed = null;
            while (crashed == null && System.currentTimeMillis() < deadline) {
                crashed = members.subList(0, 2).stream().filter(m -> m.output().stream()
                    .anyMatch(l -> l.startsWith("fault: halting after round 2"))).findFirst().orElse(null);
                Thread.sleep(50);
            }
            assertTrue(crashed != null, "the coordinator did not reach round 2's privacy entry");
            MemberProcess other = members.get(crashed == members.get(0) ? 1 : 0);
            other.await("round 4 on the other global member", l -> l.startsWith("round 4: "), 1, Duration.ofSeconds(180));
        }
        Path journal = dir.resolve("journal");
        List<RoundRecord> records = RoundLedger.read(journal).records();
        assertEquals(List.of(1L, 3L, 4L), records.stream().map(RoundRecord::round).toList(),
            "round 2 was never announced and never re-run");
        List<LedgerEntry> privacy = PrivacyLedger.read(journal.resolve(DirectoryJournal.PRIVACY_FILE)).entries();
        assertEquals(List.of(1L, 2L, 3L, 4L), privacy.stream().map(LedgerEntry::round).toList(),
            "round 2's privacy entry stays, once");
        assertEquals(PrivacyLedger.replay(privacy, 1e-5).epsilonBalle(), records.getLast().epsilon(), 1e-12,
            "epsilon counts round 2, which was spent");
        assertTrue(records.getLast().epsilon() > PrivacyLedger.replay(List.of(privacy.get(0), privacy.get(2),
            privacy.get(3)), 1e-5).epsilonBalle(), "ignoring round 2 would have understated epsilon");
    }
}
