package io.canopy.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import io.canopy.testing.AllocationMeter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MultiKrumWorkspaceTest {
    private final MultiKrum rule = MultiKrum.withDefaultM(2);

    @Property(tries = 60)
    void a_reused_single_thread_workspace_gives_exactly_what_a_fresh_call_gives(
        @ForAll @IntRange(min = 7, max = 90) int n, @ForAll @IntRange(min = 1, max = 700) int d, @ForAll long seed) {
        MultiKrum.Workspace shared = WORKSPACE;
        UpdateBlock block = Blocks.gaussian(seed, n, d, 1);
        var fresh = rule.aggregate(block);
        var reused = rule.aggregate(block, shared);
        assertArrayEquals(fresh.selected(), reused.selected());
        assertArrayEquals(fresh.scores(), reused.scores());
        assertArrayEquals(fresh.aggregate(), reused.aggregate());
    }

    /** Shared across tries on purpose: blocks of every size go through one workspace, growing and shrinking. */
    private static final MultiKrum.Workspace WORKSPACE = new MultiKrum.Workspace(1);

    @Test
    void repeated_aggregations_through_a_workspace_allocate_only_their_results() {
        int n = 200;
        int d = 256;
        UpdateBlock block = Blocks.gaussian(5L, n, d, 1);
        MultiKrum.Workspace workspace = new MultiKrum.Workspace(1);
        // The result: scores (n doubles), the order, selected and rejected (n ints together twice), the
        // aggregate (d floats) and the mean's accumulator (d doubles): about 8n + 8n + 4d + 8d bytes, far
        // below the 8n² = 320 KB of distances that a fresh call allocates.
        long resultBytes = 8L * n + 8L * n + 4L * d + 8L * d;
        long perCall = AllocationMeter.steadyStateBytesPerCall(() -> rule.aggregate(block, workspace), 20, 100,
            2 * resultBytes + 1024);
        assertTrue(perCall < 2 * resultBytes + 1024, "allocated " + perCall + " bytes per call; results need ~" + resultBytes);
    }

    @Property(tries = 300)
    void quickselect_finds_what_sorting_puts_at_k_even_among_ties(
        @ForAll @IntRange(min = 1, max = 300) int n, @ForAll @IntRange(min = 1, max = 20) int distinct, @ForAll long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(distinct) * 0.5; // few distinct values: many ties
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int k = random.nextInt(n);
        org.junit.jupiter.api.Assertions.assertEquals(sorted[k], io.canopy.kernel.Quickselect.kthSmallest(values.clone(), n, k));
        float[] floats = new float[n];
        for (int i = 0; i < n; i++) {
            floats[i] = (float) values[i];
        }
        org.junit.jupiter.api.Assertions.assertEquals((float) sorted[k], io.canopy.kernel.Quickselect.kthSmallest(floats, n, k));
    }
}
