package io.canopy.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.enroll.LeafKeys;
import io.canopy.enroll.LeafSigner;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.ingest.IngestBlock;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.LoopbackTransports;
import io.canopy.transport.PublishResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adversarial data plane on a real embedded Aeron driver over UDP loopback: a cluster tier that requires leaf
 * signatures, honest leaves signing with their derived keys, and an attacker who reaches the same endpoint. Each
 * attack must be refused by its reason while every honest leaf is counted once with exactly what it sent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignedLeavesOnTheWireTest {
    private static final int D = 8;
    private static final int CLUSTER = 0;
    private static final FleetLayout LAYOUT = new FleetLayout(40, 10, 4, 99L);
    private static final DerivedKeys KEYS = new DerivedKeys(21L, SignatureScheme.ED25519, LAYOUT);
    private static final AtomicLong ROUNDS = new AtomicLong(1);

    private static OnTheWire wire;
    private static ClusterTier tier;
    private static TestProbe<ClusterAggregator.Command> probe;
    private static FramePublisher publisher;

    @BeforeAll
    static void start() throws IOException {
        wire = OnTheWire.start(LoopbackTransports.udp("signed")
            .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, D).maxFrameLength()));
        tier = new ClusterTier(wire.transport(), LAYOUT, new int[] {0, 1, 2, 3}, D, 8, 1, true, NanoClock.SYSTEM,
            LeafAuthentication.required(KEYS));
        tier.start();
        probe = wire.probe(ClusterAggregator.Command.class);
        tier.register(CLUSTER, probe.ref());
        publisher = wire.connect(Streams.LEAF_TO_CLUSTER, "the cluster");
    }

    @AfterAll
    static void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    private static RoundPlan plan(long round) {
        // Over-selection 1: the cluster expects all ten leaves and closes complete on the tenth.
        return OnTheWire.plan(round, LAYOUT, D, new QuorumPolicy(10, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(10), 1.0), 1);
    }

    /** Opens the next round and waits until the cluster's ingest is collecting it. */
    private static RoundPlan open() {
        RoundPlan plan = plan(ROUNDS.getAndIncrement());
        tier.openRound(plan, 0L);
        OnTheWire.await(() -> tier.isOpen(plan.roundId()), Duration.ofSeconds(10), "round " + plan.roundId() + " never opened");
        return plan;
    }

    private static float[] update(long leaf) {
        return OnTheWire.gaussian(leaf, D);
    }

    /** Sends {@code leaf}'s update claiming to be {@code leaf}, signed by {@code signer} (unsigned if null). */
    private static void send(RoundPlan plan, long leaf, int cluster, LeafSigner signer, int atMs) {
        wire.sendLeaf(plan, leaf, cluster, signer, atMs * 1_000_000L, update(leaf));
    }

    /** Every honest leaf of the cluster, in order, signed with its own key. */
    private static void sendHonestLeaves(RoundPlan plan) {
        LeafSigner honest = new LeafSigner(KEYS).round(plan);
        for (int i = 0; i < LAYOUT.clusterSizeOf(CLUSTER); i++) {
            send(plan, LAYOUT.leafAt(CLUSTER, i), CLUSTER, honest, 10 + i);
        }
    }

    /** Waits for the cluster's block and checks it holds each honest leaf once, with exactly its update. */
    private static IngestBlock expectEveryHonestLeafOnce(RoundPlan plan) {
        ClusterAggregator.Closed closed = probe.expectMessageClass(ClusterAggregator.Closed.class, Duration.ofSeconds(30));
        IngestBlock block = closed.block();
        assertEquals(plan.roundId(), block.roundId());
        assertEquals(QuorumOutcome.COMPLETE, closed.outcome());
        assertEquals(10, block.acceptedCount());
        assertEquals(0, block.rejected(IngestRejection.DUPLICATE), "no honest frame was taken for a duplicate");
        Set<Long> senders = new HashSet<>();
        for (int i = 0; i < block.acceptedCount(); i++) {
            long sender = block.sender(i);
            senders.add(sender);
            assertArrayEquals(update(sender), Arrays.copyOfRange(block.rows(), i * D, (i + 1) * D),
                "leaf " + sender + "'s row is what it sent");
        }
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            expected.add(LAYOUT.leafAt(CLUSTER, i));
        }
        assertEquals(expected, senders);
        return block;
    }

    private static long rejected(RejectReason reason) {
        return tier.runtime().subscriber().rejected(reason);
    }

    @Test
    void spoofers_who_send_first_as_honest_leaves_are_refused_as_bad_signatures_and_every_honest_leaf_still_counts() {
        RoundPlan plan = open();
        long before = rejected(RejectReason.BAD_SIGNATURE);
        // The attacker's own (enrolled) key, claiming the ids of three honest leaves before they send.
        long attacker = LAYOUT.leafAt(1, 0);
        for (int i = 0; i < 3; i++) {
            long victim = LAYOUT.leafAt(CLUSTER, i);
            LeafSigner spoof = new LeafSigner(LeafKeys.single(victim, SignatureScheme.ED25519, KEYS.privateKey(attacker)))
                .round(plan);
            send(plan, victim, CLUSTER, spoof, 1);
        }
        sendHonestLeaves(plan);
        expectEveryHonestLeafOnce(plan);
        assertEquals(3, rejected(RejectReason.BAD_SIGNATURE) - before);
    }

    @Test
    void a_frame_replayed_into_the_next_round_with_its_round_id_rewritten_and_its_crc_recomputed_is_refused() {
        RoundPlan plan = open();
        long before = rejected(RejectReason.BAD_SIGNATURE);
        // Leaf 0's genuine frame of the previous round, as an eavesdropper captured it.
        RoundPlan previous = plan(plan.roundId() - 1);
        long victim = LAYOUT.leafAt(CLUSTER, 0);
        UnsafeBuffer captured = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D + 64]);
        FrameEncoder encoder = new FrameEncoder().wrap(captured, 0).signer(new LeafSigner(KEYS).round(previous).leaf(victim));
        int length = GradientFrame.header(encoder, previous.roundId(), victim, CLUSTER).timestampNs(1_000_000L)
            .encode(UpdateEncoder.fp32(), update(victim), 0, D);
        captured.putLong(FrameLayout.ROUND_ID_OFFSET, plan.roundId(), ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(captured, 0);
        assertEquals(PublishResult.SENT, publisher.offer(captured, 0, length));
        sendHonestLeaves(plan);
        expectEveryHonestLeafOnce(plan);
        assertEquals(1, rejected(RejectReason.BAD_SIGNATURE) - before);
    }

    @Test
    void a_wrong_key_garbage_bytes_an_unsigned_frame_and_an_unenrolled_sender_are_each_refused_by_their_reason() {
        RoundPlan plan = open();
        long badBefore = rejected(RejectReason.BAD_SIGNATURE);
        long unsignedBefore = rejected(RejectReason.UNSIGNED);
        long unenrolledBefore = rejected(RejectReason.NOT_ENROLLED);
        long victim = LAYOUT.leafAt(CLUSTER, 4);

        // Signed by a key from another swarm: a key the registry does not hold for this leaf.
        DerivedKeys strangers = new DerivedKeys(666L, SignatureScheme.ED25519, LAYOUT);
        send(plan, victim, CLUSTER, new LeafSigner(strangers).round(plan), 1);

        // An Ed25519 scheme byte and 64 bytes of garbage: the frame's CRC is fine, the signature is not.
        publisher.encoder().signer(new LeafSigner(KEYS).round(plan).leaf(victim));
        GradientFrame.header(publisher.encoder(), plan.roundId(), victim, CLUSTER).timestampNs(1_000_000L);
        int length = publisher.encoder().encode(UpdateEncoder.fp32(), update(victim), 0, D);
        UnsafeBuffer garbage = new UnsafeBuffer(new byte[length]);
        garbage.putBytes(0, publisher.encoder().buffer(), 0, length);
        byte[] noise = new byte[64];
        new SplittableRandom(5).nextBytes(noise);
        garbage.putBytes(length - 64, noise);
        assertEquals(PublishResult.SENT, publisher.offer(garbage, 0, length));

        send(plan, victim, CLUSTER, null, 1); // unsigned
        long outsider = LAYOUT.leaves() + 5; // a valid signature, but no enrollment
        DerivedKeys outsiders = new DerivedKeys(21L, SignatureScheme.ED25519, new FleetLayout(80, 10, 4, 99L));
        send(plan, outsider, CLUSTER, new LeafSigner(outsiders).round(plan), 1);

        sendHonestLeaves(plan);
        expectEveryHonestLeafOnce(plan);
        assertEquals(2, rejected(RejectReason.BAD_SIGNATURE) - badBefore);
        assertEquals(1, rejected(RejectReason.UNSIGNED) - unsignedBefore);
        assertEquals(1, rejected(RejectReason.NOT_ENROLLED) - unenrolledBefore);
    }
}
