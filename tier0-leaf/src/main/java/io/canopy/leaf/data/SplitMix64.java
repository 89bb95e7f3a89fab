package io.canopy.leaf.data;

import io.canopy.random.CounterHash;

/**
 * A re-seedable SplitMix64 stream (Steele, Lea and Flood, OOPSLA 2014; the generator behind
 * {@link java.util.SplittableRandom}): state += γ, output = mix64(state). Re-seeding from
 * {@link CounterHash#hash} per (seed, stream, a, b) makes every draw a function of those counters, and
 * reusing one instance per thread keeps the hot paths free of allocation. Not thread-safe.
 */
public final class SplitMix64 {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    /** Restarts the stream at the counters' hash. */
    public SplitMix64 reseed(long seed, long stream, long a, long b) {
        state = CounterHash.hash(seed, stream, a, b);
        return this;
    }

    public long nextLong() {
        state += GAMMA;
        return CounterHash.mix64(state);
    }

    /** Uniform in [0, 1) from the top 53 bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Uniform in [0, bound) by Lemire's multiply-shift on 32 random bits; the bias, below bound/2^32,
     * is under 10^-5 for the shard and batch sizes used here, and no rejection keeps it branch-free.
     */
    public int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** A standard normal by Marsaglia's polar method (exact, unlike a table; the second variate is dropped). */
    public double nextGaussian() {
        double u;
        double v;
        double s;
        do {
            u = 2.0 * nextDouble() - 1.0;
            v = 2.0 * nextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        return u * Math.sqrt(-2.0 * Math.log(s) / s);
    }

    /**
     * A Gamma(shape, 1) variate by Marsaglia and Tsang (ACM TOMS 2000): for a ≥ 1, with d = a − 1/3,
     * c = 1/√(9d), accept d·v for v = (1 + c·x)³, x ~ N(0,1), when ln u < x²/2 + d − d·v + d·ln v; for
     * a < 1, Gamma(a) = Gamma(a + 1)·U^(1/a).
     */
    public double nextGamma(double shape) {
        if (shape < 1.0) {
            return nextGamma(shape + 1.0) * Math.pow(nextDouble(), 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = nextGaussian();
            double v = 1.0 + c * x;
            if (v <= 0.0) {
                continue;
            }
            v = v * v * v;
            double u = nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
