package io.canopy.topology;

import io.canopy.random.CounterHash;

/**
 * A seeded bijection on [0, n) that needs no table: a four-round balanced Feistel network on the
 * smallest even bit width covering n, restricted to [0, n) by cycle walking (Black and Rogaway,
 * "Ciphers with arbitrary finite domains", CT-RSA 2002). The covering domain is under 4n, so a walk
 * takes fewer than four steps on average. It shuffles, it does not encrypt.
 */
public final class FeistelPermutation {
    private static final int ROUNDS = 4;

    private final long n;
    private final long seed;

    public FeistelPermutation(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation needs a domain of at least 1, was " + n);
        }
        this.n = n;
        this.seed = seed;
    }

    public long size() {
        return n;
    }

    /** The image of {@code x}; x must be in [0, n). */
    public long apply(long x) {
        return apply(n, seed, x);
    }

    /** The x with {@code apply(x) == y}. */
    public long invert(long y) {
        return invert(n, seed, y);
    }

    /**
     * The image of {@code x} under the permutation of [0, n) seeded by {@code seed}, with no object: the
     * form a per-frame or per-leaf caller uses, since building an instance per call cost 40 bytes that
     * escape analysis did not remove.
     */
    public static long apply(long n, long seed, long x) {
        check(n, x);
        int halfBits = halfBits(n);
        long y = x;
        do {
            y = encrypt(y, seed, halfBits);
        } while (y >= n);
        return y;
    }

    /** The inverse of {@link #apply(long, long, long)}. */
    public static long invert(long n, long seed, long y) {
        check(n, y);
        int halfBits = halfBits(n);
        long x = y;
        do {
            x = decrypt(x, seed, halfBits);
        } while (x >= n);
        return x;
    }

    private static int halfBits(long n) {
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        return (bits + 1) / 2;
    }

    private static long encrypt(long value, long seed, int halfBits) {
        long mask = (1L << halfBits) - 1;
        long left = value >>> halfBits;
        long right = value & mask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ roundFunction(seed, round, right, mask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private static long decrypt(long value, long seed, int halfBits) {
        long mask = (1L << halfBits) - 1;
        long left = value >>> halfBits;
        long right = value & mask;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            long previous = right ^ roundFunction(seed, round, left, mask);
            right = left;
            left = previous;
        }
        return (left << halfBits) | right;
    }

    private static long roundFunction(long seed, int round, long half, long mask) {
        return CounterHash.hash(seed, round, half, 0x5EED) & mask;
    }

    private static void check(long n, long x) {
        if (x < 0 || x >= n) {
            throw new IndexOutOfBoundsException("index " + x + " is outside [0, " + n + ")");
        }
    }
}
