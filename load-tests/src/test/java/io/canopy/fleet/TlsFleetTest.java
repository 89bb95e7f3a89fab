package io.canopy.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.node.tls.FleetCertificates;
import io.canopy.straggler.QuorumOutcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that speak TLS 1.3 with mutual authentication (./canopy fleet-ca, Artery's tls-tcp), on real processes on
 * loopback: one with a certificate from the fleet's CA joins; one whose certificate another CA signed is refused at the
 * handshake and never becomes a member; and a round runs with every aggregate between the two members signed by its
 * host's own link key and checked against the routing table (a swarm with a client certificate feeds it).
 */
@Tag("multi-jvm")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsFleetTest {
    private static final Pattern REFUSED = Pattern.compile("(?i).*(SSLHandshakeException|certificate_unknown|bad_certificate"
        + "|unknown_ca|PKIX path|handshake).*");

    @Test
    void a_member_of_another_ca_is_refused_and_the_fleet_signs_every_aggregate_with_its_hosts_own_key(@TempDir Path dir)
        throws Exception {
        Path fleet = dir.resolve("fleet");
        Path other = dir.resolve("other");
        issueCertificates(fleet, other);
        Path config = FleetConfig.rounds(1).set("min-members", 2).set("journal", dir.resolve("journal")).write(dir);
        int seedPort = MemberProcess.freePort();
        try (FleetFixture members = new FleetFixture(dir, seedPort, MemberProcess.freePort())) {
            // The intruder starts with the fleet (one role, TLS from the other CA, no round of its own): its handshakes
            // fail while the fleet runs its round, and are checked at the end.
            int intruderPort = MemberProcess.freePort();
            MemberProcess intruder = members.node("cluster-" + intruderPort, intruderPort, "--roles", "cluster",
                "--start-after", "10m", "--tls", other.resolve("intruder").toString());
            // The continents and the coordinator on one member, every cluster on the other: each of the six cluster
            // aggregates crosses between members and must verify under the key of the member the routing table names.
            MemberProcess upper = members.node("upper-" + seedPort, seedPort, "--config", config.toString(), "--roles",
                "global,continental", "--tls", fleet.resolve("upper").toString());
            int clusterPort = MemberProcess.freePort();
            MemberProcess clusters = members.node("clusters-" + clusterPort, clusterPort, "--config", config.toString(),
                "--roles", "cluster", "--tls", fleet.resolve("clusters").toString());
            for (MemberProcess m : List.of(upper, clusters)) {
                String name = m == upper ? "upper" : "clusters";
                m.await("member link signatures on", l -> l.startsWith("aggregates between tiers: required: every aggregate"
                    + " between tiers is signed (Ed25519) by the member that sends it, here " + name + ","), 1,
                    Duration.ofSeconds(60));
            }
            String clustersAddress = FleetFixture.address(clusterPort);
            upper.await("the member with the fleet's certificate up", l -> l.startsWith("member up: " + clustersAddress), 1,
                Duration.ofSeconds(60));
            MemberProcess swarm = members.swarm("swarm", 1, "--tls", fleet.resolve("swarm").toString(), "--leaves", "600");
            assertEquals(0, swarm.awaitExit(Duration.ofSeconds(150)), () -> String.join("\n", swarm.output()));
            upper.await("round 1 recorded", l -> l.startsWith("round 1: "), 1, Duration.ofSeconds(60));
            expectIntruderRefused(intruder, intruderPort, upper, clusters);
        }
        List<RoundRecord> records = RoundLedger.read(dir.resolve("journal")).records();
        assertEquals(1, records.size());
        RoundRecord round = records.getFirst();
        assertEquals(QuorumOutcome.COMPLETE, round.outcome(), round.toString());
        assertEquals(6, round.clustersReleased(), "every cluster aggregate verified at its continent: " + round);
        assertEquals(600, round.leavesAccepted(), round.toString());
    }

    /**
     * The fleet's CA with certificates for its two members and the swarm, and another CA with one for the intruder. Each
     * certificate takes keytool five to six runs of a fresh JVM (with a quick JIT, as {@link FleetCertificates} runs it);
     * here the two CAs, then the four certificates, are made two at a time (two cores).
     */
    private static void issueCertificates(Path fleet, Path other) throws Exception {
        FleetCertificates certificates = FleetCertificates.ofRunningJdk();
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            all(two, List.of(() -> certificates.createFleet(fleet, List.of()), () -> certificates.createFleet(other,
                List.of())));
            all(two, List.of(() -> certificates.addMember(fleet, "upper"), () -> certificates.addMember(fleet, "clusters"),
                () -> certificates.addClient(fleet, "swarm"), () -> certificates.addMember(other, "intruder")));
        } finally {
            two.shutdownNow();
        }
    }

    /** One keytool job. */
    private interface Issue {
        void run() throws Exception;
    }

    /** Runs every job on {@code pool} and waits for all; the first failure is thrown. */
    private static void all(java.util.concurrent.ExecutorService pool, List<Issue> jobs) throws Exception {
        List<java.util.concurrent.Callable<Void>> tasks = jobs.stream().map(job -> (java.util.concurrent.Callable<Void>) () -> {
            job.run();
            return null;
        }).toList();
        for (java.util.concurrent.Future<Void> done : pool.invokeAll(tasks)) {
            try {
                done.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** The member whose certificate another CA signed, started with the fleet: refused at the handshake, never a member. */
    private static void expectIntruderRefused(MemberProcess intruder, int intruderPort, MemberProcess... fleet)
        throws Exception {
        // Evidence of refusal, not a fixed wait: the TLS handshake fails on one side or the other.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            refused = intruder.output().stream().anyMatch(l -> REFUSED.matcher(l).matches())
                || fleet[0].output().stream().anyMatch(l -> REFUSED.matcher(l).matches());
            Thread.sleep(50); // polling the processes' output, bounded by the deadline
        }
        assertTrue(refused, "no TLS handshake failure seen:\n" + String.join("\n", intruder.output()));
        String intruderAddress = FleetFixture.address(intruderPort);
        for (MemberProcess m : fleet) {
            assertTrue(m.output().stream().noneMatch(l -> l.contains(intruderAddress)),
                m.name() + " saw the intruder as a member:\n" + String.join("\n", m.output()));
        }
        assertTrue(intruder.output().stream().noneMatch(l -> l.startsWith("member up: ")),
            "the intruder joined a fleet:\n" + String.join("\n", intruder.output()));
    }
}
