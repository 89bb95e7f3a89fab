package io.canopy.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Which clusters run Multi-Krum as a detector: a public, even, per-round choice of the release's share. */
class DetectorSampleProperties {
    private static final ReleaseSpec GATED = new ReleaseSpec(ReleaseSpec.Rule.GATED, 100, 1, 0.7f, 3, 4, 10, "test");

    /**
     * Over 20,000 clusters the picked count is Binomial(20,000, p) if the choice is an even spread: it stays within
     * six standard deviations of 20,000·p (a false alarm below 2e-9 a try).
     */
    @Property(tries = 200)
    void picks_a_share_of_the_clusters_within_six_binomial_deviations(
        @ForAll @DoubleRange(min = 0.01, max = 0.99) double share, @ForAll @LongRange(min = 1, max = 1L << 40) long round) {
        ReleaseSpec spec = GATED.withDetectorSample(share);
        int n = 20_000;
        int picked = 0;
        for (int c = 0; c < n; c++) {
            picked += spec.detects(round, c) ? 1 : 0;
        }
        double sd = Math.sqrt(n * share * (1 - share));
        assertTrue(Math.abs(picked - n * share) <= 6 * sd, "picked " + picked + " of " + n + " at share " + share);
    }

    @Property(tries = 100)
    void is_the_same_answer_on_every_member_and_a_different_subset_each_round(
        @ForAll @LongRange(min = 1, max = 1L << 40) long round) {
        ReleaseSpec a = GATED.withDetectorSample(0.5);
        ReleaseSpec b = GATED.withDetectorSample(0.5);
        int same = 0;
        for (int c = 0; c < 1_000; c++) {
            assertEquals(a.detects(round, c), b.detects(round, c));
            same += a.detects(round, c) == a.detects(round + 1, c) ? 1 : 0;
        }
        // Independent halves agree on about 500 of 1,000 clusters; the same subset would agree on all.
        assertNotEquals(1_000, same);
        assertTrue(Math.abs(same - 500) <= 6 * Math.sqrt(250), "agreed on " + same + " of 1000");
    }

    @Test
    void every_cluster_detects_at_share_one_and_under_the_multikrum_release() {
        for (int c = 0; c < 1_000; c++) {
            assertTrue(GATED.detects(7, c));
            assertTrue(ReleaseSpec.MULTIKRUM.detects(7, c));
        }
    }

    @Test
    void refuses_a_share_outside_zero_to_one_and_a_sample_of_the_multikrum_release() {
        assertEquals("the detector sample must be in (0, 1], got 0.0",
            assertThrows(IllegalArgumentException.class, () -> GATED.withDetectorSample(0)).getMessage());
        assertEquals("the detector sample must be in (0, 1], got 1.5",
            assertThrows(IllegalArgumentException.class, () -> GATED.withDetectorSample(1.5)).getMessage());
        assertEquals("the detector sample must be in (0, 1], got NaN",
            assertThrows(IllegalArgumentException.class, () -> GATED.withDetectorSample(Double.NaN)).getMessage());
        assertEquals("the multikrum release runs Multi-Krum in every cluster (it is the release); a detector sample of 0.5"
                + " applies only to the gated and fixed releases",
            assertThrows(IllegalArgumentException.class, () -> ReleaseSpec.MULTIKRUM.withDetectorSample(0.5)).getMessage());
    }
}
