package io.canopy.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

class IngestBlockTest {
    private static final int D = 4;
    private static final long MS = 1_000_000L;
    private final QuorumPolicy policy = QuorumPolicy.of(4, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(10));
    private final IngestBlock block = new IngestBlock(6, D, policy);

    private int offer(long round, long sender, long nowNs, float... values) {
        int offset = block.reserve(round, sender, nowNs);
        if (offset < 0) {
            return offset;
        }
        System.arraycopy(values, 0, block.rows(), offset, values.length);
        return block.commit(nowNs);
    }

    @Test
    void accepted_inputs_sit_contiguously_and_the_block_views_them_without_copying() {
        block.open(7, policy, 2.0, 0);
        assertEquals(IngestBlock.ACCEPTED, offer(7, 100, 1 * MS, 1, 0, 0, 0));
        assertEquals(IngestBlock.ACCEPTED, offer(7, 200, 2 * MS, 0, 1, 0, 0));
        var accepted = block.accepted();
        assertEquals(2, accepted.rows());
        assertTrue(accepted.data() == block.rows());
        assertArrayEquals(new float[] {0, 1, 0, 0}, accepted.row(1));
        assertEquals(200, block.sender(1));
    }

    @Test
    void each_refusal_is_counted_under_its_reason_and_gives_its_row_back() {
        block.open(7, policy, 2.0, 0);
        assertEquals(-1 - IngestRejection.WRONG_ROUND.ordinal(), offer(6, 1, MS, 1, 0, 0, 0));
        assertEquals(IngestRejection.NON_FINITE.ordinal(), offer(7, 1, MS, 1, Float.NaN, 0, 0));
        assertEquals(IngestRejection.NON_FINITE.ordinal(), offer(7, 1, MS, Float.POSITIVE_INFINITY, 0, 0, 0));
        assertEquals(IngestRejection.NORM_EXCEEDED.ordinal(), offer(7, 1, MS, 2, 1, 0, 0));
        assertEquals(IngestRejection.NORM_EXCEEDED.ordinal(), offer(7, 1, MS, 3e19f, 0, 0, 0), "finite but its square overflows");
        assertEquals(IngestBlock.ACCEPTED, offer(7, 1, MS, 2, 0, 0, 0), "exactly at the clip norm is fine");
        assertEquals(-1 - IngestRejection.DUPLICATE.ordinal(), offer(7, 1, MS, 0, 0, 0, 1));
        block.reject(IngestRejection.UNKNOWN_SENDER);

        assertEquals(1, block.acceptedCount());
        assertArrayEquals(new float[] {2, 0, 0, 0}, block.accepted().row(0), "refused values never overwrite a kept row");
        assertEquals(1, block.rejected(IngestRejection.WRONG_ROUND));
        assertEquals(2, block.rejected(IngestRejection.NON_FINITE));
        assertEquals(2, block.rejected(IngestRejection.NORM_EXCEEDED));
        assertEquals(1, block.rejected(IngestRejection.DUPLICATE));
        assertEquals(1, block.rejected(IngestRejection.UNKNOWN_SENDER));
    }

