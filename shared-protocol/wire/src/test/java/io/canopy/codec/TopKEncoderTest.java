package io.canopy.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Top-k at sizes where the sampled threshold is used, and where it must fall back. */
class TopKEncoderTest {

    private static final int D = 1 << 17;

    static float[] vector(final String shape, final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[D];
        for (int i = 0; i < D; i++) {
            x[i] = switch (shape) {
                case "gaussian" -> (float) rnd.nextGaussian();
                // Heavy tails: a few coordinates dominate.
                case "cauchy" -> (float) Math.tan(Math.PI * (rnd.nextDouble() - 0.5));
                // Mostly zeros and ties: the sample's bound admits everything, so the full selection runs.
                case "sparse" -> rnd.nextInt(50) == 0 ? (rnd.nextBoolean() ? 1f : -2f) : 0f;
                // Sorted magnitudes: a strided sample sees a skewed picture of the whole.
                default -> (float) i / D;
            };
        }
        return x;
    }

    @ParameterizedTest(name = "{0}, k={1}")
    @CsvSource({"gaussian,1,0", "gaussian,1310,0", "gaussian,8000,0", "cauchy,1310,0", "sparse,1000,0",
        "sparse,5000,1", "ramp,1310,0"})
    void shouldSendExactlyTheKLargestMagnitudesAndKeepTheRest(final String shape, final int k, final int fallbacks) {
        final float[] x = vector(shape, k);
        final TopKEncoder enc = new TopKEncoder(D, k);
        final MemorySegment seg = MemorySegment.ofArray(new byte[8 * k]);
        enc.encode(x, 0, seg, 0);
        final float[] y = new float[D];
        assertEquals(Codecs.OK, TopKCodec.decode(seg, 0, D, k, y, 0));

        final float[] sent = seg.asSlice(4L * k, 4L * k).toArray(Segments.FLOAT_LE);
        for (int i = 0; i < k; i++) {
            sent[i] = Math.abs(sent[i]);
        }
        final float[] all = new float[D];
        for (int i = 0; i < D; i++) {
            all[i] = Math.abs(x[i]);
        }
        Arrays.sort(sent);
        Arrays.sort(all);
        assertArrayEquals(Arrays.copyOfRange(all, D - k, D), sent);
        for (int i = 0; i < D; i++) {
            assertEquals(x[i], y[i] + enc.residual()[i]);
        }
        // The sampled bound is the fast path; k beyond the nonzeros of a sparse vector needs the full selection.
        assertEquals(fallbacks, enc.fallbacks());
    }
}
