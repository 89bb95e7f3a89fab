package io.canopy.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MeanTest extends AggregationRuleContract {

    @Override
    AggregationRule rule() {
        return Mean.INSTANCE;
    }

    @Property(tries = 100)
    void meanMatchesTheDoubleReference(@ForAll @IntRange(min = 1, max = 60) final int n,
                                       @ForAll @IntRange(min = 1, max = 90) final int d, @ForAll final long seed) {
        final UpdateBlock b = Blocks.gaussian(seed, n, d, 2);
        final float[] out = Mean.INSTANCE.aggregate(b).aggregate();
        for (int k = 0; k < d; k++) {
            double s = 0;
            double abs = 0;
            for (int i = 0; i < n; i++) {
                s += b.data()[i * d + k];
                abs += Math.abs(b.data()[i * d + k]);
            }
            assertEquals(s / n, out[k], 1e-6 * abs / n + 1e-30, "coordinate " + k);
        }
    }

    @Test
    void weightedMeanWeighsEachRow() {
        final UpdateBlock b = UpdateBlock.of(new float[] {1, 10}, new float[] {3, 30}, new float[] {100, 100});
        final AggregationResult.MeanResult r = new WeightedMean(new double[] {1, 3, 0}).aggregate(b);
        assertArrayEquals(new float[] {2.5f, 25f}, r.aggregate());
        assertEquals(3, r.inputs());
    }

    @Property(tries = 50)
    void weightedMeanWithEqualWeightsIsTheMean(@ForAll @IntRange(min = 1, max = 40) final int n,
                                               @ForAll final long seed) {
        final UpdateBlock b = Blocks.gaussian(seed, n, 33, 1);
        final double[] w = new double[n];
        java.util.Arrays.fill(w, 2.5);
        assertArrayEquals(Mean.INSTANCE.aggregate(b).aggregate(), new WeightedMean(w).aggregate(b).aggregate(), 1e-6f);
    }

    @Test
    void shouldRejectBadWeightsNamingThem() {
        assertEquals("weight 1 is -1.0; weights must be finite and >= 0",
            assertThrows(IllegalArgumentException.class, () -> new WeightedMean(new double[] {1, -1})).getMessage());
        assertEquals("weight 0 is NaN; weights must be finite and >= 0",
            assertThrows(IllegalArgumentException.class, () -> new WeightedMean(new double[] {Double.NaN})).getMessage());
        assertEquals("weights sum to 0; at least one weight must be positive",
            assertThrows(IllegalArgumentException.class, () -> new WeightedMean(new double[] {0, 0})).getMessage());
        final UpdateBlock b = Blocks.gaussian(1, 3, 4, 1);
        assertEquals("weighted mean has 2 weights but the block has 3 rows",
            assertThrows(IllegalArgumentException.class, () -> new WeightedMean(new double[] {1, 1}).aggregate(b))
                .getMessage());
    }
}
