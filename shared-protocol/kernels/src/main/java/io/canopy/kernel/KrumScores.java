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
 *   score(i) = Σ_{j ≠ i, D_ij < t_i} D_ij  +  (k − #{j ≠ i : D_ij < t_i}) · t_i,
 *   t_i      = the k-th smallest D_ij, j ≠ i,
 * </pre>
 * which is the sum of the k smallest off-diagonal entries of row i; the values below t_i are added in column
 * order, so the result does not depend on how t_i was found. Both paths here evaluate exactly this expression,
 * in this order, so they return the same bits.
 *
 * <p><b>Why not a quickselect per row.</b> At d = 100 the per-row quickselect cost more than the Gram matrix
 * (15 ms against 2.7 ms on one core at n = 1000, {@code KrumScoresBenchmark}): its partition loops branch on
 * every comparison, on random data, and each row is copied first. Here one {@code LongVector} holds one column
 * entry of L consecutive rows ("lanes"), so L rows are selected at once with no data-dependent branches. The
 * matrix is symmetric, so entry j of rows i..i+L−1 is the contiguous {@code D[j][i..i+L)}: one load.
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

    /**
     * Scratch grown on demand and then reused. Not thread-safe: one per concurrent caller.
     *
     * <p>The lanes' state goes between the passes through arrays of L, so that each vector loop is a small
     * method of its own. With the state kept in vectors across one large method, C2 sometimes (depending on
     * which of its compilations came first, when a cold JVM's first calls were long) left the inner loop's
     * vectors boxed: 20× slower for the rest of the run.
     */
    public static final class Workspace {
        /** L rows' column entries, as {@code strip[j·L + lane]}: the bits of D[j][i + lane]. */
        private long[] strip = new long[0];
        /** One row for the fallback's quickselect. */
        private double[] row = new double[0];
        /** Offsets of L consecutive rows, lane·n, for the lower-triangle path's gathers. */
        private final int[] rowOffsets = new int[L];
        private int offsetsN = -1;
        /** Bracket [lo, hi] per lane, then the threshold in {@code lo}. */
        private final long[] lo = new long[L];
        private final long[] hi = new long[L];
        /** #{v < lo} and #{v ≤ hi} per lane, and b − a one pass earlier. */
        private final long[] a = new long[L];
        private final long[] b = new long[L];
        private final long[] previous = new long[L];
        /** One pass: its pivot, then #{v < p}, max{v < p} and min{v ≥ p}; the sum pass reuses count. */
        private final long[] pivot = new long[L];
        private final long[] count = new long[L];
        private final long[] below = new long[L];
        private final long[] above = new long[L];
        private final double[] sum = new double[L];

        private void ensure(final int n) {
            if (row.length < n) {
                strip = new long[n * L];
                row = new double[n];
            }
            if (offsetsN != n) {
                for (int lane = 0; lane < L; lane++) {
                    rowOffsets[lane] = lane * n;
                }
                offsetsN = n;
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
        scores(dist, n, k, out, ws, false);
    }

    /**
     * {@link #scores}, the same bits, from the <b>lower triangle</b> of the distance matrix only: D_ij is read as
     * dist[i·n + j] for j ≤ i and as dist[j·n + i] for j > i, so the upper triangle may hold anything. This is what
     * {@link GramMatrix#lowerSquaredDistances} writes; it saves mirroring n²/2 values down the columns of an
     * 8 MB matrix at n = 1000.
     *
     * @throws IllegalArgumentException if k or an array length is out of range
     */
    public static void scoresFromLower(final double[] dist, final int n, final int k, final double[] out,
                                       final Workspace ws) {
        scores(dist, n, k, out, ws, true);
    }

    private static void scores(final double[] dist, final int n, final int k, final double[] out, final Workspace ws,
                               final boolean lower) {
        check(dist, n, k, out);
        ws.ensure(n);
        if (k == 0) {
            Arrays.fill(out, 0, n, 0.0);
            return;
        }
        if (n < L) {
            for (int i = 0; i < n; i++) {
                out[i] = quickselectScore(dist, n, k, i, ws.row, lower);
            }
            return;
        }
        for (int from = 0; from < n; from += L) {
            // The last block overlaps the one before rather than running partly empty: rows computed twice
            // come out the same.
            final int at = Math.min(from, n - L);
            if (lower ? loadStripLower(dist, n, at, ws.rowOffsets, ws.strip, ws.lo, ws.hi)
                : loadStrip(dist, n, at, ws.strip, ws.lo, ws.hi)) {
                thresholds(n, k, ws);
                sumPass(ws.strip, n, ws.lo, ws.sum, ws.count);
                for (int lane = 0; lane < L; lane++) {
                    // As the per-row path: the sum below t, then the ties at t the count still needs.
                    out[at + lane] = ws.sum[lane] + (k - ws.count[lane]) * Double.longBitsToDouble(ws.lo[lane]);
                }
            } else {
                for (int i = at; i < at + L; i++) {
                    out[i] = quickselectScore(dist, n, k, i, ws.row, lower);
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
            out[i] = k == 0 ? 0.0 : quickselectScore(dist, n, k, i, ws.row, false);
        }
    }

    private static double quickselectScore(final double[] dist, final int n, final int k, final int i,
                                           final double[] row, final boolean lower) {
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (j != i) {
                row[m++] = entry(dist, n, i, j, lower);
            }
        }
        final double threshold = Quickselect.kthSmallest(row, n - 1, k - 1);
        double s = 0;
        int below = 0;
        for (int j = 0; j < n; j++) {
            final double v = entry(dist, n, i, j, lower);
            if (j != i && v < threshold) {
                s += v;
                below++;
            }
        }
        // Ties at the threshold: as many copies as the neighbour count still needs.
        return s + (k - below) * threshold;
    }

    /** D_ij from the full matrix, or from its lower triangle. */
    private static double entry(final double[] dist, final int n, final int i, final int j, final boolean lower) {
        return lower && j > i ? dist[j * n + i] : dist[i * n + j];
    }

    /**
     * Copies entry j of rows [at, at+L) to {@code strip[j·L]} with each lane's diagonal set to +∞ (never below a
     * finite threshold, so never counted or summed), and each lane's least and greatest off-diagonal bits to
     * {@code lo} and {@code hi}. Returns false if some off-diagonal value is outside the domain (NaN, ±∞,
     * negative or −0.0): as signed longs those are negative or at least {@code INF}.
     */
    private static boolean loadStrip(final double[] dist, final int n, final int at, final long[] strip,
                                     final long[] lo, final long[] hi) {
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
        min.intoArray(lo, 0);
        max.intoArray(hi, 0);
        return min.compare(VectorOperators.GE, 0).allTrue() && max.compare(VectorOperators.LT, INF).allTrue();
    }

    /**
     * {@link #loadStrip} reading only the lower triangle: entry j of row at+lane is dist[j·n + at + lane] when j is
     * past the row (one load for all lanes, as in loadStrip) and dist[(at+lane)·n + j] before it (a gather down the
     * L rows, which read their own rows from left to right).
     */
    private static boolean loadStripLower(final double[] dist, final int n, final int at, final int[] rowOffsets,
                                          final long[] strip, final long[] lo, final long[] hi) {
        LongVector min = LongVector.broadcast(S, Long.MAX_VALUE);
        LongVector max = LongVector.broadcast(S, Long.MIN_VALUE);
        final int rowsStart = at * n;
        for (int j = 0, o = 0; j < n; j++, o += L) {
            final int lane = j - at;
            LongVector x;
            if (lane < 0) {
                x = DoubleVector.fromArray(D, dist, rowsStart + j, rowOffsets, 0).reinterpretAsLongs();
            } else if (lane >= L) {
                x = DoubleVector.fromArray(D, dist, j * n + at).reinterpretAsLongs();
            } else {
                // Lanes before j read row j, lanes after it their own row; lane j itself is the diagonal.
                final LongVector down = DoubleVector.fromArray(D, dist, j * n + at).reinterpretAsLongs();
                final LongVector across = DoubleVector.fromArray(D, dist, rowsStart + j, rowOffsets, 0).reinterpretAsLongs();
                final VectorMask<Long> diagonal = IOTA.compare(VectorOperators.EQ, lane);
                x = down.blend(across, IOTA.compare(VectorOperators.GT, lane));
                max = max.max(x.blend(Long.MIN_VALUE, diagonal));
                x = x.blend(INF, diagonal);
                min = min.min(x);
                x.intoArray(strip, o);
                continue;
            }
            max = max.max(x);
            min = min.min(x);
            x.intoArray(strip, o);
        }
        min.intoArray(lo, 0);
        max.intoArray(hi, 0);
        return min.compare(VectorOperators.GE, 0).allTrue() && max.compare(VectorOperators.LT, INF).allTrue();
    }

    /**
     * Narrows every lane's bracket, from [least, greatest] as {@link #loadStrip} left it, to its k-th smallest
     * off-diagonal value (class comment), left in {@code ws.lo}.
     */
    private static void thresholds(final int n, final int k, final Workspace ws) {
        Arrays.fill(ws.a, 0);
        Arrays.fill(ws.b, n - 1);
        Arrays.fill(ws.previous, Long.MAX_VALUE);
        // No pass yet: a count of −1 takes neither branch of step (c ≥ k moves hi, 0 ≤ c < k moves lo), so the
        // first step only pins and picks pivots.
        Arrays.fill(ws.count, -1);
        while (step(k, ws)) {
            countPass(ws.strip, n, ws.pivot, ws.count, ws.below, ws.above);
        }
    }

    /**
     * Moves each lane's lo or hi to the values the last pass found next to its pivot, pins t where the counts
     * allow, and chooses the next pivots: in (lo, hi] for an open bracket, hi (a no-op) for a closed one.
     * Returns whether any bracket is still open.
     */
    private static boolean step(final int k, final Workspace ws) {
        final LongVector c = LongVector.fromArray(S, ws.count, 0);
        final VectorMask<Long> left = c.compare(VectorOperators.GE, k);
        final VectorMask<Long> right = c.compare(VectorOperators.GE, 0).andNot(left);
        LongVector lo = LongVector.fromArray(S, ws.lo, 0).blend(LongVector.fromArray(S, ws.above, 0), right);
        LongVector hi = LongVector.fromArray(S, ws.hi, 0).blend(LongVector.fromArray(S, ws.below, 0), left);
        final LongVector a = LongVector.fromArray(S, ws.a, 0).blend(c, right);
        final LongVector b = LongVector.fromArray(S, ws.b, 0).blend(c, left);
        // With a = k − 1 the least value in [lo, hi] is the k-th: lo; with b = k the greatest is: hi.
        hi = hi.blend(lo, a.compare(VectorOperators.EQ, k - 1));
        lo = lo.blend(hi, b.compare(VectorOperators.EQ, k));
        final VectorMask<Long> open = lo.compare(VectorOperators.NE, hi);

        final LongVector window = b.sub(a);
        // Aim between ranks k and k + 1 on the line from (a + 1, lo) to (b, hi). An open lane has a ≤ k − 2 and
        // b ≥ k + 1, so window ≥ 3 and the fraction is in (0, 1); a closed lane's value is discarded by the clamp.
        final DoubleVector loD = lo.reinterpretAsDoubles();
        final DoubleVector frac = ((DoubleVector) a.convert(VectorOperators.L2D, 0)).neg().add(k - 0.5)
            .div((DoubleVector) window.sub(1).convert(VectorOperators.L2D, 0));
        final LongVector secant = loD.add(hi.reinterpretAsDoubles().sub(loD).mul(frac)).reinterpretAsLongs();
        final LongVector bisect = lo.add(hi.sub(lo).add(1).lanewise(VectorOperators.LSHR, 1));
        final LongVector previous = LongVector.fromArray(S, ws.previous, 0);
        final VectorMask<Long> halved = window.add(window).compare(VectorOperators.LE, previous);
        bisect.blend(secant, halved).max(lo.add(1)).min(hi).intoArray(ws.pivot, 0);

        lo.intoArray(ws.lo, 0);
        hi.intoArray(ws.hi, 0);
        a.intoArray(ws.a, 0);
        b.intoArray(ws.b, 0);
        window.intoArray(ws.previous, 0);
        return open.anyTrue();
    }

    /** Per lane: count = #{v < p}, below = max{v < p} (−1 if none), above = min{v ≥ p}. */
    private static void countPass(final long[] strip, final int n, final long[] pivot, final long[] count,
                                  final long[] below, final long[] above) {
        final LongVector p = LongVector.fromArray(S, pivot, 0);
        // Two sets of accumulators, merged after the loop, so that each add, min and max waits on the one two
        // entries back rather than on the previous one.
        LongVector c = LongVector.zero(S);
        LongVector max = LongVector.broadcast(S, -1);
        LongVector min = LongVector.broadcast(S, Long.MAX_VALUE);
        LongVector c2 = c;
        LongVector max2 = max;
        LongVector min2 = min;
        final int end = n * L;
        int o = 0;
        for (; o + L < end; o += 2 * L) {
            final LongVector x = LongVector.fromArray(S, strip, o);
            final LongVector y = LongVector.fromArray(S, strip, o + L);
            final VectorMask<Long> ltx = x.compare(VectorOperators.LT, p);
            final VectorMask<Long> lty = y.compare(VectorOperators.LT, p);
            c = c.add(ONE, ltx);
            c2 = c2.add(ONE, lty);
            max = max.lanewise(VectorOperators.MAX, x, ltx);
            max2 = max2.lanewise(VectorOperators.MAX, y, lty);
            min = min.lanewise(VectorOperators.MIN, x, ltx.not());
            min2 = min2.lanewise(VectorOperators.MIN, y, lty.not());
        }
        if (o < end) {
            final LongVector x = LongVector.fromArray(S, strip, o);
            final VectorMask<Long> ltx = x.compare(VectorOperators.LT, p);
            c = c.add(ONE, ltx);
            max = max.lanewise(VectorOperators.MAX, x, ltx);
            min = min.lanewise(VectorOperators.MIN, x, ltx.not());
        }
        c = c.add(c2);
        max = max.max(max2);
        min = min.min(min2);
        c.intoArray(count, 0);
        max.intoArray(below, 0);
        min.intoArray(above, 0);
    }

    /**
     * Per lane: sum = Σ_{v < t} v in column order, count = #{v < t}. A value not below t is replaced by +0.0, and
     * s + 0.0 = s for every s ≥ +0.0, so each lane's additions are exactly the per-row path's.
     */
    private static void sumPass(final long[] strip, final int n, final long[] t, final double[] sum,
                                final long[] count) {
        final LongVector tv = LongVector.fromArray(S, t, 0);
        DoubleVector s = DoubleVector.zero(D);
        LongVector c = LongVector.zero(S);
        for (int o = 0, end = n * L; o < end; o += L) {
            final LongVector x = LongVector.fromArray(S, strip, o);
            final VectorMask<Long> lt = x.compare(VectorOperators.LT, tv);
            s = s.add(x.blend(0L, lt.not()).reinterpretAsDoubles());
            c = c.add(ONE, lt);
        }
        s.intoArray(sum, 0);
        c.intoArray(count, 0);
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
