package io.canopy.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.canopy.node.tls.FleetCertificates;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that speak TLS 1.3 with mutual authentication (./canopy fleet-ca, Artery's tls-tcp): one with a certificate
 * from the fleet's CA joins; one whose certificate another CA signed is refused at the handshake and never becomes a
 * member, on real processes on loopback.
 */
@Tag("multi-jvm")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsFleetTest {
    private static final Pattern REFUSED = Pattern.compile("(?i).*(SSLHandshakeException|certificate_unknown|bad_certificate"
        + "|unknown_ca|PKIX path|handshake).*");

    @Test
    void a_member_with_the_fleets_certificate_joins_and_one_signed_by_another_ca_is_refused(@TempDir Path dir)
        throws Exception {
        FleetCertificates certificates = FleetCertificates.ofRunningJdk();
        certificates.createFleet(dir.resolve("fleet"), List.of("seed", "member"));
        certificates.createFleet(dir.resolve("other"), List.of("intruder"));
        int seedPort = MemberProcess.freePort();
        int memberPort = MemberProcess.freePort();
        int intruderPort = MemberProcess.freePort();
        String seeds = "127.0.0.1:" + seedPort;
        List<MemberProcess> started = new ArrayList<>();
        try {
            MemberProcess seed = start(started, "global", seedPort, seeds, dir, dir.resolve("fleet/seed"));
            MemberProcess member = start(started, "cluster", memberPort, seeds, dir, dir.resolve("fleet/member"));
            String memberAddress = "pekko://canopy@127.0.0.1:" + memberPort;
            seed.await("the member with the fleet's certificate up", l -> l.startsWith("member up: " + memberAddress), 1,
                Duration.ofSeconds(60));

            MemberProcess intruder = start(started, "cluster", intruderPort, seeds, dir, dir.resolve("other/intruder"));
            // Evidence of refusal, not a fixed wait: the TLS handshake fails on one side or the other.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                refused = intruder.output().stream().anyMatch(l -> REFUSED.matcher(l).matches())
                    || seed.output().stream().anyMatch(l -> REFUSED.matcher(l).matches());
                Thread.sleep(50); // polling the processes' output, bounded by the deadline
            }
            assertTrue(refused, "no TLS handshake failure seen:\n" + String.join("\n", intruder.output()));
            String intruderAddress = "pekko://canopy@127.0.0.1:" + intruderPort;
            for (MemberProcess m : List.of(seed, member)) {
                assertTrue(m.output().stream().noneMatch(l -> l.contains(intruderAddress)),
                    m.name() + " saw the intruder as a member:\n" + String.join("\n", m.output()));
            }
            assertTrue(intruder.output().stream().noneMatch(l -> l.startsWith("member up: ")),
                "the intruder joined a fleet:\n" + String.join("\n", intruder.output()));
        } finally {
            for (MemberProcess m : started.reversed()) {
                m.close();
            }
            for (MemberProcess m : started) {
                System.out.println("---- " + m.name() + "\n" + String.join("\n", m.output()));
            }
        }
    }

    /** A member with one role and TLS from {@code tls}; no round opens (this test is about who may join). */
    private static MemberProcess start(List<MemberProcess> started, String role, int port, String seeds, Path dir, Path tls)
        throws Exception {
        List<String> args = new ArrayList<>(List.of("--roles", role, "--start-after", "10m", "--tls", tls.toString()));
        args.addAll(MemberProcess.memberArgs(port, seeds, dir));
        MemberProcess m = MemberProcess.start(role + "-" + port, args.toArray(String[]::new));
        started.add(m);
        return m;
    }
}
