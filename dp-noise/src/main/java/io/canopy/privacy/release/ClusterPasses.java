package io.canopy.privacy.release;

import io.canopy.kernel.VectorKernels;
import java.util.Arrays;

/**
 * The two cluster passes of the gated centred-clipping release (PRIVACY-AT-SCALE.md), over an n×d row-major
 * block of leaf updates, dividing by the planned count m_c (public), never the realized n.
 * <ul>
 *   <li>Pass 1 (centre): S1 = Σ_i clip_C(x_i − v0), O1 = v0 + S1/m_c (Karimireddy, He, Jaggi 2021, centred
 *       clipping, with the fixed denominator of McMahan et al. 2018).</li>
 *   <li>Pass 2 (gated): φ_i = 1[‖x_i − v1‖ ≤ ρ]·clip_τ(x_i − v1), O2 = v1 + Σ φ_i/m_c, W_c = Σ 1[·].</li>
 * </ul>
 * <b>Lemma G</b> (sensitivity to adding or removing one leaf, centre v public): S moves by at most τ (C in pass
 * 1) and W by at most 1. Proof: every other leaf's term depends only on its own update and public v, ρ, τ, so
 * it is unchanged; the added leaf's own term has norm ≤ τ (the gate is [0, 1]-valued and multiplies a clipped
 * vector). Hence O moves by at most τ/m_c. An empty cluster reports O = v (zero contribution).
 *
 * <p>Numerics: ‖x_i − v‖² is a Vector API float reduction over chunks of {@value #CHUNK} coordinates summed in
 * double. Each lane adds at most {@value #CHUNK}/(4·lanes) positive terms and the reduction adds fewer than 8
 * roundings, so with at least 4 lanes the squared norm is within a relative 74·2^−24 and the norm within
 * 37·2^−24 < 2^−18 of the exact one, whatever d. The clip factor is min(1, c·(1 − 2^−18)/‖x_i − v‖), so the
 * exact norm of each clipped contribution stays ≤ c despite that error. Contributions are summed in double in
 * the caller's scratch; the output is rounded once to float. A row whose distance is not finite (NaN or
 * infinite values, or squares beyond float range) contributes nothing and fails the gate. No allocation: the caller owns every array.
 * Stateless and thread-safe (given distinct scratch arrays).
 */
public final class ClusterPasses {

    /** Coordinates per float partial sum of a squared distance: each SIMD lane adds at most CHUNK/(4·lanes) terms. */
    static final int CHUNK = 1024;
    /** Shrinks every clip radius by 2^−18 to cover the float error of the norm (see the class javadoc). */
    static final double CLIP_GUARD = 1 - 0x1p-18;

    private ClusterPasses() {
    }

    /**
     * Pass 1: writes O1 = v0 + Σ clip_C(x_i − v0)/m_c to {@code out[0, d)}.
     *
     * @param block  rows×d leaf updates, row-major from index 0 (rows may be 0: an empty cluster)
     * @param v0     the public centre, length ≥ d
     * @param clip   C &gt; 0
     * @param plannedCount m_c &gt; 0, public
     * @param acc    scratch of length ≥ d (overwritten)
     * @return the number of rows whose distance exceeded C (clipped), for metrics only
     */
    public static int centre(final float[] block, final int rows, final int d, final float[] v0, final double clip,
                             final double plannedCount, final double[] acc, final float[] out) {
        check(block, rows, d, v0, plannedCount, acc, out);
        requirePositive(clip, "clip C");
        Arrays.fill(acc, 0, d, 0.0);
        final double guarded = clip * CLIP_GUARD;
        int clipped = 0;
        for (int i = 0, off = 0; i < rows; i++, off += d) {
            clipped += addCentred(block, off, v0, d, guarded, acc);
        }
        finish(acc, v0, d, plannedCount, out);
        return clipped;
    }

    /**
     * One row's term of pass 1, acc += clip_C(x − v0), with {@code guarded} = C·{@link #CLIP_GUARD}: the step
     * {@link #centre} takes per row and {@link CentreSum} per arriving row, so both do the same arithmetic.
     *
     * @return 1 if the row was clipped (or had no finite distance, and so contributes nothing), else 0
     */
    static int addCentred(final float[] block, final int off, final float[] v0, final int d, final double guarded,
                          final double[] acc) {
        final double dist = Math.sqrt(distanceSquared(block, off, v0, d));
        // Written so that NaN fails: a row without a finite distance contributes nothing (norm 0 <= C).
        if (!(dist < Double.POSITIVE_INFINITY)) {
            return 1;
        }
        accumulate(block, off, v0, d, dist > guarded ? guarded / dist : 1.0, acc);
        return dist > guarded ? 1 : 0;
    }

    /**
     * Pass 2: writes O2 = v1 + Σ 1[‖x_i − v1‖ ≤ ρ]·clip_τ(x_i − v1)/m_c to {@code out[0, d)}.
     *
     * @param v1  the released centre (public), length ≥ d
     * @param rho gate radius ρ &gt; 0 (public; see {@link GateRadius})
     * @param tau clip radius τ, 0 &lt; τ ≤ ρ
     * @return W_c, the number of rows inside the gate
     */
    public static int gated(final float[] block, final int rows, final int d, final float[] v1, final double rho,
                            final double tau, final double plannedCount, final double[] acc, final float[] out) {
        check(block, rows, d, v1, plannedCount, acc, out);
        checkGate(rho, tau);
        Arrays.fill(acc, 0, d, 0.0);
        final double rho2 = rho * rho;
        final double guarded = tau * CLIP_GUARD;
        int passed = 0;
        for (int i = 0, off = 0; i < rows; i++, off += d) {
            passed += addGated(block, off, v1, d, rho2, guarded, acc);
        }
        finish(acc, v1, d, plannedCount, out);
        return passed;
    }

