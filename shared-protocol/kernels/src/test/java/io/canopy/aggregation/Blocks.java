package io.canopy.aggregation;

import java.util.SplittableRandom;

/** Seeded test data. */
final class Blocks {

    private Blocks() {
    }

    static double gaussian(final SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** n rows of d i.i.d. N(0, scale²) values. */
    static UpdateBlock gaussian(final long seed, final int n, final int d, final double scale) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (gaussian(rnd) * scale);
        }
        return new UpdateBlock(x, n, d);
    }

    /** The same rows in the order {@code perm} gives: row i of the result is row perm[i] of the input. */
    static UpdateBlock permute(final UpdateBlock b, final int[] perm) {
        final int d = b.dim();
        final float[] x = new float[b.rows() * d];
        for (int i = 0; i < perm.length; i++) {
            System.arraycopy(b.data(), perm[i] * d, x, i * d, d);
        }
        return new UpdateBlock(x, b.rows(), d);
    }

    static int[] shuffle(final long seed, final int n) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            final int j = rnd.nextInt(i + 1);
            final int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
