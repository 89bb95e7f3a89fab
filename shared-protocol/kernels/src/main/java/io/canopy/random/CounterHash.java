package io.canopy.random;

/**
 * Stateless pseudo-random bits from counters: the value for (seed, a, b, c) needs no generator state,
 * so a swarm of millions of leaves, or a permutation of them, is derived on demand and identically on
 * every node. The mixer is SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), which passes BigCrush as a counter-based generator.
 * Not for anything secret: it is invertible and unkeyed.
 */
public final class CounterHash {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterHash() {
    }

    /** SplitMix64's output function: a bijection on 64-bit values with full avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Bits for a three-part counter under a seed; each part goes through the mixer so none can cancel another. */
    public static long hash(long seed, long a, long b, long c) {
        long h = mix64(seed + GOLDEN);
        h = mix64(h ^ (a + GOLDEN));
        h = mix64(h ^ (b + 2 * GOLDEN));
        return mix64(h ^ (c + 3 * GOLDEN));
    }

    /** A double uniform in [0, 1) from the top 53 bits. */
    public static double unitDouble(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
