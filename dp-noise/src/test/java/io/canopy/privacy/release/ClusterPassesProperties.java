package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The SIMD cluster passes and the fixed-denominator sum against {@link ScalarReference}, on random blocks. */
class ClusterPassesProperties {

    /** rows×d Gaussian values of norm about {@code spread} per row. */
    static float[] randomBlock(final SplittableRandom rnd, final int rows, final int d, final double spread) {
        final float[] b = new float[rows * d];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rnd.nextGaussian() * spread / Math.sqrt(d));
        }
        return b;
    }

    private static void assertClose(final double[] expected, final float[] actual, final int d, final double scale) {
        for (int j = 0; j < d; j++) {
            assertEquals(expected[j], actual[j], 2e-6 * scale + 1e-6 * Math.abs(expected[j]), "coordinate " + j);
        }
    }

    @Property(tries = 80, seed = "20261202")
    void the_centre_pass_equals_the_scalar_reference(@ForAll @IntRange(min = 0, max = 24) final int rows,
                                                     @ForAll @IntRange(min = 1, max = 2300) final int d,
                                                     @ForAll @DoubleRange(min = 0.05, max = 3) final double clip,
                                                     @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] block = randomBlock(rnd, rows, d, 1.5);
        final float[] v0 = randomBlock(rnd, 1, d, 0.5);
        final double mc = 1 + rnd.nextDouble() * 20;
        final float[] out = new float[d];
        final int clipped = ClusterPasses.centre(block, rows, d, v0, clip, mc, new double[d], out);
        assertClose(ScalarReference.centre(block, rows, d, v0, clip, mc), out, d, 1 + rows * clip / mc);
        int expectedClipped = 0;
        for (int i = 0; i < rows; i++) {
            expectedClipped += ScalarReference.distance(block, i, d, v0) > clip * ClusterPasses.CLIP_GUARD ? 1 : 0;
        }
        assertEquals(expectedClipped, clipped);
    }

    @Property(tries = 80, seed = "20261202")
    void the_gated_pass_equals_the_scalar_reference_away_from_the_gate_boundary(
        @ForAll @IntRange(min = 0, max = 24) final int rows, @ForAll @IntRange(min = 1, max = 2300) final int d,
        @ForAll @DoubleRange(min = 0.1, max = 2) final double rho, @ForAll @DoubleRange(min = 0.1, max = 1) final double tauShare,
        @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] block = randomBlock(rnd, rows, d, 1.5);
        final float[] v1 = randomBlock(rnd, 1, d, 0.3);
        for (int i = 0; i < rows; i++) {
            // The float and double norms may disagree within 1e-6 of the boundary; keep rows away from it.
            if (Math.abs(ScalarReference.distance(block, i, d, v1) / rho - 1) < 1e-4) {
                block[i * d] += 0.01f * (float) rho;
            }
        }
        final double tau = tauShare * rho;
        final double mc = 1 + rnd.nextDouble() * 20;
        final float[] out = new float[d];
        final int w = ClusterPasses.gated(block, rows, d, v1, rho, tau, mc, new double[d], out);
        final double[] ref = ScalarReference.gated(block, rows, d, v1, rho, tau, mc);
        assertEquals((int) ref[d], w);
        assertClose(ref, out, d, 1 + rows * tau / mc);
    }

    @Property(tries = 60, seed = "20261202")
    void the_fixed_denominator_sum_equals_the_scalar_reference(@ForAll @IntRange(min = 0, max = 24) final int rows,
                                                               @ForAll @IntRange(min = 1, max = 2300) final int d,
                                                               @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] block = randomBlock(rnd, rows, d, 2);
        final double[] acc = new double[d];
        FixedDenominatorMean.accumulate(block, rows, d, 1.0, acc);
        final double[] ref = ScalarReference.clippedSum(block, rows, d, 1.0);
        for (int j = 0; j < d; j++) {
            assertEquals(ref[j], acc[j], 2e-6 * (1 + rows), "coordinate " + j);
        }
    }

    @Property(tries = 40, seed = "20261202")
    void every_clipped_contribution_has_norm_at_most_the_clip_in_exact_arithmetic(
        @ForAll @IntRange(min = 1, max = 5000) final int d, @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] block = randomBlock(rnd, 1, d, 10);
        final float[] v0 = new float[d];
        final float[] out = new float[d];
        final double[] acc = new double[d];
        ClusterPasses.centre(block, 1, d, v0, 1.0, 1.0, acc, out);
        double n2 = 0;
        for (int j = 0; j < d; j++) {
            n2 += acc[j] * acc[j];
        }
        assertTrue(Math.sqrt(n2) <= 1.0, "norm " + Math.sqrt(n2));
    }
}
