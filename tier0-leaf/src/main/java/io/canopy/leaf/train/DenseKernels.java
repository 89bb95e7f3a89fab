package io.canopy.leaf.train;

import io.canopy.kernel.VectorKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two dense-layer kernels local training spends its time in, on row-major float arrays with
 * explicit offsets: the affine map of a batch (matrix × several vectors) and the batched rank-1 update
 * of the weight gradient. Vector API with register blocking, because C2 does not vectorize float
 * reductions (PERF-NOTES: ~2.5 vs ~33 GFLOP/s in L1) and one weight load serves two examples.
 *
 * <p>Bit-reproducible, unlike {@link VectorKernels}: a leaf's update must be the same on every node and
 * at every stage of JIT compilation. So the species is fixed at 256 bits rather than the preferred one
 * (an AVX2 and an AVX-512 machine then sum in the same order; Zen 4 double-pumps 512-bit FMAs, so
 * 256 bits lose nothing there, PERF-NOTES), and lanes are summed by a fixed tree instead of
 * {@code reduceLanes(ADD)}, whose order for floats "may even vary over time" (its javadoc) — measured:
 * the same leaf trained before and after C2 compiled the kernels differed in the last bit.
 * Stateless, thread-safe, allocation-free.
 */
final class DenseKernels {
    // A static final species: passed as a value, the same loops run 20-100x slower (PERF-NOTES).
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    /** Scratch floats {@link #affine} needs. */
    static final int LANES_SCRATCH = 8 * 8;
    private static final VectorShuffle<Float> ROTATE4 = VectorShuffle.fromOp(S, i -> (i + 4) % L);
    private static final VectorShuffle<Float> ROTATE2 = VectorShuffle.fromOp(S, i -> (i + 2) % L);
    private static final VectorShuffle<Float> ROTATE1 = VectorShuffle.fromOp(S, i -> (i + 1) % L);

    private DenseKernels() {
    }

    /**
     * out[oo + e·os + r] = b[bo + r] + Σ_i W[wo + r·n + i]·X[xo + e·n + i] for rows r in [0, rows) and
     * examples e in [0, count): z = W·x + b for each example, with W stored row by row (one output's
     * weights contiguous). Blocks of 4 rows × 2 examples keep 8 accumulators in registers and load
     * each weight vector once per two examples.
     *
     * @param lanes scratch of at least {@link #LANES_SCRATCH} floats
     */
    static void affine(float[] w, int wo, float[] b, int bo, int rows, int n, float[] x, int xo, int count,
                       float[] out, int oo, int os, float[] lanes) {
        int full = rows & ~3;
        int e = 0;
        for (; e + 2 <= count; e += 2) {
            int x0 = xo + e * n;
            for (int r = 0; r < full; r += 4) {
                dots4x2(w, wo + r * n, n, x, x0, x0 + n, out, oo + e * os + r, oo + (e + 1) * os + r, lanes);
            }
        }
        for (; e < count; e++) {
            for (int r = 0; r < full; r++) {
                out[oo + e * os + r] = dot(w, wo + r * n, x, xo + e * n, n);
            }
        }
        // The 1-3 rows left (softmax has 10): pairs of rows against 4 examples, still 8 accumulators.
        int r = full;
        for (; r + 2 <= rows; r += 2) {
            e = 0;
            for (; e + 4 <= count; e += 4) {
                dots2x4(w, wo + r * n, n, x, xo + e * n, out, oo + e * os + r, os, lanes);
            }
            for (; e < count; e++) {
                out[oo + e * os + r] = dot(w, wo + r * n, x, xo + e * n, n);
                out[oo + e * os + r + 1] = dot(w, wo + (r + 1) * n, x, xo + e * n, n);
            }
        }
        for (; r < rows; r++) {
            for (e = 0; e < count; e++) {
                out[oo + e * os + r] = dot(w, wo + r * n, x, xo + e * n, n);
            }
        }
        for (e = 0; e < count; e++) {
            for (int k = 0; k < rows; k++) {
                out[oo + e * os + k] += b[bo + k];
            }
        }
    }

    /** The sum of the 8 lanes by a fixed tree: ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)). */
    static float sumLanes(FloatVector v) {
        FloatVector t = v.add(v.rearrange(ROTATE4));
        t = t.add(t.rearrange(ROTATE2));
        t = t.add(t.rearrange(ROTATE1));
        return t.lane(0);
    }

