package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-row loops allocate nothing once compiled: the caller owns every array (STYLE.md, 22). */
class ClusterPassesAllocationTest {

    @Test
    void both_cluster_passes_and_the_fixed_denominator_sum_allocate_nothing_per_call() {
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final int rows = 8;
        final int d = 1100;
        final SplittableRandom rnd = new SplittableRandom(5);
        final float[] block = new float[rows * d];
        for (int i = 0; i < block.length; i++) {
            block[i] = (float) rnd.nextGaussian() * 0.03f;
        }
        final float[] v = new float[d];
        final double[] acc = new double[d];
        final float[] out = new float[d];
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += ClusterPasses.centre(block, rows, d, v, 1.0, 5, acc, out);
            sink += ClusterPasses.gated(block, rows, d, v, 0.7, 0.7, 5, acc, out);
            FixedDenominatorMean.accumulate(block, rows, d, 1.0, acc);
        }
        final long tid = Thread.currentThread().threadId();
        final long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 2_000; i++) {
            sink += ClusterPasses.centre(block, rows, d, v, 1.0, 5, acc, out);
            sink += ClusterPasses.gated(block, rows, d, v, 0.7, 0.7, 5, acc, out);
            FixedDenominatorMean.accumulate(block, rows, d, 1.0, acc);
        }
        final long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // 6,000 calls over 48,000 rows: a single object per row would be hundreds of kilobytes.
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes (sink " + sink + ")");
    }
}
