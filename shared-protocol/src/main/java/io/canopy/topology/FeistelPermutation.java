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
    private final int halfBits;
    private final long halfMask;

    public FeistelPermutation(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation needs a domain of at least 1, was " + n);
        }
        this.n = n;
        this.seed = seed;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
    }

    public long size() {
        return n;
    }

    /** The image of {@code x}; x must be in [0, n). */
    public long apply(long x) {
        check(x);
        long y = x;
        do {
            y = encrypt(y);
        } while (y >= n);
        return y;
    }

    /** The x with {@code apply(x) == y}. */
    public long invert(long y) {
        check(y);
        long x = y;
        do {
            x = decrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long value) {
        long left = value >>> halfBits;
        long right = value & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ roundFunction(round, right);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private long decrypt(long value) {
        long left = value >>> halfBits;
        long right = value & halfMask;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            long previous = right ^ roundFunction(round, left);
            right = left;
            left = previous;
        }
        return (left << halfBits) | right;
    }

    private long roundFunction(int round, long half) {
        return CounterHash.hash(seed, round, half, 0x5EED) & halfMask;
    }

    private void check(long x) {
        if (x < 0 || x >= n) {
            throw new IndexOutOfBoundsException("index " + x + " is outside [0, " + n + ")");
        }
    }
}
