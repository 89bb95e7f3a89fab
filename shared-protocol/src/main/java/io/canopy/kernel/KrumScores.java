package io.canopy.kernel;

import java.util.Arrays;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Multi-Krum scores from the n×n matrix of squared distances (Blanchard, El Mhamdi, Guerraoui, Stainer,
 * NeurIPS 2017): with k = n − f − 2 neighbours,
 * <pre>
 *   score(i) = Σ_{j ≠ i, D_ij < t_i} D_ij  +  (k − #{j ≠ i : D_ij < t_i}) · t_i,   t_i = the k-th smallest D_ij, j ≠ i,
 * </pre>
 * which is the sum of the k smallest off-diagonal entries of row i; the values below t_i are added in column
 * order, so the result does not depend on how t_i was found. Both paths here evaluate exactly this expression,
 * in this order, so they return the same bits.
 *
 * <p><b>Why not a quickselect per row.</b> At d = 100 the per-row quickselect cost more than the Gram matrix
 * (about 10 ms against 3 ms on one core at n = 1000): its partition loops branch on every comparison, on
 * random data, and each row is copied first. Here one {@code LongVector} holds one column entry of L consecutive
 * rows ("lanes"), so L rows are selected at once with no data-dependent branches. The matrix is symmetric, so
 * entry j of rows i..i+L−1 is the contiguous {@code D[j][i..i+L)}: one load.
 *
 * <p><b>Selection by counting.</b> Each lane keeps a bracket [lo, hi] of two of its own values with t inside,
 * and a = #{v < lo}, b = #{v ≤ hi}. A pass over the strip with a pivot p in (lo, hi] counts c = #{v < p} and
 * finds the largest value below p and the smallest at or above it. If c ≥ k then t ≤ (largest below p), which
 * becomes hi; otherwise t ≥ (smallest at or above p), which becomes lo; and c = k − 1 or c = k pins t exactly.
 * Every pass therefore drops at least one distinct value from each open bracket, and brackets always end on
 * values of the row, so the result is exact, ties included. The pivot interpolates the target rank linearly
 * between lo and hi (a secant step on the row's empirical distribution); a lane whose last step did not halve
 * b − a bisects the bit patterns of [lo, hi] instead. On Gaussian distances at n = 100..1000 a row takes 5–8
 * passes and a block, which waits for its slowest lane, 8–11. On any input a lane takes at most
 * 2·(⌈log2 n⌉ + 1) + 63: at most ⌈log2 n⌉ + 1 passes halve the window, a secant step only follows one of
 * those, and each bisection halves hi − lo, a number below 2^63. Finite non-negative doubles order like their
 * bit patterns, so comparisons and min/max are single integer instructions.
 *
 * <p><b>Outside that domain</b> (a NaN, an infinity, a negative value or −0.0 off the diagonal, or n < L) the
 * rows fall back to {@link #scoresByQuickselect}, the per-row path this kernel replaced, which is also the
 * baseline in the benchmarks; MultiKrum's distances are {@code max(0, ·)} and only leave the domain when
 * float products overflow, which it then reports.
 *
 * <p>Stateless apart from the caller's {@link Workspace}; allocates nothing once the workspace has grown.
 */
public final class KrumScores {

    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    // Same shape as S, so that a long lane and a double lane are the same 64 bits.
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Bits of +∞: above every finite non-negative double's bits; marks each lane's own diagonal entry. */
    private static final long INF = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
    private static final LongVector ONE = LongVector.broadcast(S, 1);
    private static final LongVector IOTA = LongVector.zero(S).addIndex(1);

    private KrumScores() {
    }

    /** Scratch grown on demand and then reused. Not thread-safe: one per concurrent caller. */
    public static final class Workspace {
        /** L rows' column entries, as {@code strip[j·L + lane]}: the bits of D[j][i + lane]. */
        private long[] strip = new long[0];
        /** One row for the fallback's quickselect. */
        private double[] row = new double[0];
        /** Two vectors of lanes handed between the passes: bracket ends, then the thresholds. */
        private final long[] lanes = new long[2 * L];

        private void ensure(final int n) {
            if (row.length < n) {
                strip = new long[n * L];
                row = new double[n];
            }
        }
    }

    /**
     * Writes score(i) (class comment) for i in [0, n) to {@code out[0, n)}.
     *
     * @param dist the n×n distance matrix, row-major, <b>symmetric</b> (bit for bit); the diagonal is ignored
     * @param k    neighbours per row, 0 ≤ k ≤ n − 1 (k = 0 gives 0.0)
     * @throws IllegalArgumentException if k or an array length is out of range
     */
    public static void scores(final double[] dist, final int n, final int k, final double[] out, final Workspace ws) {
        check(dist, n, k, out);
        ws.ensure(n);
        if (k == 0) {
            Arrays.fill(out, 0, n, 0.0);
            return;
        }
        if (n < L) {
            for (int i = 0; i < n; i++) {
                out[i] = quickselectScore(dist, n, k, i, ws.row);
            }
            return;
        }
        for (int from = 0; from < n; from += L) {
            // The last block overlaps the one before rather than running partly empty: rows computed twice
            // come out the same.
            final int at = Math.min(from, n - L);
            if (loadStrip(dist, n, at, ws.strip, ws.lanes)) {
                thresholds(ws.strip, n, k, ws.lanes);
                sumBelow(ws.strip, n, k, ws.lanes, out, at);
            } else {
                for (int i = at; i < at + L; i++) {
                    out[i] = quickselectScore(dist, n, k, i, ws.row);
                }
            }
        }
    }

    /**
     * The per-row path: a quickselect finds t_i, then the row is summed as in the class comment. O(n) per row on
     * average, branching on every comparison. Any symmetric or non-symmetric matrix without NaN.
     */
    public static void scoresByQuickselect(final double[] dist, final int n, final int k, final double[] out,
                                           final Workspace ws) {
        check(dist, n, k, out);
        ws.ensure(n);
        for (int i = 0; i < n; i++) {
            out[i] = k == 0 ? 0.0 : quickselectScore(dist, n, k, i, ws.row);
        }
    }

    private static double quickselectScore(final double[] dist, final int n, final int k, final int i,
                                           final double[] row) {
        final int base = i * n;
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (j != i) {
                row[m++] = dist[base + j];
            }
        }
        final double threshold = Quickselect.kthSmallest(row, n - 1, k - 1);
        double s = 0;
        int below = 0;
        for (int j = 0; j < n; j++) {
            final double v = dist[base + j];
            if (j != i && v < threshold) {
                s += v;
                below++;
            }
        }
        // Ties at the threshold: as many copies as the neighbour count still needs.
        return s + (k - below) * threshold;
    }

    /**
     * Copies entry j of rows [at, at+L) to {@code strip[j·L]} with each lane's diagonal set to +∞ (never below a
     * finite threshold, so never counted or summed); writes each lane's least and greatest off-diagonal bits to
     * {@code lanes[0, L)} and {@code lanes[L, 2L)}. Returns false if some off-diagonal value is outside the
     * domain (NaN, ±∞, negative or −0.0): as signed longs those are negative or at least {@code INF}.
     */
    private static boolean loadStrip(final double[] dist, final int n, final int at, final long[] strip,
                                     final long[] lanes) {
        LongVector min = LongVector.broadcast(S, Long.MAX_VALUE);
        LongVector max = LongVector.broadcast(S, Long.MIN_VALUE);
        for (int j = 0, o = 0; j < n; j++, o += L) {
            LongVector x = DoubleVector.fromArray(D, dist, j * n + at).reinterpretAsLongs();
            final int lane = j - at;
            if (lane >= 0 && lane < L) {
                final VectorMask<Long> diagonal = IOTA.compare(VectorOperators.EQ, lane);
                max = max.max(x.blend(Long.MIN_VALUE, diagonal));
                x = x.blend(INF, diagonal);
            } else {
                max = max.max(x);
            }
            min = min.min(x);
            x.intoArray(strip, o);
        }
        min.intoArray(lanes, 0);
        max.intoArray(lanes, L);
        return min.compare(VectorOperators.GE, 0).allTrue() && max.compare(VectorOperators.LT, INF).allTrue();
    }

    /**
     * Finds every lane's k-th smallest off-diagonal value (class comment) from the bracket {@link #loadStrip}
     * left in {@code lanes}; writes it to {@code lanes[0, L)}.
     */
    private static void thresholds(final long[] strip, final int n, final int k, final long[] lanes) {
        LongVector lo = LongVector.fromArray(S, lanes, 0);
        LongVector hi = LongVector.fromArray(S, lanes, L);
        LongVector a = LongVector.zero(S);
        LongVector b = LongVector.broadcast(S, n - 1);
        final LongVector kv = LongVector.broadcast(S, k);
        final LongVector kMinus1 = LongVector.broadcast(S, k - 1);
        final DoubleVector target = DoubleVector.broadcast(D, k - 0.5);
        // The window b − a a lane had one pass earlier; "halved since" decides between secant and bisection.
        LongVector previous = LongVector.broadcast(S, Long.MAX_VALUE);
        // With a = k − 1 the least value in [lo, hi] is the k-th: lo; with b = k the greatest is: hi.
        hi = hi.blend(lo, a.compare(VectorOperators.EQ, kMinus1));
        lo = lo.blend(hi, b.compare(VectorOperators.EQ, kv));
        while (lo.compare(VectorOperators.NE, hi).anyTrue()) {
            final LongVector window = b.sub(a);
            final DoubleVector loD = lo.reinterpretAsDoubles();
            // Aim between ranks k and k + 1 on the line from (a + 1, lo) to (b, hi). An open lane has
            // a ≤ k − 2 and b ≥ k + 1, so the fraction is in (0, 1); a closed lane's p is clamped to hi below.
            final DoubleVector frac = target.sub((DoubleVector) a.convert(VectorOperators.L2D, 0))
                .div((DoubleVector) window.sub(1).convert(VectorOperators.L2D, 0));
            final LongVector secant = loD.add(hi.reinterpretAsDoubles().sub(loD).mul(frac)).reinterpretAsLongs();
            final LongVector bisect = lo.add(hi.sub(lo).add(1).lanewise(VectorOperators.LSHR, 1));
            final VectorMask<Long> halved = window.add(window).compare(VectorOperators.LE, previous);
            // Into (lo, hi] so that the pass splits the bracket; a closed lane (lo = hi) gets p = hi, a no-op.
            final LongVector p = bisect.blend(secant, halved).max(lo.add(1)).min(hi);
            previous = window;

            // Two sets of accumulators, merged after the loop, so that each add, min and max waits on the one
            // two iterations back rather than on the previous one.
            LongVector c = LongVector.zero(S);
            LongVector below = LongVector.broadcast(S, -1);
            LongVector above = LongVector.broadcast(S, Long.MAX_VALUE);
            LongVector c2 = c;
            LongVector below2 = below;
            LongVector above2 = above;
            final int end = n * L;
            int o = 0;
            for (; o + L < end; o += 2 * L) {
                final LongVector x = LongVector.fromArray(S, strip, o);
                final LongVector y = LongVector.fromArray(S, strip, o + L);
                final VectorMask<Long> ltx = x.compare(VectorOperators.LT, p);
                final VectorMask<Long> lty = y.compare(VectorOperators.LT, p);
                c = c.add(ONE, ltx);
                c2 = c2.add(ONE, lty);
                below = below.lanewise(VectorOperators.MAX, x, ltx);
                below2 = below2.lanewise(VectorOperators.MAX, y, lty);
                above = above.lanewise(VectorOperators.MIN, x, ltx.not());
                above2 = above2.lanewise(VectorOperators.MIN, y, lty.not());
            }
            if (o < end) {
                final LongVector x = LongVector.fromArray(S, strip, o);
                final VectorMask<Long> ltx = x.compare(VectorOperators.LT, p);
                c = c.add(ONE, ltx);
                below = below.lanewise(VectorOperators.MAX, x, ltx);
                above = above.lanewise(VectorOperators.MIN, x, ltx.not());
            }
            c = c.add(c2);
            below = below.max(below2);
            above = above.min(above2);
            final VectorMask<Long> left = c.compare(VectorOperators.GE, kv);
            hi = hi.blend(below, left);
            b = b.blend(c, left);
            lo = lo.blend(above, left.not());
            a = a.blend(c, left.not());
            hi = hi.blend(lo, a.compare(VectorOperators.EQ, kMinus1));
            lo = lo.blend(hi, b.compare(VectorOperators.EQ, kv));
        }
        lo.intoArray(lanes, 0);
    }

    /**
     * score = Σ_{v < t} v in column order + (k − #{v < t})·t per lane, written to {@code out[at, at+L)}: the
     * scalar expression evaluated lane-wise, so each lane's additions happen in the scalar order.
     */
    private static void sumBelow(final long[] strip, final int n, final int k, final long[] lanes,
                                 final double[] out, final int at) {
        final LongVector t = LongVector.fromArray(S, lanes, 0);
        DoubleVector s = DoubleVector.zero(D);
        LongVector below = LongVector.zero(S);
        for (int o = 0, end = n * L; o < end; o += L) {
            final LongVector x = LongVector.fromArray(S, strip, o);
            final VectorMask<Long> lt = x.compare(VectorOperators.LT, t);
            s = s.add(x.reinterpretAsDoubles(), lt.cast(D));
            below = below.add(ONE, lt);
        }
        final DoubleVector missing = (DoubleVector) LongVector.broadcast(S, k).sub(below).convert(VectorOperators.L2D, 0);
        s.add(missing.mul(t.reinterpretAsDoubles())).intoArray(out, at);
    }

    private static void check(final double[] dist, final int n, final int k, final double[] out) {
        if (n < 1) {
            throw new IllegalArgumentException("krum scores need n >= 1, got n=" + n);
        }
        if (!(k >= 0 && k <= n - 1)) {
            throw new IllegalArgumentException("krum scores need 0 <= k <= n-1, got k=" + k + ", n=" + n);
        }
        if (dist.length < (long) n * n) {
            throw new IllegalArgumentException("dist has " + dist.length + " doubles, n*n=" + (long) n * n);
        }
        if (out.length < n) {
            throw new IllegalArgumentException("out has " + out.length + " doubles, n=" + n);
        }
    }
}
