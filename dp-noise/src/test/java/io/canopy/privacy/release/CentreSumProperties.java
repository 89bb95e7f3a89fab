package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Pass 1 taken row by row as updates arrive ({@link CentreSum}) against the pass over the whole block
 * ({@link ClusterPasses#centre}) and the scalar reference: the released centre must not depend on when it was summed.
 */
class CentreSumProperties {

    @Property(tries = 80, seed = "20261203")
    void summing_rows_as_they_arrive_gives_the_pass_over_the_block(
        @ForAll @IntRange(min = 0, max = 24) final int rows, @ForAll @IntRange(min = 1, max = 2300) final int d,
        @ForAll @DoubleRange(min = 0.05, max = 3) final double clip, @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] block = ClusterPassesProperties.randomBlock(rnd, rows, d, 1.5);
        if (rows > 1) {
            block[d + rnd.nextInt(d)] = Float.NaN; // a row without a finite distance contributes nothing, either way
        }
        final float[] v0 = ClusterPassesProperties.randomBlock(rnd, 1, d, 0.5);
        final double mc = 1 + rnd.nextDouble() * 20;
        final float[] whole = new float[d];
        final int clippedWhole = ClusterPasses.centre(block, rows, d, v0, clip, mc, new double[d], whole);

        final CentreSum sum = new CentreSum();
        // A previous round at another size and centre must leave nothing behind.
        sum.reset(1, new float[d + 7], d + 7, 1.0);
        sum.add(ClusterPassesProperties.randomBlock(rnd, 1, d + 7, 5), 0);
        sum.reset(2, v0, d, clip);
        for (int i = 0; i < rows; i++) {
            sum.add(block, i * d);
        }
        final float[] arrived = new float[d];
        assertEquals(clippedWhole, sum.finish(mc, arrived));
        // The same arithmetic; only the Vector API's lane order (interpreted or compiled) can move a distance by an
        // ulp or so, and through a clip factor each row's term by a relative 2^-20 at most.
        for (int j = 0; j < d; j++) {
            assertEquals(whole[j], arrived[j], 1e-6 * (Math.abs(whole[j]) + rows * clip / mc), "coordinate " + j);
        }
        assertEquals(rows, sum.rows());
        assertEquals(2, sum.round());
        if (rows > 0 && rows < 2) {
            final double[] reference = ScalarReference.centre(block, rows, d, v0, clip, mc);
            for (int j = 0; j < d; j++) {
                assertEquals(reference[j], arrived[j], 2e-6 * (1 + clip / mc) + 1e-6 * Math.abs(reference[j]));
            }
        }
    }

    @Test
    void a_bad_centre_clip_or_planned_count_is_refused_with_what_was_wrong() {
        final CentreSum sum = new CentreSum();
        assertEquals("need d >= 1 and a centre of at least d entries, got d=4 and a centre of 3",
            assertThrows(IllegalArgumentException.class, () -> sum.reset(1, new float[3], 4, 1.0)).getMessage());
        assertEquals("clip C must be finite and > 0, got 0.0",
            assertThrows(IllegalArgumentException.class, () -> sum.reset(1, new float[4], 4, 0.0)).getMessage());
        sum.reset(1, new float[4], 4, 1.0);
        assertEquals("planned count m_c must be finite and > 0, got NaN",
            assertThrows(IllegalArgumentException.class, () -> sum.finish(Double.NaN, new float[4])).getMessage());
        assertEquals("the output needs d=4 entries, got 2",
            assertThrows(IllegalArgumentException.class, () -> sum.finish(1.0, new float[2])).getMessage());
    }
}