    /**
     * Pass 2 over the rows held between the passes ({@link HeldRows}). fp32 rows go straight to {@link #gated(float[],
     * int, int, float[], double, double, double, double[], float[])}; compressed rows are decoded one by one into
     * {@code row} (scratch of length ≥ d) and take the same per-row step, so the result is that pass over the decoded
     * block. A row that does not decode to finite values fails the gate.
     *
     * @param d the round's dimension: the held rows' when any are held (none: an empty cluster reports O2 = v1)
     * @return W_c, the number of rows inside the gate
     */
    public static int gated(final HeldRows held, final int d, final float[] v1, final double rho, final double tau,
                            final double plannedCount, final double[] acc, final float[] row, final float[] out) {
        if (held.rows() > 0 && held.dimension() != d) {
            throw new IllegalArgumentException("the held rows have d=" + held.dimension() + ", the pass d=" + d);
        }
        if (held.codec() == io.canopy.codec.CodecId.FP32 || held.rows() == 0) {
            return gated(held.floats(), held.rows(), d, v1, rho, tau, plannedCount, acc, out);
        }
        if (row.length < d) {
            throw new IllegalArgumentException("the row scratch needs d=" + d + " entries, got " + row.length);
        }
        check(row, 1, d, v1, plannedCount, acc, out);
        checkGate(rho, tau);
        Arrays.fill(acc, 0, d, 0.0);
        final double rho2 = rho * rho;
        final double guarded = tau * CLIP_GUARD;
        int passed = 0;
        for (int i = 0; i < held.rows(); i++) {
            if (held.decode(i, row)) {
                passed += addGated(row, 0, v1, d, rho2, guarded, acc);
            }
        }
        finish(acc, v1, d, plannedCount, out);
        return passed;
    }

    /**
     * One row's term of pass 2, acc += 1[‖x − v1‖ ≤ ρ]·clip_τ(x − v1), with {@code rho2} = ρ² and {@code guarded} =
     * τ·{@link #CLIP_GUARD}: the step both pass-2 methods take per row.
     *
     * @return 1 if the row passed the gate, else 0
     */
    private static int addGated(final float[] x, final int off, final float[] v1, final int d, final double rho2,
                                final double guarded, final double[] acc) {
        final double dist2 = distanceSquared(x, off, v1, d);
        // Written so that a NaN distance fails the gate (an infinite one fails it too).
        if (!(dist2 <= rho2)) {
            return 0;
        }
        final double dist = Math.sqrt(dist2);
        accumulate(x, off, v1, d, dist > guarded ? guarded / dist : 1.0, acc);
        return 1;
    }

    private static void checkGate(final double rho, final double tau) {
        requirePositive(rho, "gate radius rho");
        requirePositive(tau, "clip tau");
        if (!(tau <= rho)) {
            throw new IllegalArgumentException("clip tau must be <= gate radius rho, got tau=" + tau + " rho=" + rho);
        }
    }

    /** ‖x[xo, xo+d) − v[0, d)‖²: SIMD float partial sums of {@value #CHUNK} coordinates, added in double. */
    public static double distanceSquared(final float[] x, final int xo, final float[] v, final int d) {
        double total = 0;
        for (int from = 0; from < d; from += CHUNK) {
            total += VectorKernels.squaredDistance(x, xo + from, v, from, Math.min(CHUNK, d - from));
        }
        return total;
    }

    // A plain loop on purpose: C2 vectorizes element-wise float->double loops (see VectorKernels).
    private static void accumulate(final float[] x, final int xo, final float[] v, final int d, final double s,
                                   final double[] acc) {
        for (int j = 0; j < d; j++) {
            acc[j] += s * ((double) x[xo + j] - v[j]);
        }
    }

    static void finish(final double[] acc, final float[] v, final int d, final double plannedCount,
                               final float[] out) {
        final double inv = 1.0 / plannedCount;
        for (int j = 0; j < d; j++) {
            out[j] = (float) (v[j] + acc[j] * inv);
        }
    }

    private static void check(final float[] block, final int rows, final int d, final float[] v, final double m,
                              final double[] acc, final float[] out) {
        if (rows < 0 || d < 1) {
            throw new IllegalArgumentException("need rows >= 0 and d >= 1, got rows=" + rows + " d=" + d);
        }
        if ((long) rows * d > block.length) {
            throw new IllegalArgumentException("block has " + block.length + " floats, rows*d=" + (long) rows * d);
        }
        if (v.length < d || acc.length < d || out.length < d) {
            throw new IllegalArgumentException("centre, scratch and output need d=" + d + " entries, got " + v.length
                + ", " + acc.length + ", " + out.length);
        }
        requirePositive(m, "planned count m_c");
    }

    static void requirePositive(final double x, final String name) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + x);
        }
    }
}