    /**
     * Σ a[ao+i]·b[bo+i] for i in [0, n), in exactly the order of the blocked kernels (one accumulator
     * over the vectors, {@link #sumLanes}, then the scalar tail), so that an example's logits do not
     * depend on where in a batch it falls. One FMA chain is slow, but this only serves the odd rows and
     * examples left over by the blocks.
     */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector s0 = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            s0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s0);
        }
        float sum = sumLanes(s0);
        for (; i < n; i++) {
            sum = Math.fma(a[ao + i], b[bo + i], sum);
        }
        return sum;
    }

    /** Σ x[xo+i]² for i in [0, n) in a fixed order, with four accumulators to hide the FMA latency. */
    static float squaredNorm(float[] x, int xo, int n) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, x, xo + i);
            FloatVector v1 = FloatVector.fromArray(S, x, xo + i + L);
            FloatVector v2 = FloatVector.fromArray(S, x, xo + i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, x, xo + i + 3 * L);
            s0 = v0.fma(v0, s0);
            s1 = v1.fma(v1, s1);
            s2 = v2.fma(v2, s2);
            s3 = v3.fma(v3, s3);
        }
        float sum = sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) {
            sum = Math.fma(x[xo + i], x[xo + i], sum);
        }
        return sum;
    }

    /**
     * Scales x[xo .. xo+n) to L2 norm at most c, x ← x·min(1, c/‖x‖) (DP-SGD's clipping, Abadi et al.
     * 2016), with the same scale factor as {@link VectorKernels#clipToNorm} but a norm summed in a fixed
     * order; a vector inside the ball is left bit-for-bit unchanged.
     *
     * @return the norm before clipping
     */
    static float clipToNorm(float[] x, int xo, int n, float c) {
        float norm = (float) Math.sqrt(squaredNorm(x, xo, n));
        if (norm > c) {
            VectorKernels.scale((float) ((double) c / norm), x, xo, n);
        }
        return norm;
    }

    /** out[o + e·os + k] = W[w0 + k·n ..]·X[x0 + e·n ..] for rows k &lt; 2 and examples e &lt; 4. */
    private static void dots2x4(float[] w, int w0, int n, float[] x, int x0, float[] out, int o, int os,
                                float[] lanes) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a02 = FloatVector.zero(S);
        FloatVector a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a12 = FloatVector.zero(S);
        FloatVector a13 = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector u = FloatVector.fromArray(S, w, w0 + i);
            FloatVector v = FloatVector.fromArray(S, w, w0 + n + i);
            FloatVector x0v = FloatVector.fromArray(S, x, x0 + i);
            a00 = u.fma(x0v, a00);
            a10 = v.fma(x0v, a10);
            FloatVector x1v = FloatVector.fromArray(S, x, x0 + n + i);
            a01 = u.fma(x1v, a01);
            a11 = v.fma(x1v, a11);
            FloatVector x2v = FloatVector.fromArray(S, x, x0 + 2 * n + i);
            a02 = u.fma(x2v, a02);
            a12 = v.fma(x2v, a12);
            FloatVector x3v = FloatVector.fromArray(S, x, x0 + 3 * n + i);
            a03 = u.fma(x3v, a03);
            a13 = v.fma(x3v, a13);
        }
        a00.intoArray(lanes, 0);
        a10.intoArray(lanes, L);
        a01.intoArray(lanes, 2 * L);
        a11.intoArray(lanes, 3 * L);
        a02.intoArray(lanes, 4 * L);
        a12.intoArray(lanes, 5 * L);
        a03.intoArray(lanes, 6 * L);
        a13.intoArray(lanes, 7 * L);
        for (int e = 0; e < 4; e++) {
            float s0 = sum8(lanes, 2 * e * L);
            float s1 = sum8(lanes, (2 * e + 1) * L);
            for (int k = i; k < n; k++) {
                s0 = Math.fma(w[w0 + k], x[x0 + e * n + k], s0);
                s1 = Math.fma(w[w0 + n + k], x[x0 + e * n + k], s1);
            }
            out[o + e * os] = s0;
            out[o + e * os + 1] = s1;
        }
    }

    /** The same fixed tree as {@link #sumLanes}, over 8 floats in memory. */
    private static float sum8(float[] v, int o) {
        return ((v[o] + v[o + 4]) + (v[o + 2] + v[o + 6])) + ((v[o + 1] + v[o + 5]) + (v[o + 3] + v[o + 7]));
    }

    private static void dots4x2(float[] w, int w0, int n, float[] x, int x0, int x1, float[] out, int o0, int o1,
                                float[] lanes) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            FloatVector w0v = FloatVector.fromArray(S, w, w0 + i);
            a00 = w0v.fma(v0, a00);
            a01 = w0v.fma(v1, a01);
            FloatVector w1v = FloatVector.fromArray(S, w, w0 + n + i);
            a10 = w1v.fma(v0, a10);
            a11 = w1v.fma(v1, a11);
            FloatVector w2v = FloatVector.fromArray(S, w, w0 + 2 * n + i);
            a20 = w2v.fma(v0, a20);
            a21 = w2v.fma(v1, a21);
            FloatVector w3v = FloatVector.fromArray(S, w, w0 + 3 * n + i);
            a30 = w3v.fma(v0, a30);
            a31 = w3v.fma(v1, a31);
        }
        // Through memory, not sumLanes(v): this method is too big for C2 to inline a callee taking a
        // vector, and a vector passed to a call that is not inlined is boxed (measured: 64 B per call).
        a00.intoArray(lanes, 0);
        a01.intoArray(lanes, L);
        a10.intoArray(lanes, 2 * L);
        a11.intoArray(lanes, 3 * L);
        a20.intoArray(lanes, 4 * L);
        a21.intoArray(lanes, 5 * L);
        a30.intoArray(lanes, 6 * L);
        a31.intoArray(lanes, 7 * L);
        float s00 = sum8(lanes, 0);
        float s01 = sum8(lanes, L);
        float s10 = sum8(lanes, 2 * L);
        float s11 = sum8(lanes, 3 * L);
        float s20 = sum8(lanes, 4 * L);
        float s21 = sum8(lanes, 5 * L);
        float s30 = sum8(lanes, 6 * L);
        float s31 = sum8(lanes, 7 * L);
        for (; i < n; i++) {
            float v0 = x[x0 + i];
            float v1 = x[x1 + i];
            s00 = Math.fma(w[w0 + i], v0, s00);
            s01 = Math.fma(w[w0 + i], v1, s01);
            s10 = Math.fma(w[w0 + n + i], v0, s10);
            s11 = Math.fma(w[w0 + n + i], v1, s11);
            s20 = Math.fma(w[w0 + 2 * n + i], v0, s20);
            s21 = Math.fma(w[w0 + 2 * n + i], v1, s21);
            s30 = Math.fma(w[w0 + 3 * n + i], v0, s30);
            s31 = Math.fma(w[w0 + 3 * n + i], v1, s31);
        }
        out[o0] = s00;
        out[o0 + 1] = s10;
        out[o0 + 2] = s20;
        out[o0 + 3] = s30;
        out[o1] = s01;
        out[o1 + 1] = s11;
        out[o1 + 2] = s21;
        out[o1 + 3] = s31;
    }

    /**
     * T[to + r·n + i] += scale · Σ_e A[ao + e·as + r] · X[xo + e·n + i] for rows r in [0, rows): the
     * weight gradient of a dense layer summed over a batch (Σ_e δ_e x_eᵀ), added into T scaled. Each
     * row vector of T is loaded and stored once per batch, not once per example; four rows (two for
     * the last ones) share each load of X. A block whose coefficients are all zero (dead ReLU units)
     * is skipped. Each element's sum runs over e in order, so the result is reproducible.
     */
    static void rankUpdate(float[] t, int to, int rows, int n, float[] a, int ao, int as, float[] x, int xo,
                           int count, float scale) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            if (!(allZero(a, ao + r, as, count) && allZero(a, ao + r + 1, as, count)
                && allZero(a, ao + r + 2, as, count) && allZero(a, ao + r + 3, as, count))) {
                update4(t, to + r * n, n, a, ao + r, as, x, xo, count, scale);
            }
        }
        for (; r + 2 <= rows; r += 2) {
            if (allZero(a, ao + r, as, count) && allZero(a, ao + r + 1, as, count)) {
                continue;
            }
            int t0 = to + r * n;
            int t1 = t0 + n;
            int i = 0;
            // Two vectors per row at a time: four FMA chains rather than two (latency-bound otherwise).
            for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
                FloatVector p0 = FloatVector.fromArray(S, t, t0 + i);
                FloatVector q0 = FloatVector.fromArray(S, t, t0 + i + L);
                FloatVector p1 = FloatVector.fromArray(S, t, t1 + i);
                FloatVector q1 = FloatVector.fromArray(S, t, t1 + i + L);
                for (int e = 0; e < count; e++) {
                    FloatVector u = FloatVector.fromArray(S, x, xo + e * n + i);
                    FloatVector v = FloatVector.fromArray(S, x, xo + e * n + i + L);
                    int c = ao + e * as + r;
                    FloatVector c0 = FloatVector.broadcast(S, scale * a[c]);
                    FloatVector c1 = FloatVector.broadcast(S, scale * a[c + 1]);
                    p0 = u.fma(c0, p0);
                    q0 = v.fma(c0, q0);
                    p1 = u.fma(c1, p1);
                    q1 = v.fma(c1, q1);
                }
                p0.intoArray(t, t0 + i);
                q0.intoArray(t, t0 + i + L);
                p1.intoArray(t, t1 + i);
                q1.intoArray(t, t1 + i + L);
            }
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector acc0 = FloatVector.fromArray(S, t, t0 + i);
                FloatVector acc1 = FloatVector.fromArray(S, t, t1 + i);
                for (int e = 0; e < count; e++) {
                    FloatVector v = FloatVector.fromArray(S, x, xo + e * n + i);
                    int c = ao + e * as + r;
                    acc0 = v.fma(FloatVector.broadcast(S, scale * a[c]), acc0);
                    acc1 = v.fma(FloatVector.broadcast(S, scale * a[c + 1]), acc1);
                }
                acc0.intoArray(t, t0 + i);
                acc1.intoArray(t, t1 + i);
            }
            for (; i < n; i++) {
                float s0 = t[t0 + i];
                float s1 = t[t1 + i];
                for (int e = 0; e < count; e++) {
                    float v = x[xo + e * n + i];
                    s0 = Math.fma(scale * a[ao + e * as + r], v, s0);
                    s1 = Math.fma(scale * a[ao + e * as + r + 1], v, s1);
                }
                t[t0 + i] = s0;
                t[t1 + i] = s1;
            }
        }
        for (; r < rows; r++) {
            for (int e = 0; e < count; e++) {
                float coefficient = scale * a[ao + e * as + r];
                if (coefficient != 0f) {
                    VectorKernels.axpy(coefficient, x, xo + e * n, t, to + r * n, n);
                }
            }
        }
    }

    /**
     * Four rows of {@link #rankUpdate}, two vectors of each at a time: eight independent FMA chains,
     * enough to cover the FMA latency (with the two chains of a 2-row block it ran at ~20 GFLOP/s),
     * and each X vector loaded once per four rows.
     */
    private static void update4(float[] t, int t0, int n, float[] a, int a0, int as, float[] x, int xo, int count,
                                float scale) {
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            FloatVector p0 = FloatVector.fromArray(S, t, t0 + i);
            FloatVector q0 = FloatVector.fromArray(S, t, t0 + i + L);
            FloatVector p1 = FloatVector.fromArray(S, t, t0 + n + i);
            FloatVector q1 = FloatVector.fromArray(S, t, t0 + n + i + L);
            FloatVector p2 = FloatVector.fromArray(S, t, t0 + 2 * n + i);
            FloatVector q2 = FloatVector.fromArray(S, t, t0 + 2 * n + i + L);
            FloatVector p3 = FloatVector.fromArray(S, t, t0 + 3 * n + i);
            FloatVector q3 = FloatVector.fromArray(S, t, t0 + 3 * n + i + L);
            for (int e = 0; e < count; e++) {
                int xe = xo + e * n + i;
                FloatVector u = FloatVector.fromArray(S, x, xe);
                FloatVector v = FloatVector.fromArray(S, x, xe + L);
                int c = a0 + e * as;
                FloatVector c0 = FloatVector.broadcast(S, scale * a[c]);
                p0 = u.fma(c0, p0);
                q0 = v.fma(c0, q0);
                FloatVector c1 = FloatVector.broadcast(S, scale * a[c + 1]);
                p1 = u.fma(c1, p1);
                q1 = v.fma(c1, q1);
                FloatVector c2 = FloatVector.broadcast(S, scale * a[c + 2]);
                p2 = u.fma(c2, p2);
                q2 = v.fma(c2, q2);
                FloatVector c3 = FloatVector.broadcast(S, scale * a[c + 3]);
                p3 = u.fma(c3, p3);
                q3 = v.fma(c3, q3);
            }
            p0.intoArray(t, t0 + i);
            q0.intoArray(t, t0 + i + L);
            p1.intoArray(t, t0 + n + i);
            q1.intoArray(t, t0 + n + i + L);
            p2.intoArray(t, t0 + 2 * n + i);
            q2.intoArray(t, t0 + 2 * n + i + L);
            p3.intoArray(t, t0 + 3 * n + i);
            q3.intoArray(t, t0 + 3 * n + i + L);
        }
        for (; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                float sum = t[t0 + k * n + i];
                for (int e = 0; e < count; e++) {
                    sum = Math.fma(scale * a[a0 + e * as + k], x[xo + e * n + i], sum);
                }
                t[t0 + k * n + i] = sum;
            }
        }
    }

    private static boolean allZero(float[] a, int from, int stride, int count) {
        for (int e = 0; e < count; e++) {
            if (a[from + e * stride] != 0f) {
                return false;
            }
        }
        return true;
    }

    /** t[to + r] += scale · Σ_e A[ao + e·as + r]: the bias gradient over a batch. */
    static void columnSums(float[] t, int to, int rows, float[] a, int ao, int as, int count, float scale) {
        for (int r = 0; r < rows; r++) {
            float sum = 0f;
            for (int e = 0; e < count; e++) {
                sum += a[ao + e * as + r];
            }
            t[to + r] += scale * sum;
        }
    }
}
