package io.canopy.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.codec.CodecId;
import io.canopy.privacy.release.HeldRows;
import io.canopy.round.ClusterReport;
import io.canopy.round.ReleaseSpec;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17's Gram from the compressed form, at the cluster: a real cluster actor on an embedded Aeron driver (UDP
 * loopback), under a gated release. With rows held as int8 its Multi-Krum detector reads the held rows, after the
 * block has gone back to the pool, and must reject the leaves that Multi-Krum over those rows as decoded rejects; with
 * rows held as fp32 it reads the block as before, and rejects what Multi-Krum over the leaves' updates rejects.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DetectorFromHeldRowsTest {
    /** Past one chunk of the held Gram (1024 columns) and five int8 scale blocks, the last one partial. */
    private static final int D = 1300;
    private static final int CLUSTER = 0;
    private static final int LEAVES = 10;
    private static final FleetLayout LAYOUT = new FleetLayout(40, 10, 4, 99L);
    private static final AtomicLong ROUNDS = new AtomicLong(1);
    private static final QuorumPolicy QUORUM = new QuorumPolicy(10, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(20),
        Duration.ofSeconds(10), 1.0);
    private static final ReleaseSpec GATED = new ReleaseSpec(ReleaseSpec.Rule.GATED, 12.5, 0, 3f, 0, 0, 1, "test");

    private static OnTheWire wire;
    private static ClusterTier tier;
    private static ActorRef<ClusterAggregator.Command> cluster;
    private static final LinkedBlockingQueue<ClusterReport> REPORTS = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws IOException {
        wire = OnTheWire.forLeaves("held-detector", D);
        tier = wire.clusterTier(LAYOUT, D);
        cluster = wire.spawn(ClusterAggregator.create(CLUSTER, LAYOUT.continentOf(CLUSTER), tier, REPORTS::add, event -> {
        }));
        wire.connect(Streams.LEAF_TO_CLUSTER, "the cluster");
    }

    @AfterAll
    static void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    /** Runs one round of the cluster's ten leaves under {@code release}; returns its report. */
    private static ClusterReport round(ReleaseSpec release, float[] rows, long[] senders) throws InterruptedException {
        RoundPlan plan = OnTheWire.plan(ROUNDS.getAndIncrement(), LAYOUT, D, QUORUM, 1.0).withRelease(release);
        TestProbe<ClusterAggregator.Opened> opened = wire.probe(ClusterAggregator.Opened.class);
        cluster.tell(new ClusterAggregator.Open(plan));
        cluster.tell(new ClusterAggregator.AwaitOpen(plan.roundId(), opened.ref()));
        opened.expectMessageClass(ClusterAggregator.Opened.class, Duration.ofSeconds(10));
        for (int i = 0; i < LEAVES; i++) {
            long leaf = LAYOUT.leafAt(CLUSTER, i);
            float[] x = OnTheWire.spreadUpdate(leaf, i, D); // norms 0.5 to 6.8: the scores stand apart
            System.arraycopy(x, 0, rows, i * D, D);
            senders[i] = leaf;
            wire.sendLeaf(plan, leaf, CLUSTER, null, (10 + i) * 1_000_000L, x);
        }
        ClusterReport report = REPORTS.poll(30, TimeUnit.SECONDS);
        assertNotNull(report, "the cluster reported");
        assertEquals(plan.roundId(), report.roundId());
        assertEquals(QuorumOutcome.COMPLETE, report.outcome());
        assertEquals(LEAVES, report.accepted());
        assertEquals(plan.cluster().krumF(LEAVES), report.krumF(), "the detector ran, assuming the plan's f");
        return report;
    }

    /** The senders Multi-Krum (the plain path: one float block) rejects among {@code rows}, ascending. */
    private static long[] rejectedBy(float[] rows, long[] senders, int f) {
        int[] rejected = MultiKrum.withDefaultM(f).aggregate(new UpdateBlock(rows, LEAVES, D)).rejected();
        long[] ids = new long[rejected.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = senders[rejected[i]];
        }
        Arrays.sort(ids);
        return ids;
    }

    @Test
    void with_rows_held_as_int8_the_detector_rejects_what_multikrum_over_the_decoded_held_rows_rejects()
        throws InterruptedException {
        float[] rows = new float[LEAVES * D];
        long[] senders = new long[LEAVES];
        ReleaseSpec release = GATED.withHeldCodec(CodecId.INT8);
        long roundId = ROUNDS.get();
        ClusterReport report = round(release, rows, senders);
        // The cluster's held rows, as it holds them: each leaf's int8 rounding is keyed by (round, leaf) alone.
        HeldRows held = new HeldRows().hold(CodecId.INT8, rows, LEAVES, D, roundId, i -> senders[i]);
        float[] decoded = new float[LEAVES * D];
        float[] row = new float[D];
        for (int i = 0; i < LEAVES; i++) {
            assertTrue(held.decode(i, row));
            System.arraycopy(row, 0, decoded, i * D, D);
        }
        long[] expected = rejectedBy(decoded, senders, report.krumF());
        assertEquals(report.krumF(), expected.length);
        assertArrayEquals(expected, report.krumRejected());
        assertEquals(0, report.noiseNanos(), "no aggregate, so no noise");
        assertTrue(report.aggregateNanos() > 0, "Multi-Krum's time");
    }

    @Test
    void with_rows_held_as_fp32_the_detector_reads_the_block_as_before() throws InterruptedException {
        float[] rows = new float[LEAVES * D];
        long[] senders = new long[LEAVES];
        ClusterReport report = round(GATED, rows, senders);
        long[] expected = rejectedBy(rows, senders, report.krumF());
        assertEquals(report.krumF(), expected.length);
        assertArrayEquals(expected, report.krumRejected());
    }
}
