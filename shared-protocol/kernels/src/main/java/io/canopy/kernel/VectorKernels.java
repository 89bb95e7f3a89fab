package io.canopy.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels over float arrays with explicit offsets, so they run in place over an
 * {@code UpdateBlock}'s rows. Every kernel except the double-widening accumulators (plain loops C2 vectorizes) has a
 * scalar twin with the same signature in {@link ScalarKernels}, which the tests and benchmarks compare against.
 *
 * <p>Reductions keep four independent accumulators of {@code SPECIES_PREFERRED} lanes: the JIT does
 * not vectorize float reductions itself (their order would change the result), and four chains hide
 * the FMA latency. Results therefore differ from the sequential scalar sum by rounding only.
 *
 * <p>Stateless and thread-safe; no method allocates.
 */
public final class VectorKernels {

    // A static final species: passed as a value, the same loops run 20-100x slower (PERF-NOTES).
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {
    }

    /** Σ a[ao+i]·b[bo+i] for i in [0, n). */
    public static float dot(final float[] a, final int ao, final float[] b, final int bo, final int n) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = 0;
        for (final int bound4 = n - 4 * L; i <= bound4; i += 4 * L) {
            s0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s0);
            s1 = FloatVector.fromArray(S, a, ao + i + L).fma(FloatVector.fromArray(S, b, bo + i + L), s1);
            s2 = FloatVector.fromArray(S, a, ao + i + 2 * L).fma(FloatVector.fromArray(S, b, bo + i + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, ao + i + 3 * L).fma(FloatVector.fromArray(S, b, bo + i + 3 * L), s3);
        }
        for (final int bound = n - L; i <= bound; i += L) {
            s0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum = Math.fma(a[ao + i], b[bo + i], sum);
        }
        return sum;
    }

    /** Σ (a[ao+i] − b[bo+i])² for i in [0, n). */
    public static float squaredDistance(final float[] a, final int ao, final float[] b, final int bo, final int n) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = 0;
        for (final int bound4 = n - 4 * L; i <= bound4; i += 4 * L) {
            final FloatVector d0 = FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i));
            final FloatVector d1 = FloatVector.fromArray(S, a, ao + i + L).sub(FloatVector.fromArray(S, b, bo + i + L));
            final FloatVector d2 = FloatVector.fromArray(S, a, ao + i + 2 * L).sub(FloatVector.fromArray(S, b, bo + i + 2 * L));
            final FloatVector d3 = FloatVector.fromArray(S, a, ao + i + 3 * L).sub(FloatVector.fromArray(S, b, bo + i + 3 * L));
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (final int bound = n - L; i <= bound; i += L) {
            final FloatVector d0 = FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i));
            s0 = d0.fma(d0, s0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            final float d = a[ao + i] - b[bo + i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    /** Σ x[xo+i]² for i in [0, n). */
    public static float squaredNorm(final float[] x, final int xo, final int n) {
        return dot(x, xo, x, xo, n);
    }

    /** The Euclidean norm of x[xo .. xo+n). */
    public static float norm(final float[] x, final int xo, final int n) {
        return (float) Math.sqrt(squaredNorm(x, xo, n));
    }

    /** y[yo+i] += alpha·x[xo+i] for i in [0, n). */
    public static void axpy(final float alpha, final float[] x, final int xo, final float[] y, final int yo, final int n) {
        final FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    /** x[xo+i] *= alpha for i in [0, n). */
    public static void scale(final float alpha, final float[] x, final int xo, final int n) {
        final FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(va).intoArray(x, xo + i);
        }
        for (; i < n; i++) {
            x[xo + i] *= alpha;
        }
    }

    /** acc[ao+i] += x[xo+i] for i in [0, n): the accumulate step of every mean. */
    public static void addInto(final float[] acc, final int ao, final float[] x, final int xo, final int n) {
        int i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, acc, ao + i).add(FloatVector.fromArray(S, x, xo + i)).intoArray(acc, ao + i);
        }
        for (; i < n; i++) {
            acc[ao + i] += x[xo + i];
        }
    }

    /**
     * Scales x[xo .. xo+n) in place to L2 norm at most {@code c}: x ← x·min(1, c/‖x‖), the clipping
     * step of DP-SGD (Abadi et al. 2016). A vector already inside the ball is left bit-for-bit unchanged.
     *
     * @return the norm before clipping
     * @throws IllegalArgumentException if {@code c} is not a positive finite number
     */
    public static float clipToNorm(final float[] x, final int xo, final int n, final float c) {
        if (!(c > 0f && c < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("clip norm c=" + c + " must be positive and finite");
        }
        final float norm = norm(x, xo, n);
        if (norm > c) {
            scale((float) ((double) c / norm), x, xo, n);
        }
        return norm;
    }

    // The widening accumulators below are plain loops on purpose: C2 auto-vectorizes element-wise
    // float->double loops, and measured on this machine it beat a Vector API castShape version 2x.

    /**
     * acc[ao+i] += w·x[xo+i] for i in [0, n), widening to double: the accumulate step of the means,
     * which sum up to thousands of rows and must not lose the low bits of each one.
     */
    public static void axpyIntoDouble(final double w, final float[] x, final int xo, final double[] acc, final int ao,
                                      final int n) {
        for (int i = 0; i < n; i++) {
            acc[ao + i] += w * x[xo + i];
        }
    }

    /** acc[ao+i] += x[xo+i] for i in [0, n), widening to double. */
    public static void addIntoDouble(final double[] acc, final int ao, final float[] x, final int xo, final int n) {
        for (int i = 0; i < n; i++) {
            acc[ao + i] += x[xo + i];
        }
    }

    /** out[oo+i] = (float) (acc[ao+i]·s) for i in [0, n): turns a double accumulator into the float result. */
    public static void scaleToFloat(final double[] acc, final int ao, final double s, final float[] out, final int oo,
                                    final int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) (acc[ao + i] * s);
        }
    }
}
