package io.canopy.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.EnrollmentFile;
import io.canopy.enroll.EnrollmentRegistry;
import io.canopy.enroll.EnrollmentShard;
import io.canopy.enroll.HostedEnrollment;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.enroll.LeafSigner;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.ingest.IngestBlock;
import io.canopy.ingest.Upstream;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.LoopbackTransports;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet node's cluster tier (clusters hosted as their actors come, {@link LeafAuthentication#requiredWhereHosted})
 * with leaf signatures required, on a real embedded Aeron driver over UDP loopback: the shard of a cluster is loaded
 * when the node starts hosting it, an unsigned frame is refused and signed ones count, a hosted cluster without its
 * shard refuses every frame, and a frame for a cluster hosted elsewhere is passed on, not judged here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostedSignaturesOnTheWireTest {
    private static final int D = 8;
    private static final FleetLayout LAYOUT = new FleetLayout(40, 10, 4, 99L);
    private static final DerivedKeys KEYS = new DerivedKeys(21L, SignatureScheme.ED25519, LAYOUT);
    private static final AtomicLong ROUNDS = new AtomicLong(1);
    private static final ConcurrentLinkedQueue<long[]> FORWARDED = new ConcurrentLinkedQueue<>();

    @TempDir
    static Path registry;

    private static OnTheWire wire;
    private static ClusterTier tier;
    private static TestProbe<ClusterAggregator.Command> probe;

    @BeforeAll
    static void start() throws IOException {
        List<EnrollmentShard> shards = new ArrayList<>();
        for (int c = 0; c < LAYOUT.clusters(); c++) {
            shards.add(KEYS.shard(c));
        }
        EnrollmentRegistry.write(registry, shards);
        wire = OnTheWire.start(LoopbackTransports.udp("hosted-signed")
            .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, D).maxFrameLength()));
        tier = new ClusterTier(wire.transport(), LAYOUT, D, 8, Upstream.local(wire.transport(), Streams.CLUSTER_TO_CONTINENT,
            1), NanoClock.SYSTEM, LeafAuthentication.requiredWhereHosted(HostedEnrollment.open(registry, LAYOUT)));
        // The node that hosts every other cluster, as far as this one knows: record what is passed on to it.
        tier.runtime().ingest().misrouted(frame -> FORWARDED.add(new long[] {frame.groupId(), frame.senderId(),
            frame.signatureScheme().code()}));
        tier.start();
        probe = wire.probe(ClusterAggregator.Command.class);
        tier.register(0, probe.ref()); // cluster 0 comes to this node: its shard loads now
        wire.connect(Streams.LEAF_TO_CLUSTER, "the cluster");
    }

    @AfterAll
    static void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    private static RoundPlan plan(long round) {
        // Over-selection 1: the cluster expects all ten leaves and closes complete on the tenth.
        return OnTheWire.plan(round, LAYOUT, D, new QuorumPolicy(10, 0.6, Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(10), 1.0), 1);
    }

    /** Opens the next round on the wall clock, as a fleet node's actors do, and waits until cluster 0 collects it. */
    private static RoundPlan open() {
        RoundPlan plan = plan(ROUNDS.getAndIncrement());
        tier.openRound(plan, tier.nowNs());
        tier.host(0, plan.roundId());
        await(() -> tier.isOpen(plan.roundId()), "round " + plan.roundId() + " never opened");
        return plan;
    }

    private static void await(BooleanSupplier condition, String what) {
        OnTheWire.await(condition, Duration.ofSeconds(20), what);
    }

    private static float[] update(long leaf) {
        return OnTheWire.gaussian(leaf, D);
    }

    private static void send(RoundPlan plan, long leaf, int cluster, LeafSigner signer) {
        wire.sendLeaf(plan, leaf, cluster, signer, 1_000_000L, update(leaf));
    }

    private static long rejected(RejectReason reason) {
        return tier.runtime().subscriber().rejected(reason);
    }

    @Test
    void shouldRefuseAnUnsignedFrameForAHostedClusterAndCountEverySignedOneOnce() {
        RoundPlan plan = open();
        long unsignedBefore = rejected(RejectReason.UNSIGNED);
        long forwardedBefore = tier.runtime().ingest().forwardedFrames();
        long first = LAYOUT.leafAt(0, 0);
        send(plan, first, 0, null);
        LeafSigner honest = new LeafSigner(KEYS).round(plan);
        for (int i = 0; i < 10; i++) {
            send(plan, LAYOUT.leafAt(0, i), 0, honest);
        }
        ClusterAggregator.Closed closed = probe.expectMessageClass(ClusterAggregator.Closed.class, Duration.ofSeconds(30));
        IngestBlock block = closed.block();
        assertEquals(plan.roundId(), block.roundId());
        assertEquals(QuorumOutcome.COMPLETE, closed.outcome());
        assertEquals(10, block.acceptedCount());
        assertEquals(0, block.rejected(IngestRejection.DUPLICATE), "the unsigned frame never reached the ingest");
        for (int i = 0; i < 10; i++) {
            long sender = block.sender(i);
            assertArrayEquals(update(sender), Arrays.copyOfRange(block.rows(), i * D, (i + 1) * D));
        }
        assertEquals(1, rejected(RejectReason.UNSIGNED) - unsignedBefore);
        assertEquals(forwardedBefore, tier.runtime().ingest().forwardedFrames(), "a hosted cluster's frame is never passed on");
        tier.release(block);
    }

    @Test
    void shouldRefuseEveryFrameOfAHostedClusterWhoseShardIsGoneAsNotEnrolled() throws IOException {
        // The shard was there at start; it is deleted before cluster 1 comes to this node.
        Files.delete(EnrollmentFile.of(registry, 1));
        TestProbe<ClusterAggregator.Command> second = wire.probe(ClusterAggregator.Command.class);
        tier.register(1, second.ref());
        RoundPlan plan = open();
        tier.host(1, plan.roundId());
        long before = rejected(RejectReason.NOT_ENROLLED);
        LeafSigner honest = new LeafSigner(KEYS).round(plan);
        for (int i = 0; i < 10; i++) {
            send(plan, LAYOUT.leafAt(1, i), 1, honest);
        }
        await(() -> rejected(RejectReason.NOT_ENROLLED) - before == 10, "cluster 1's ten signed frames were not all"
            + " refused as NOT_ENROLLED: " + (rejected(RejectReason.NOT_ENROLLED) - before));
        // Cluster 0 is unaffected in the same round: its leaves still count.
        for (int i = 0; i < 10; i++) {
            send(plan, LAYOUT.leafAt(0, i), 0, honest);
        }
        ClusterAggregator.Closed closed = probe.expectMessageClass(ClusterAggregator.Closed.class, Duration.ofSeconds(30));
        assertEquals(10, closed.block().acceptedCount());
        tier.release(closed.block());
        tier.unregister(1, second.ref());
    }

    @Test
    void shouldPassAFrameForAClusterHostedElsewhereOnUnjudgedForItsHostToVerify() {
        RoundPlan plan = open();
        long unsignedBefore = rejected(RejectReason.UNSIGNED);
        long leaf = LAYOUT.leafAt(2, 3);
        send(plan, leaf, 2, null); // unsigned: the node hosting cluster 2 refuses it, not this one
        await(() -> FORWARDED.stream().anyMatch(f -> f[0] == 2 && f[1] == leaf), "the frame was never passed on");
        assertEquals(0, rejected(RejectReason.UNSIGNED) - unsignedBefore);
        assertEquals(List.of(SignatureScheme.NONE.code()), FORWARDED.stream().filter(f -> f[1] == leaf)
            .map(f -> (int) f[2]).toList());
        // This round's cluster 0 still closes, so the next test starts clean.
        LeafSigner honest = new LeafSigner(KEYS).round(plan);
        for (int i = 0; i < 10; i++) {
            send(plan, LAYOUT.leafAt(0, i), 0, honest);
        }
        tier.release(probe.expectMessageClass(ClusterAggregator.Closed.class, Duration.ofSeconds(30)).block());
    }
}
