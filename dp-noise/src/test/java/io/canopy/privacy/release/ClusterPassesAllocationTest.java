package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import io.canopy.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

/** The per-row loops allocate nothing once compiled: the caller owns every array (STYLE.md, 22). */
class ClusterPassesAllocationTest {

    @Test
    void both_cluster_passes_pass_one_on_arrival_and_the_fixed_denominator_sum_allocate_nothing_per_call() {
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
        final CentreSum arriving = new CentreSum();
        final long[] sink = {0};
        final Runnable calls = () -> {
            for (int i = 0; i < 2_000; i++) {
                sink[0] += ClusterPasses.centre(block, rows, d, v, 1.0, 5, acc, out);
                sink[0] += ClusterPasses.gated(block, rows, d, v, 0.7, 0.7, 5, acc, out);
                FixedDenominatorMean.accumulate(block, rows, d, 1.0, acc);
                sink[0] += arrive(arriving, i, block, rows, d, v, out);
            }
        };
        for (int i = 0; i < 10; i++) {
            calls.run(); // 20,000 calls of each to compile them
        }
        // The least of up to 50 runs, so that a C2 compilation still running under load cannot fail the test.
        final long allocated = AllocationMeter.leastBytes(calls, 50, 4095);
        // 8,000 calls over 64,000 rows: a single object per row would be hundreds of kilobytes.
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes (sink " + sink[0] + ")");
    }

    private static int arrive(final CentreSum sum, final long round, final float[] block, final int rows, final int d,
                              final float[] v, final float[] out) {
        sum.reset(round, v, d, 1.0);
        for (int r = 0; r < rows; r++) {
            sum.add(block, r * d);
        }
        return sum.finish(5, out);
    }
}
