package io.canopy.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.release.CentreSum;
import io.canopy.privacy.release.ClusterPasses;
import io.canopy.round.IngestRejection;
import io.canopy.round.ReleaseSpec;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17's overlap with arrival, on a real embedded Aeron driver over UDP loopback: under a planned release the
 * cluster's pass-1 sum is taken on the ingest thread as each leaf's update is accepted, and the closed block hands
 * it to the cluster's actor. It must equal pass 1 over the closed block, skip refused frames, and not
 * exist under a release with no pass 1; a block without a sum that covers it this round is summed by the actor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PassOneOnArrivalTest {
    private static final int D = 40;
    private static final int CLUSTER = 0;
    private static final FleetLayout LAYOUT = new FleetLayout(40, 10, 4, 99L);
    private static final AtomicLong ROUNDS = new AtomicLong(1);
    private static final QuorumPolicy QUORUM = new QuorumPolicy(10, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(20),
        Duration.ofSeconds(10), 1.0);

    private static OnTheWire wire;
    private static ClusterTier tier;
    private static TestProbe<ClusterAggregator.Command> probe;

    @BeforeAll
    static void start() throws IOException {
        wire = OnTheWire.forLeaves("arrival", D);
        tier = wire.clusterTier(LAYOUT, D);
        probe = wire.probe(ClusterAggregator.Command.class);
        tier.register(CLUSTER, probe.ref());
        wire.connect(Streams.LEAF_TO_CLUSTER, "the cluster");
    }

    @AfterAll
    static void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    /** Opens the next round under {@code release} and waits until the cluster's ingest is collecting it. */
    private static RoundPlan open(ReleaseSpec release) {
        // Over-selection 1: the cluster expects all ten leaves and closes complete on the tenth.
        RoundPlan plan = OnTheWire.plan(ROUNDS.getAndIncrement(), LAYOUT, D, QUORUM, 1.0).withRelease(release);
        tier.openRound(plan, 0L);
        OnTheWire.await(() -> tier.isOpen(plan.roundId()), Duration.ofSeconds(10), "round " + plan.roundId() + " never opened");
        return plan;
    }

    /** Sends the cluster's ten leaves, with one frame over the norm bound first; returns the closed block. */
    private static IngestBlock sendTheCluster(RoundPlan plan) {
        float[] tooLong = new float[D];
        tooLong[0] = 2 * plan.clipNorm();
        wire.sendLeaf(plan, LAYOUT.leafAt(CLUSTER, 3), CLUSTER, null, 1_000_000L, tooLong);
        for (int i = 0; i < 10; i++) {
            long leaf = LAYOUT.leafAt(CLUSTER, i);
            // Norms 0.5 to 6.8, inside the plan's clip norm (100).
            wire.sendLeaf(plan, leaf, CLUSTER, null, (10 + i) * 1_000_000L, OnTheWire.spreadUpdate(leaf, i, D));
        }
        ClusterAggregator.Closed closed = probe.expectMessageClass(ClusterAggregator.Closed.class, Duration.ofSeconds(30));
        IngestBlock block = closed.block();
        assertEquals(plan.roundId(), block.roundId());
        assertEquals(1, block.rejected(IngestRejection.NORM_EXCEEDED), "the frame over the bound was refused");
        assertEquals(10, block.acceptedCount(), "a refused frame does not mark its sender as seen: leaf 3's own update counts");
        return block;
    }

    @Test
    void under_a_gated_release_the_pass_one_sum_taken_on_arrival_equals_pass_one_over_the_closed_block() {
        double planned = 12.5;
        RoundPlan plan = open(new ReleaseSpec(ReleaseSpec.Rule.GATED, planned, 0, 3f, 0, 0, 1, "test"));
        IngestBlock block = sendTheCluster(plan);
        try {
            CentreSum arrived = ArrivingCentre.of(block, plan);
            assertNotNull(arrived, "the closed block carries its pass-1 sum");
            assertEquals(block.acceptedCount(), arrived.rows(), "every accepted row, and only those, was added");
            float[] onArrival = new float[D];
            arrived.finish(planned, onArrival);
            float[] overTheBlock = new float[D];
            ClusterPasses.centre(block.rows(), block.acceptedCount(), D, new float[D], plan.clipNorm(), planned, new double[D],
                overTheBlock);
            // The same arithmetic; the Vector API's lane order (compiled or not) may move the last bits.
            for (int j = 0; j < D; j++) {
                assertEquals(overTheBlock[j], onArrival[j], 1e-6 * (Math.abs(overTheBlock[j]) + 10 * plan.clipNorm() / planned),
                    "coordinate " + j);
            }
            assertNotEquals(0f, onArrival[0], "the rows were summed");
        } finally {
            tier.release(block);
        }
    }

    /** Σ_i x_i / m in double over the block's rows: pass 1 around v0 = 0 for rows well inside the clip norm. */
    private static double[] plainPassOne(IngestBlock block, double planned) {
        double[] sum = new double[D];
        float[] rows = block.rows();
        for (int i = 0; i < block.acceptedCount(); i++) {
            for (int j = 0; j < D; j++) {
                sum[j] += rows[i * D + j];
            }
        }
        for (int j = 0; j < D; j++) {
            sum[j] /= planned;
        }
        return sum;
    }

    private static void assertPassOne(double[] expected, float[] actual, RoundPlan plan) {
        double planned = plan.release().plannedCount();
        for (int j = 0; j < D; j++) {
            assertEquals(expected[j], actual[j], 1e-6 * (Math.abs(expected[j]) + 10 * plan.clipNorm() / planned), "coordinate " + j);
        }
    }

    @Test
    void a_block_whose_sum_is_for_another_round_or_missing_is_summed_by_the_actor_instead() {
        double planned = 12.5;
        ReleaseSpec gated = new ReleaseSpec(ReleaseSpec.Rule.GATED, planned, 0, 3f, 0, 0, 1, "test");
        RoundPlan plan = open(gated);
        IngestBlock block = sendTheCluster(plan);
        try {
            double[] reference = plainPassOne(block, planned);
            float[] onArrival = new float[D];
            assertTrue(ArrivingCentre.passOne(block, plan, onArrival), "this round's block carries its own sum");
            assertPassOne(reference, onArrival, plan);

            // The same block under the next round's plan: its sum is stale and must not be taken.
            RoundPlan next = OnTheWire.plan(plan.roundId() + 1, LAYOUT, D, QUORUM, 1.0).withRelease(gated);
            assertNull(ArrivingCentre.of(block, next));
            float[] overTheBlock = new float[D];
            assertFalse(ArrivingCentre.passOne(block, next, overTheBlock), "a stale sum is not used");
            assertPassOne(reference, overTheBlock, next);
        } finally {
            tier.release(block);
        }

        // A block that had no arrival work at all (collected under Multi-Krum), closed under a gated plan.
        RoundPlan krum = open(ReleaseSpec.MULTIKRUM);
        IngestBlock bare = sendTheCluster(krum);
        try {
            RoundPlan asGated = krum.withRelease(gated);
            float[] overTheBlock = new float[D];
            assertFalse(ArrivingCentre.passOne(bare, asGated, overTheBlock));
            assertPassOne(plainPassOne(bare, planned), overTheBlock, asGated);
            assertNotEquals(0f, overTheBlock[0], "the rows were summed");
        } finally {
            tier.release(bare);
        }
        float[] none = new float[D];
        none[0] = 1f;
        assertFalse(ArrivingCentre.passOne(null, plan, none), "a cluster none of whose leaves arrived");
        assertArrayEquals(new float[D], none, "sends the centre v0 = 0");
    }

    @Test
    void under_the_multikrum_release_no_pass_one_sum_is_taken() {
        RoundPlan plan = open(ReleaseSpec.MULTIKRUM);
        IngestBlock block = sendTheCluster(plan);
        try {
            assertNull(block.arrival());
            assertNull(ArrivingCentre.of(block, plan));
        } finally {
            tier.release(block);
        }
    }
}
