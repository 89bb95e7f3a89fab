package io.canopy.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Every Vector API kernel against its scalar reference, at lengths and offsets that exercise the tails. */
class VectorKernelsProperties {

    private static float[] gaussian(final long seed, final int n, final double scale) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (gaussian(rnd) * scale);
        }
        return x;
    }

    private static double gaussian(final SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian.
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** Σ|a_i·b_i|: the scale a reduction's rounding error is measured against. */
    private static double absDot(final float[] a, final int ao, final float[] b, final int bo, final int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs((double) a[ao + i] * b[bo + i]);
        }
        return s;
    }

    @Property(tries = 300)
    void dotMatchesScalarReference(@ForAll @IntRange(min = 0, max = 5000) final int n,
                                   @ForAll @IntRange(min = 0, max = 37) final int ao,
                                   @ForAll @IntRange(min = 0, max = 37) final int bo,
                                   @ForAll final long seed) {
        final float[] a = gaussian(seed, n + ao, 3);
        final float[] b = gaussian(seed + 1, n + bo, 0.5);
        final double scale = absDot(a, ao, b, bo, n);
        assertEquals(ScalarKernels.dot(a, ao, b, bo, n), VectorKernels.dot(a, ao, b, bo, n), 1e-5 * scale + 1e-30);
    }

    @Property(tries = 300)
    void squaredDistanceMatchesScalarReference(@ForAll @IntRange(min = 0, max = 5000) final int n,
                                               @ForAll @IntRange(min = 0, max = 37) final int ao,
                                               @ForAll final long seed) {
        final float[] a = gaussian(seed, n + ao, 2);
        final float[] b = gaussian(seed + 7, n, 2);
        final float ref = ScalarKernels.squaredDistance(a, ao, b, 0, n);
        assertEquals(ref, VectorKernels.squaredDistance(a, ao, b, 0, n), 1e-5 * ref + 1e-30);
        assertTrue(VectorKernels.squaredDistance(a, ao, b, 0, n) >= 0f);
    }

    @Property(tries = 200)
    void normMatchesScalarReference(@ForAll @IntRange(min = 0, max = 5000) final int n, @ForAll final long seed) {
        final float[] x = gaussian(seed, n, 10);
        final float ref = ScalarKernels.norm(x, 0, n);
        assertEquals(ref, VectorKernels.norm(x, 0, n), 1e-5 * ref + 1e-30);
    }

    @Property(tries = 200)
    void axpyMatchesScalarReference(@ForAll @IntRange(min = 0, max = 3000) final int n,
                                    @ForAll @IntRange(min = 0, max = 20) final int off,
                                    @ForAll @FloatRange(min = -4, max = 4) final float alpha,
                                    @ForAll final long seed) {
        final float[] x = gaussian(seed, n + off, 1);
        final float[] y1 = gaussian(seed + 3, n + off, 1);
        final float[] y2 = y1.clone();
        ScalarKernels.axpy(alpha, x, off, y1, off, n);
        VectorKernels.axpy(alpha, x, off, y2, off, n);
        for (int i = 0; i < n + off; i++) {
            // The vector version fuses the multiply-add: one rounding instead of two.
            assertEquals(y1[i], y2[i], 1e-6f * (Math.abs(alpha * x[i]) + Math.abs(y1[i])) + 1e-30f, "index " + i);
        }
    }

    @Property(tries = 200)
    void scaleAndAddIntoEqualTheReferenceExactly(@ForAll @IntRange(min = 0, max = 3000) final int n,
                                                 @ForAll @IntRange(min = 0, max = 20) final int off,
                                                 @ForAll @FloatRange(min = -4, max = 4) final float alpha,
                                                 @ForAll final long seed) {
        final float[] x = gaussian(seed, n + off, 1);
        final float[] acc = gaussian(seed + 5, n + off, 1);
        final float[] x1 = x.clone();
        final float[] x2 = x.clone();
        ScalarKernels.scale(alpha, x1, off, n);
        VectorKernels.scale(alpha, x2, off, n);
        assertArrayEquals(x1, x2);
        final float[] a1 = acc.clone();
        final float[] a2 = acc.clone();
        ScalarKernels.addInto(a1, off, x, off, n);
        VectorKernels.addInto(a2, off, x, off, n);
        assertArrayEquals(a1, a2);
    }

    @Property(tries = 200)
    void doubleAccumulationNeverRoundsToFloat(@ForAll @IntRange(min = 0, max = 3000) final int n,
                                            @ForAll @IntRange(min = 0, max = 20) final int off,
                                            @ForAll final long seed) {
        final float[] x = gaussian(seed, n + off, 1);
        final double[] acc = new double[n + 3];
        java.util.Arrays.fill(acc, 1e8);
        VectorKernels.addIntoDouble(acc, 3, x, off, n);
        VectorKernels.axpyIntoDouble(0.375, x, off, acc, 3, n);
        final float[] out = new float[n];
        VectorKernels.scaleToFloat(acc, 3, 0.25, out, 0, n);
        for (int i = 0; i < n; i++) {
            // The same double operations in the same order: widening must not drop to float anywhere.
            final double expected = 1e8 + (double) x[off + i] + 0.375 * x[off + i];
            assertEquals(expected, acc[3 + i], 0.0, "index " + i);
            assertEquals((float) (expected * 0.25), out[i], "index " + i);
        }
        assertEquals(1e8, acc[0], 0.0, "the kernel wrote before its offset");
    }

    @Property(tries = 200)
    void clippingBringsEveryVectorIntoTheBallAndKeepsItsDirection(
        @ForAll @IntRange(min = 1, max = 3000) final int n,
        @ForAll @FloatRange(min = 0.01f, max = 100) final float c,
        @ForAll final long seed) {
        final float[] x = gaussian(seed, n, 5);
        final float[] clipped = x.clone();
        final float[] ref = x.clone();
        final float before = VectorKernels.clipToNorm(clipped, 0, n, c);
        ScalarKernels.clipToNorm(ref, 0, n, c);
        assertEquals(ScalarKernels.norm(x, 0, n), before, 1e-5 * before);
        final float after = ScalarKernels.norm(clipped, 0, n);
        assertTrue(after <= c * (1 + 1e-6f), "norm after clipping " + after + " exceeds c=" + c);
        for (int i = 0; i < n; i++) {
            assertEquals(ref[i], clipped[i], 1e-6f * Math.abs(ref[i]) + 1e-30f, "index " + i);
        }
        if (before <= c) {
            assertArrayEquals(x, clipped, "a vector inside the ball must be left unchanged");
        }
    }

    @Test
    void shouldRejectANonPositiveOrNonFiniteClipNorm() {
        final float[] x = {1, 2, 3};
        for (final float c : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> VectorKernels.clipToNorm(x, 0, 3, c));
            assertEquals("clip norm c=" + c + " must be positive and finite", e.getMessage());
        }
        assertArrayEquals(new float[] {1, 2, 3}, x, "a rejected clip must not touch the vector");
    }
}
