package io.canopy.leaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.canopy.codec.CodecId;
import io.canopy.enroll.EnrollmentRegistry;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.enroll.LeafKeyDirectory;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.FrameSubscriber;
import io.canopy.transport.PublishResult;
import io.canopy.transport.TransportContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synthetic swarm's leaves sign through the LeafClient with their derived keys; a receiver that requires
 * signatures accepts them whether it derives the public keys or reads the registry the swarm exported, and
 * refuses the same updates sent unsigned. A real embedded driver (IPC).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignedLeafClientTest {
    private static final int D = 16;
    private static final FleetLayout LAYOUT = new FleetLayout(30, 10, 3, 5L);

    @TempDir
    Path registry;

    private static RoundPlan plan() {
        QuorumPolicy policy = QuorumPolicy.of(10, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO);
        TierSpec tier = new TierSpec(policy, 0.2, 0, 0, 1);
        return new RoundPlan(3, 2, D, 1.0, 1f, CodecId.BF16, LAYOUT, tier, tier, tier, false, 0L);
    }

    /** Sends every leaf of cluster 1 through {@code client}; returns the subscriber's counts after they arrive. */
    private static long[] sendCluster(LeafKeyDirectory keys, boolean signed, SyntheticSwarm swarm) {
        RoundPlan plan = plan();
        String base = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        FrameLimits limits = GradientFrame.limits(plan.roundId(), 1, D).withCodecs(plan.codec())
            .withModelVersion(plan.modelVersion()).withAuthenticator(LeafAuthentication.required(keys).forRound(plan));
        try (CanopyTransport transport = CanopyTransport.start(new TransportContext()
            .aeronDirectoryName(base + "/canopy-test-leafsig-" + ProcessHandle.current().pid())
            .maxFrameLength(limits.maxFrameLength()))) {
            AtomicLong received = new AtomicLong();
            FrameSubscriber subscriber = transport.subscriber(limits, (frame, values, offset) -> received.incrementAndGet());
            transport.startReceiver(subscriber);
            FramePublisher publisher = transport.publisher();
            assertTrue(publisher.awaitConnected(TimeUnit.SECONDS.toNanos(10)));
            LeafClient client = new LeafClient(publisher, signed ? swarm.keys(SignatureScheme.ED25519, LAYOUT) : null);
            assertEquals(signed, client.signs());
            client.plan(plan, 1L);
            float[] update = new float[D];
            for (int i = 0; i < 10; i++) {
                long leaf = LAYOUT.leafAt(1, i);
                swarm.update(plan.roundId(), leaf, update, 0);
                assertEquals(PublishResult.SENT, client.send(leaf, 1, i, update, 0));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (subscriber.accepted() + subscriber.rejectedTotal() < 10) {
                assertTrue(System.nanoTime() < deadline, "10 frames never arrived");
                Thread.onSpinWait();
            }
            return new long[] {subscriber.accepted(), subscriber.rejected(RejectReason.UNSIGNED), received.get()};
        }
    }

    @Test
    void signed_updates_verify_against_derived_keys_and_against_the_registry_the_swarm_exported() throws Exception {
        SyntheticSwarm swarm = new SyntheticSwarm(SwarmSpec.honest(42L, D, 10));
        long[] derived = sendCluster(swarm.keys(SignatureScheme.ED25519, LAYOUT), true, swarm);
        assertEquals(10, derived[0]);
        assertEquals(10, derived[2]);

        swarm.exportEnrollment(registry, SignatureScheme.ED25519, LAYOUT);
        long[] fromFile = sendCluster(EnrollmentRegistry.load(registry, new int[] {1}), true, swarm);
        assertEquals(10, fromFile[0]);
    }

    @Test
    void the_same_updates_sent_unsigned_are_refused_as_unsigned() {
        SyntheticSwarm swarm = new SyntheticSwarm(SwarmSpec.honest(42L, D, 10));
        long[] unsigned = sendCluster(swarm.keys(SignatureScheme.ED25519, LAYOUT), false, swarm);
        assertEquals(0, unsigned[0]);
        assertEquals(10, unsigned[1]);
    }
}
