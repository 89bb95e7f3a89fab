package io.canopy.random;

import java.util.Arrays;

/**
 * Normal variates for simulations, at a table lookup each: 2^16 midpoint quantiles
 * Φ⁻¹((i + ½)/2^16), indexed by 16 bits of a {@link CounterHash}. Each draw is exactly uniform over the
 * table, so mean 0 and variance within 1e−3 of 1; the tails stop at ±4.33σ (the outermost quantile).
 * Right for synthetic leaves and load tests, where millions of updates must be derived from
 * (seed, round, leaf) in nanoseconds; never for privacy noise, which has its own samplers in dp-noise.
 */
public final class GaussianTable {
    public static final int BITS = 16;
    public static final int SIZE = 1 << BITS;
    private static final float[] QUANTILES = new float[SIZE];
    private static final double VARIANCE;

    static {
        double sumSquares = 0.0;
        for (int i = 0; i < SIZE; i++) {
            double z = NormalQuantile.of((i + 0.5) / SIZE);
            QUANTILES[i] = (float) z;
            sumSquares += (double) QUANTILES[i] * QUANTILES[i];
        }
        VARIANCE = sumSquares / SIZE;
    }

    private GaussianTable() {
    }

    /** The variance of one draw, exactly as tabulated (slightly under 1: the tails are cut). */
    public static double variance() {
        return VARIANCE;
    }

    /** The largest magnitude a draw can take. */
    public static float maxMagnitude() {
        return QUANTILES[SIZE - 1];
    }

    /**
     * Adds {@code scale} times a standard normal to each of out[offset .. offset+length), the j-th
     * draw coming from (seed, stream, key, j / 4): four draws per hash.
     */
    public static void addScaled(long seed, long stream, long key, float scale, float[] out, int offset, int length) {
        int j = 0;
        long block = 0;
        for (; j + 4 <= length; j += 4, block++) {
            long bits = CounterHash.hash(seed, stream, key, block);
            out[offset + j] += scale * QUANTILES[(int) (bits & 0xFFFF)];
            out[offset + j + 1] += scale * QUANTILES[(int) ((bits >>> 16) & 0xFFFF)];
            out[offset + j + 2] += scale * QUANTILES[(int) ((bits >>> 32) & 0xFFFF)];
            out[offset + j + 3] += scale * QUANTILES[(int) (bits >>> 48)];
        }
        if (j < length) {
            long bits = CounterHash.hash(seed, stream, key, block);
            for (; j < length; j++, bits >>>= 16) {
                out[offset + j] += scale * QUANTILES[(int) (bits & 0xFFFF)];
            }
        }
    }

    /** One standard normal draw from a hash's low 16 bits. */
    public static float draw(long bits) {
        return QUANTILES[(int) (bits & 0xFFFF)];
    }

    /** A copy of the table, for tests. */
    static float[] quantiles() {
        return Arrays.copyOf(QUANTILES, SIZE);
    }
}
