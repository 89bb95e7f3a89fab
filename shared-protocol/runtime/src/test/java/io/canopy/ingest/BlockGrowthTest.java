package io.canopy.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.canopy.straggler.QuorumPolicy;
import io.canopy.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

/** A block's rows sized by plan: growth past the planned rows, the hard maximum, reuse across rounds. */
class BlockGrowthTest {
    private static final int D = 5;
    private static final long MS = 1_000_000L;
    private static final QuorumPolicy POLICY =
        QuorumPolicy.of(30, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(10));

    private static float[] update(long sender) {
        float[] x = new float[D];
        for (int j = 0; j < D; j++) {
            x[j] = (sender * 7 + j) * 0.001f;
        }
        return x;
    }

    private static int offer(IngestBlock block, long round, long sender) {
        int offset = block.reserve(round, sender, MS);
        if (offset < 0) {
            return offset;
        }
        // The array is read after reserve, as TierIngest does: a growth replaces it.
        System.arraycopy(update(sender), 0, block.rows(), offset, D);
        return block.commit(MS);
    }

    @Test
    void a_block_grows_past_its_planned_rows_mid_round_and_keeps_every_row_exact() {
        // Planned 30 × margin 0.1 = 3 rows, one chunk of 8: the 9th input must grow the block.
        IngestBlock block = new IngestBlock(40, D, POLICY, 0.1);
        block.open(1, 0, POLICY, 10.0, false, 0);
        assertEquals(BlockRows.CHUNK_ROWS, block.allocatedRows());
        for (long sender = 0; sender < 30; sender++) {
            assertEquals(IngestBlock.ACCEPTED, offer(block, 1, 100 + sender));
        }
        assertEquals(30, block.acceptedCount());
        assertEquals(32, block.allocatedRows(), "grown chunk by chunk: 8, 16, 24, 32");
        assertEquals(3, block.grownMidRound());
        var accepted = block.accepted();
        assertSame(block.rows(), accepted.data(), "still one contiguous array, viewed without a copy");
        for (int i = 0; i < 30; i++) {
            assertEquals(100 + i, block.sender(i));
            assertArrayEquals(update(100 + i), accepted.row(i), "row " + i);
        }
    }

    @Test
    void a_block_is_sized_by_its_plan_and_never_past_the_hard_maximum() {
        IngestBlock block = new IngestBlock(1000, D, POLICY.withExpectedCount(1));
        assertEquals(BlockRows.CHUNK_ROWS, block.allocatedRows(), "one chunk for the first policy's single input");
        block.open(1, 0, POLICY.withExpectedCount(93), 10.0, false, 0);
        assertEquals(96, block.allocatedRows(), "93 planned, in whole chunks of 8");
        block.open(2, 0, POLICY.withExpectedCount(41), 10.0, false, 0);
        assertEquals(96, block.allocatedRows(), "a smaller plan keeps the rows it has");
        IngestBlock small = new IngestBlock(10, D, POLICY.withExpectedCount(10), 3.0);
        assertEquals(10, small.allocatedRows(), "10 planned × margin 3 is capped at the hard maximum of 10");
        assertTrue(small.grownMidRound() == 0 && block.grownMidRound() == 0);
    }

    @Test
    void the_growth_path_stops_at_the_hard_maximum() {
        BlockRows rows = new BlockRows(12, D, 1, 1.0);
        assertEquals(8, rows.capacity());
        assertTrue(rows.grow(8));
        assertEquals(12, rows.capacity(), "the last chunk is cut to the hard maximum");
        assertTrue(!rows.grow(12), "no growth past it");
        assertEquals(12 * D, rows.data().length);
    }

    @Test
    void reopening_a_block_for_a_plan_smaller_than_its_largest_allocates_nothing() {
        IngestBlock block = new IngestBlock(64, D, POLICY.withExpectedCount(1));
        float[] x = update(3);
        QuorumPolicy smaller = POLICY.withExpectedCount(20);
        block.open(0, 0, POLICY.withExpectedCount(50), 10.0, false, 0); // its largest plan: 56 rows from now on
        // One policy throughout: the tracker's switch of policy allocates its quorum count, which is not the rows' doing.
        long[] round = {1};
        long bytes = AllocationMeter.steadyStateBytesPerCall(() -> {
            long r = round[0]++;
            block.open(r, 0, smaller, 10.0, false, 0);
            for (long sender = 0; sender < 20; sender++) {
                int offset = block.reserve(r, sender, MS);
                System.arraycopy(x, 0, block.rows(), offset, D);
                block.commit(MS);
            }
        }, 2_000, 50, 0);
        assertEquals(0, bytes);
        assertEquals(56, block.allocatedRows());
    }
}
