package io.canopy.privacy.noise;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Gaussian noise for simulations and load tests only: an explicitly seeded {@code L64X128MixRandom}
 * (java.util.random, LXM family) feeds uniform floats to a Box–Muller transform evaluated with the Vector
 * API (its {@code LOG}, {@code SQRT}, {@code COS}, {@code SIN} lanewise operations use the platform's
 * vector math library). Reproducible from the seed, which is exactly why it must never protect real data:
 * it is predictable, and its float arithmetic has the low-bit weaknesses of Mironov 2012. Rounds run with
 * it are recorded as "fast" in the ledger, and {@code ./canopy privacy replay} flags them.
 *
 * <p>The hot loop is allocation-free: uniforms go to a preallocated scratch block, transformed in place and
 * added to the target. Not thread-safe.
 */
public final class FastGaussianSampler implements GaussianSampler {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int BLOCK = 4096;
    private static final float TWO_PI = (float) (2 * Math.PI);

    private final RandomGenerator rng;
    private final float[] u1 = new float[BLOCK];
    private final float[] u2 = new float[BLOCK];
    private final float[] normals = new float[2 * BLOCK];

    public FastGaussianSampler(final long seed) {
        this.rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public void addNoise(final float[] x, final double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and >= 0, got " + sigma);
        }
        final float s = (float) sigma;
        for (int from = 0; from < x.length; from += 2 * BLOCK) {
            final int n = Math.min(2 * BLOCK, x.length - from);
            nextBlock();
            for (int i = 0; i < n; i++) {
                x[from + i] += s * normals[i];
            }
        }
    }

    @Override
    public void fillStandard(final double[] out) {
        for (int from = 0; from < out.length; from += 2 * BLOCK) {
            final int n = Math.min(2 * BLOCK, out.length - from);
            nextBlock();
            for (int i = 0; i < n; i++) {
                out[from + i] = normals[i];
            }
        }
    }

    /** Fills {@code normals} with 2·BLOCK standard normal floats. */
    private void nextBlock() {
        for (int i = 0; i < BLOCK; i++) {
            final long r = rng.nextLong();
            // Two 24-bit uniforms per long; u1 in (0, 1] so that log(u1) is finite.
            u1[i] = ((r >>> 40) + 1) * 0x1.0p-24f;
            u2[i] = ((r >>> 16) & 0xFFFFFF) * 0x1.0p-24f;
        }
        int i = 0;
        for (; i < SPECIES.loopBound(BLOCK); i += SPECIES.length()) {
            final FloatVector a = FloatVector.fromArray(SPECIES, u1, i);
            final FloatVector b = FloatVector.fromArray(SPECIES, u2, i).mul(TWO_PI);
            final FloatVector radius = a.lanewise(VectorOperators.LOG).mul(-2f).lanewise(VectorOperators.SQRT);
            radius.mul(b.lanewise(VectorOperators.COS)).intoArray(normals, i);
            radius.mul(b.lanewise(VectorOperators.SIN)).intoArray(normals, BLOCK + i);
        }
        for (; i < BLOCK; i++) {
            final double radius = Math.sqrt(-2 * Math.log(u1[i]));
            normals[i] = (float) (radius * Math.cos(TWO_PI * u2[i]));
            normals[BLOCK + i] = (float) (radius * Math.sin(TWO_PI * u2[i]));
        }
    }
}
