package io.canopy.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stochastic rounding must make int8's decoded value unbiased: checked over many seeded draws. */
class Int8UnbiasedTest {

    private static final int D = 64;
    private static final int DRAWS = 40_000;

    @Test
    void shouldDecodeToTheInputOnAverageOverManyDraws() {
        final SplittableRandom rnd = new SplittableRandom(42);
        final float[] x = new float[D];
        for (int i = 0; i < D; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        final UpdateEncoder enc = UpdateEncoder.int8(D, 7);
        final MemorySegment seg = MemorySegment.ofArray(new byte[(int) enc.payloadLength(D)]);
        final double[] sum = new double[D];
        final double[] sumSq = new double[D];
        final float[] y = new float[D];
        for (int draw = 0; draw < DRAWS; draw++) {
            enc.encode(x, 0, D, seg, 0);
            assertEquals(Codecs.OK, Int8Codec.decode(seg, 0, D, D, y, 0));
            for (int i = 0; i < D; i++) {
                final double e = y[i] - x[i];
                sum[i] += e;
                sumSq[i] += e * e;
            }
        }
        final float step = seg.get(Segments.FLOAT_LE, 0);
        double worstZ = 0;
        double meanBias = 0;
        for (int i = 0; i < D; i++) {
            final double mean = sum[i] / DRAWS;
            final double var = sumSq[i] / DRAWS - mean * mean;
            // Values at a grid point (the block max) have no rounding noise: skip them for the z-score.
            if (var > 1e-12 * step * step) {
                worstZ = Math.max(worstZ, Math.abs(mean) / Math.sqrt(var / DRAWS));
            }
            meanBias += mean / D;
        }
        // 64 z-scores of an unbiased estimator: |z| > 5 has probability ~4e-5 in all of them together.
        assertTrue(worstZ < 5, "largest |z| of the per-value bias was " + worstZ);
        assertTrue(Math.abs(meanBias) < 0.002 * step, "mean bias " + meanBias + " vs step " + step);
    }
}