    @Test
    void a_rejected_update_does_not_count_towards_the_quorum() {
        block.open(1, policy, 1.0, 0);
        offer(1, 0, MS, 1, 0, 0, 0);
        offer(1, 1, MS, 1, 0, 0, 0);
        offer(1, 2, MS, 5, 0, 0, 0); // over the norm: the quorum of ceil(0.6 · 4) = 3 is not met
        offer(1, 3, MS, Float.NaN, 0, 0, 0);
        block.advance(200 * MS);
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, block.outcome());
        assertEquals(2, block.tracker().arrived());
    }

    @Test
    void a_reservation_abandoned_by_a_failed_decode_goes_to_the_next_frame() {
        block.open(1, policy, 1.0, 0);
        int abandoned = block.reserve(1, 10, MS);
        block.rows()[abandoned] = 123f; // half-decoded garbage
        assertEquals(abandoned, block.reserve(1, 11, MS));
        System.arraycopy(new float[] {0, 1, 0, 0}, 0, block.rows(), abandoned, D);
        assertEquals(IngestBlock.ACCEPTED, block.commit(MS));
        assertEquals(1, block.acceptedCount());
        assertEquals(11, block.sender(0));
        assertEquals(IngestBlock.ACCEPTED, offer(1, 10, MS, 1, 0, 0, 0), "the abandoned sender may still send");
    }

    @Test
    void inputs_after_the_close_are_late_and_change_nothing() {
        block.open(1, policy, 1.0, 0);
        for (int sender = 0; sender < 4; sender++) {
            offer(1, sender, MS, 0, 0, 1, 0);
        }
        assertEquals(QuorumOutcome.COMPLETE, block.outcome());
        assertEquals(-1 - IngestRejection.LATE.ordinal(), offer(1, 9, 2 * MS, 0, 0, 0, 1));
        assertEquals(4, block.acceptedCount());
        assertEquals(1, block.tracker().late());
    }

    @Test
    void reopening_starts_a_clean_round() {
        block.open(1, policy, 1.0, 0);
        offer(1, 5, MS, 1, 0, 0, 0);
        offer(1, 5, MS, 1, 0, 0, 0);
        block.open(2, policy, 1.0, 0);
        assertNull(block.accepted());
        assertEquals(0, block.rejected(IngestRejection.DUPLICATE));
        assertEquals(IngestBlock.ACCEPTED, offer(2, 5, MS, 1, 0, 0, 0), "last round's sender is new this round");
    }

    @Test
    void arrival_work_sees_each_accepted_row_once_in_order_as_the_block_keeps_it_and_never_a_refused_one() {
        java.util.List<float[]> seen = new java.util.ArrayList<>();
        ArrivalWork record = (rows, offset, d) -> seen.add(java.util.Arrays.copyOfRange(rows, offset, offset + d));
        block.open(7, 0, policy, 2.0, true, record, 0);
        assertEquals(IngestBlock.ACCEPTED, offer(7, 1, MS, 1, 0, 0, 0));
        assertEquals(IngestRejection.NON_FINITE.ordinal(), offer(7, 2, MS, Float.NaN, 0, 0, 0));
        assertEquals(-1 - IngestRejection.DUPLICATE.ordinal(), offer(7, 1, MS, 0, 1, 0, 0));
        assertEquals(IngestBlock.ACCEPTED, offer(7, 3, MS, 0, 4, 0, 0), "over the norm: projected onto the ball");
        assertEquals(2, seen.size());
        assertArrayEquals(new float[] {1, 0, 0, 0}, seen.get(0));
        assertArrayEquals(new float[] {0, 2, 0, 0}, seen.get(1), "the projected row, as the block keeps it");
        assertTrue(block.arrival() == record);

        block.open(8, 0, policy, 2.0, true, null, 0);
        assertNull(block.arrival(), "a round opened without arrival work runs none");
        assertEquals(IngestBlock.ACCEPTED, offer(8, 1, MS, 1, 0, 0, 0));
        assertEquals(2, seen.size());
    }

    @Test
    void a_policy_expecting_more_than_the_capacity_is_refused() {
        var e = assertThrows(IllegalArgumentException.class, () -> block.open(1, policy.withExpectedCount(7), 1.0, 0));
        assertEquals("the policy expects 7 inputs but this block holds 6", e.getMessage());
    }

    @Test
    void ingesting_a_round_allocates_nothing() {
        float[] update = {0.5f, 0.5f, 0, 0};
        long[] round = {0};
        long bytes = AllocationMeter.steadyStateBytesPerCall(() -> ingestRound(update, round[0]++), 10_000, 50, 0);
        assertEquals(0, bytes);
    }

    private void ingestRound(float[] update, long round) {
        block.open(round, policy, 1.0, 0);
        for (long sender = 0; sender < 5; sender++) {
            int offset = block.reserve(round, sender * 31 + round, MS);
            if (offset >= 0) {
                System.arraycopy(update, 0, block.rows(), offset, D);
                block.commit(MS);
            }
        }
    }
}
