package io.canopy.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameType;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.GradientFrame;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TierIngestTest {
    private static final int D = 3;
    private static final long MS = 1_000_000L;
    private static final long ROUND = 5;

    /** 40 leaves in 4 clusters of 10; each cluster expects 10, quorum 6, soft 100 ms, hard 200 ms, grace 20 ms. */
    private final FleetLayout layout = new FleetLayout(40, 10, 4, 99L);
    private final QuorumPolicy policy = QuorumPolicy.of(10, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(20));

    private record Closed(int group, QuorumOutcome outcome, int accepted, long closedAfterNs, float[] firstRow, CloseReason reason) {
    }

    private final List<Closed> closed = new ArrayList<>();
    private TierIngest ingest;

    private final TierIngest.Groups clusters = LayoutGroups.of(layout, policy, 0, 1, 2, 3);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D]);
    private final FrameEncoder encoder = new FrameEncoder();
    private final FrameValidator validator = new FrameValidator(GradientFrame.limits(ROUND, -1, D));
    private final float[] scratch = new float[D];

    TierIngestTest() {
        ingest = new TierIngest(2, 12, D, policy, (round, group, block, outcome, after) -> {
            closed.add(new Closed(group, outcome, block == null ? 0 : block.acceptedCount(), after,
                block == null || block.acceptedCount() == 0 ? null : block.accepted().row(0),
                block == null ? null : block.tracker().closeReason()));
            ingest.release(block);
        }, frame -> frame.timestampNs());
        ingest.openRound(ROUND, clusters, 10.0, false, 0L);
        ingest.drainCommands();
    }

    /** What FrameSubscriber does with one fragment. */
    private void deliver(int length) {
        assertNull(validator.check(buffer, 0, length));
        if (validator.frame().type() == FrameType.WATERMARK) {
            ingest.onWatermark(validator.frame());
            return;
        }
        float[] dst = ingest.destination(validator.frame());
        int offset = dst == null ? 0 : ingest.destinationOffset(validator.frame());
        validator.decodePayload(dst == null ? scratch : dst, offset);
        ingest.onFrame(validator.frame(), dst == null ? scratch : dst, offset);
    }

    private void send(long leaf, int cluster, long atMs, float... values) {
        deliver(GradientFrame.wrap(encoder, buffer, 0, ROUND, leaf, cluster).timestampNs(atMs * MS)
            .encode(UpdateEncoder.fp32(), values, 0, D));
    }

    private void watermark(int cluster, long atMs) {
        deliver(encoder.wrap(buffer, 0).roundId(ROUND).senderId(-1).groupId(cluster).timestampNs(atMs * MS).encodeWatermark());
    }

    @Test
    void a_cluster_whose_every_leaf_answers_closes_complete_with_the_updates_in_arrival_order() {
        for (int i = 0; i < 10; i++) {
            send(layout.leafAt(2, i), 2, 10 + i, i, 1, 0);
        }
        assertEquals(1, closed.size());
        Closed c = closed.get(0);
        assertEquals(2, c.group());
        assertEquals(QuorumOutcome.COMPLETE, c.outcome());
        assertEquals(10, c.accepted());
        assertEquals(19 * MS, c.closedAfterNs());
        assertArrayEquals(new float[] {0, 1, 0}, c.firstRow());
    }

    @Test
    void a_round_reopened_under_its_own_id_drops_the_old_copys_block_unsent_and_collects_afresh() {
        for (int i = 0; i < 5; i++) {
            send(layout.leafAt(2, i), 2, 10, 1, 0, 0); // the copy a failed coordinator opened: 5 of cluster 2
        }
        ingest.openRound(ROUND, clusters, 10.0, false, 0L); // its successor re-issued the round
        ingest.drainCommands();
        assertEquals(List.of(), closed, "the old copy's block is never handed over to be aggregated");
        assertEquals(5, ingest.peakRowsHeld());
        for (int i = 0; i < 10; i++) {
            send(layout.leafAt(2, i), 2, 20 + i, 2, 0, 0);
        }
        assertEquals(1, closed.size());
        assertEquals(QuorumOutcome.COMPLETE, closed.get(0).outcome());
        assertEquals(10, closed.get(0).accepted(), "each leaf once, its re-sent update only");
        assertArrayEquals(new float[] {2, 0, 0}, closed.get(0).firstRow());
    }

    @Test
    void the_rows_held_at_once_peak_while_blocks_are_out_and_fall_as_they_are_released() {
        for (int i = 0; i < 3; i++) {
            send(layout.leafAt(0, i), 0, 10, 1, 0, 0); // cluster 0 stays open with 3 rows
        }
        for (int i = 0; i < 10; i++) {
            send(layout.leafAt(2, i), 2, 10 + i, i, 1, 0); // cluster 2 completes and its block is released at once
        }
        send(layout.leafAt(0, 3), 0, 30, 1, 0, 0);
        assertEquals(13, ingest.peakRowsHeld(), "3 of cluster 0 and 10 of cluster 2 were held at once");
        assertTrue(ingest.allocatedRows() >= 13 && ingest.allocatedRows() <= 2 * 12, "rows: " + ingest.allocatedRows());
        assertEquals(0, ingest.blocksGrownMidRound());
    }

    @Test
    void groups_served_one_after_another_reuse_the_last_released_block_and_leave_the_others_unsized() {
        ingest = new TierIngest(2, 12, D, policy.withExpectedCount(1), (round, group, block, outcome, after) -> {
            closed.add(new Closed(group, outcome, block.acceptedCount(), after, null, null));
            ingest.release(block);
        }, frame -> frame.timestampNs());
        ingest.openRound(ROUND, clusters, 10.0, false, 0L);
        ingest.drainCommands();
        assertEquals(2 * 8, ingest.allocatedRows(), "one chunk each to start with");
        for (int cluster : new int[] {2, 1, 3}) {
            for (int i = 0; i < 10; i++) {
                send(layout.leafAt(cluster, i), cluster, 10 + i, i, 1, 0);
            }
        }
        assertEquals(3, closed.size());
        assertEquals(12 + 8, ingest.allocatedRows(), "one block sized for 10 (12 rows, the hard maximum), the other untouched");
    }

    @Test
    void the_frames_own_timestamps_run_the_clusters_quorum_clock() {
        for (int i = 0; i < 6; i++) {
            send(layout.leafAt(1, i), 1, 30 + i, 1, 0, 0); // quorum of 6 at 35 ms: grace runs to 55 ms
        }
        send(layout.leafAt(1, 6), 1, 54, 1, 0, 0);
        send(layout.leafAt(1, 7), 1, 56, 1, 0, 0); // past the grace: late, and it closes the cluster
        assertEquals(1, closed.size());
        assertEquals(QuorumOutcome.QUORUM_AT_DEADLINE, closed.get(0).outcome());
        assertEquals(CloseReason.GRACE_AFTER_QUORUM, closed.get(0).reason());
        assertEquals(7, closed.get(0).accepted());
        assertEquals(55 * MS, closed.get(0).closedAfterNs());
    }

    @Test
    void a_watermark_past_the_hard_deadline_fails_a_cluster_below_quorum_and_one_that_never_heard_anything() {
        for (int i = 0; i < 3; i++) {
            send(layout.leafAt(0, i), 0, 50, 1, 0, 0);
        }
        watermark(0, 150);
        assertTrue(closed.isEmpty(), "below quorum before the hard deadline: keep waiting");
        watermark(0, 1_000);
        watermark(3, 1_000);
        assertEquals(2, closed.size());
        assertEquals(new Closed(0, QuorumOutcome.FAILED_NO_QUORUM, 3, 200 * MS, closed.get(0).firstRow(), CloseReason.HARD_DEADLINE),
            closed.get(0));
        assertEquals(3, closed.get(1).group());
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, closed.get(1).outcome());
        assertEquals(0, closed.get(1).accepted());
    }

    @Test
    void a_leaf_of_another_cluster_is_refused_as_an_unknown_sender_and_foreign_groups_are_counted() {
        send(layout.leafAt(1, 0), 0, 5, 1, 0, 0);
        send(layout.leafAt(0, 0), 0, 5, 1, 0, 0);
        send(123, 9, 5, 1, 0, 0); // cluster 9 is not this node's
        for (int i = 1; i < 10; i++) {
            send(layout.leafAt(0, i), 0, 6, 0, 0, 1);
        }
        assertEquals(1, closed.size());
        assertEquals(10, closed.get(0).accepted());
        assertEquals(1, ingest.unknownGroupFrames());
    }

    @Test
    void on_the_receivers_own_clock_a_silent_cluster_fails_at_its_hard_deadline() {
        ingest.advance(199 * MS);
        assertTrue(closed.isEmpty());
        ingest.advance(200 * MS);
        assertEquals(4, closed.size(), "every cluster, none of which heard anything");
        assertTrue(closed.stream().allMatch(c -> c.outcome() == QuorumOutcome.FAILED_NO_QUORUM && c.accepted() == 0));
    }

    @Test
    void more_open_clusters_than_pooled_blocks_drops_frames_and_says_so() {
        send(layout.leafAt(0, 0), 0, 1, 1, 0, 0);
        send(layout.leafAt(1, 0), 1, 1, 1, 0, 0);
        send(layout.leafAt(2, 0), 2, 1, 1, 0, 0); // the pool holds two blocks
        assertEquals(1, ingest.poolExhaustedFrames());
    }

    @Test
    void withdrawn_inputs_close_a_group_early_whether_or_not_it_has_opened() {
        for (int i = 0; i < 6; i++) {
            send(layout.leafAt(0, i), 0, 10, 1, 0, 0);
        }
        for (int i = 0; i < 4; i++) {
            ingest.withdraw(ROUND, 0, 11 * MS);
        }
        for (int i = 0; i < 10; i++) {
            ingest.withdraw(ROUND, 3, 12 * MS);
        }
        ingest.withdraw(ROUND + 1, 2, 12 * MS); // another round's news changes nothing
        ingest.drainCommands();
        assertEquals(2, closed.size());
        assertEquals(new Closed(0, QuorumOutcome.QUORUM_AT_DEADLINE, 6, 11 * MS, closed.get(0).firstRow(),
            CloseReason.ALL_ACCOUNTED_FOR), closed.get(0));
        assertEquals(3, closed.get(1).group());
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, closed.get(1).outcome());
        assertEquals(12 * MS, closed.get(1).closedAfterNs());
    }

    /** An ingest that hosts cluster 0 only, as a fleet member whose other clusters live elsewhere. */
    private TierIngest hostingOnlyClusterZero(List<Closed> sink) {
        TierIngest only = new TierIngest(2, 12, D, policy, (round, group, block, outcome, after) -> {
            sink.add(new Closed(group, outcome, block == null ? 0 : block.acceptedCount(), after, null, null));
        }, frame -> frame.timestampNs());
        only.openRound(ROUND, LayoutGroups.of(layout, policy, 0), 10.0, false, 0L);
        only.drainCommands();
        return only;
    }

    private void deliverTo(TierIngest target, int length) {
        assertNull(validator.check(buffer, 0, length));
        float[] dst = target.destination(validator.frame());
        int offset = dst == null ? 0 : target.destinationOffset(validator.frame());
        validator.decodePayload(dst == null ? scratch : dst, offset);
        target.onFrame(validator.frame(), dst == null ? scratch : dst, offset);
    }

    @Test
    void a_frame_for_a_cluster_hosted_elsewhere_is_passed_on_byte_for_byte_and_one_hosted_from_mid_round_is_collected() {
        List<Closed> sink = new ArrayList<>();
        TierIngest member = hostingOnlyClusterZero(sink);
        List<byte[]> forwarded = new ArrayList<>();
        member.misrouted(frame -> {
            byte[] copy = new byte[frame.length()];
            frame.buffer().getBytes(frame.offset(), copy);
            forwarded.add(copy);
            return true;
        });
        long leaf = layout.leafAt(2, 0);
        int length = GradientFrame.wrap(encoder, buffer, 0, ROUND, leaf, 2).timestampNs(10 * MS)
            .encode(UpdateEncoder.fp32(), new float[] {1, 2, 3}, 0, D);
        byte[] sent = new byte[length];
        buffer.getBytes(0, sent);
        deliverTo(member, length);
        assertEquals(1, forwarded.size());
        assertArrayEquals(sent, forwarded.get(0), "the frame goes on unchanged, checksum and all");
        assertEquals(1, member.forwardedFrames());
        assertEquals(0, member.unknownGroupFrames());

        // Cluster 2's aggregator starts here mid-round (its shard moved): its frames are collected from now on.
        member.addGroup(ROUND, 2);
        member.drainCommands();
        for (int i = 0; i < 10; i++) {
            deliverTo(member, GradientFrame.wrap(encoder, buffer, 0, ROUND, layout.leafAt(2, i), 2).timestampNs((20 + i) * MS)
                .encode(UpdateEncoder.fp32(), new float[] {1, 0, 0}, 0, D));
        }
        assertEquals(1, forwarded.size(), "nothing more passed on");
        assertEquals(1, sink.size());
        assertEquals(new Closed(2, QuorumOutcome.COMPLETE, 10, 29 * MS, null, null), sink.get(0));
    }

    @Test
    void without_a_route_a_frame_for_a_cluster_hosted_elsewhere_is_counted_and_a_cut_data_plane_drops_everything() {
        List<Closed> sink = new ArrayList<>();
        TierIngest member = hostingOnlyClusterZero(sink);
        member.misrouted(frame -> false); // the table does not know where cluster 3 lives yet
        deliverTo(member, GradientFrame.wrap(encoder, buffer, 0, ROUND, layout.leafAt(3, 0), 3).timestampNs(MS)
            .encode(UpdateEncoder.fp32(), new float[] {1, 0, 0}, 0, D));
        assertEquals(0, member.forwardedFrames());
        assertEquals(1, member.unknownGroupFrames());

        member.dropAllInbound(true);
        for (int i = 0; i < 10; i++) {
            deliverTo(member, GradientFrame.wrap(encoder, buffer, 0, ROUND, layout.leafAt(0, i), 0).timestampNs(MS)
                .encode(UpdateEncoder.fp32(), new float[] {1, 0, 0}, 0, D));
        }
        assertEquals(10, member.faultDroppedFrames());
        assertTrue(sink.isEmpty(), "nothing reached cluster 0's block");
    }

    @Test
    void ten_thousand_clusters_opening_at_once_on_one_member_are_back_pressured_never_refused() throws Exception {
        int clusters = 10_000;
        int callers = 4;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        // A slow agent: one command per cycle, so the burst must wait for room rather than throw.
        Thread agent = new Thread(() -> {
            while (!stop.get()) {
                ingest.drainCommandsAtMost(1);
                Thread.onSpinWait();
            }
            ingest.drainCommands();
        }, "test-ingest-agent");
        agent.start();
        java.util.concurrent.CountDownLatch last = new java.util.concurrent.CountDownLatch(callers);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int first = c;
            Thread t = new Thread(() -> {
                for (int g = first; g < clusters; g += callers) {
                    ingest.addGroup(ROUND, g);
                }
                ingest.afterQueued(last::countDown);
            });
            threads.add(t);
            t.start();
        }
        assertTrue(last.await(60, java.util.concurrent.TimeUnit.SECONDS), "every caller's burst was applied");
        stop.set(true);
        agent.join(10_000);
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(clusters, ingest.pendingGroups(), "every one of the 10^4 groups is collected, none lost");
    }
}
