package io.canopy.kernel;

import java.util.Arrays;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD core of {@link CoordinateSelection}: one coordinate per lane, a block's n rows become n
 * vectors ("wires") in a per-thread scratch, every lane is split into its k smallest, n−2k middle and
 * k largest values, and the middle is averaged. Two ways to split, chosen per (n, k) by {@link #plan}:
 *
 * <p><b>Insertion (small k).</b> Each wire streams through a sorted buffer of up to {@value #WINDOW}
 * vectors held in registers (insertion into a sorted list by compare–exchange, one comparator per
 * slot: Knuth, TAOCP vol. 3, §5.3.4, the network form of straight insertion). The buffer keeps the
 * smallest values; whatever falls out of it is written back. ⌈k/12⌉ passes drop the k smallest, then
 * as many with min and max swapped drop the k largest. That is 12 comparators per wire and pass, but
 * in registers: about 0.2 ns each on the 2-core Zen machines, against 1–2 ns for a comparator read
 * from a table (two loads, two stores, bounds checks). So insertion wins until k nears n/2, and
 * {@link #plan} weighs the two counts by {@code TABLE_COST}.
 *
 * <p><b>Network (k near n/2, e.g. the median).</b> Runs of {@value #RUN} wires are sorted in registers
 * by Batcher's 19-comparator network, then a {@link SelectionNetwork} (Batcher's odd–even merge sort,
 * K. E. Batcher, AFIPS 1968, pruned to the three groups) runs from a table of wire offsets.
 *
 * <p><b>Wires.</b> Wire r is one {@code IntVector} at {@code w[r·L]}. Floats are compared as integers
 * through {@link #sortable}, which orders finite floats as {@link Float#compare} does (−0.0 before
 * 0.0): integer min/max are single instructions, while float min/max with Java's NaN and −0.0 rules
 * take several on x86. Padding wires hold {@code Integer.MAX_VALUE}, above every finite float's image.
 *
 * <p><b>Mean of the middle, independent of row order.</b> The middle comes out in an order that depends
 * on the order of the rows, and a floating-point sum depends on the order of its terms. So each middle
 * value x is first rounded to a grid g fixed by the middle alone: with M the largest |x| of the lane (a
 * max, exact in any order), g = 2^(e(M)+h−52) where 2^h exceeds the count m. Rounding is
 * {@code (x + C) − C} in double with C = 1.5·2^(e(M)+h), whose ulp is g. Sums of at most m grid points
 * below 2^(e(M)+1) in magnitude stay below 2^53·g, so every addition is exact and any order gives the
 * same bits. Each rounding moves x by at most g/2 < 2^(h−53)·M, so the mean moves by less than
 * 2^(2h−53)·M/m ≤ 2^(2h−53) times the mean absolute middle value (2^-35 for m ≤ 511). With m ≤ 2
 * (every median) the terms are simply added: one or two additions are exact or commutative already, and
 * the result equals a sort-based reference bit for bit.
 *
 * <p>Stateless; callers own the scratch. The register kernels at the end are written out mechanically
 * (locals v0..v7 or b0..b11 stand for registers, which Java cannot index); keep them in step with the
 * networks their comments name.
 */
final class LaneSelection {

    /** Slots of an insertion buffer: with the value in flight and a temporary, within AVX2's 16 registers. */
    static final int WINDOW = 12;

    /** Rows sorted together in registers before the network table takes over. */
    static final int RUN = 8;

    // A comparator from the table costs about this many in a register buffer (n = 50..256, JDK 25, AVX2).
    private static final int TABLE_COST = 8;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int HALF = D.length();

    /** How to split lanes for one (n, k): by insertion passes if {@code offsets} is null, else by this network. */
    record Plan(int n, int k, int[] offsets) {
    }

    private LaneSelection() {
    }

    /** Lanes per vector: columns are processed this many at a time. */
    static int lanes() {
        return L;
    }

    /** Wires the scratch of one column block needs: n rounded up to whole runs. */
    static int paddedRows(final int n) {
        return (n + RUN - 1) / RUN * RUN;
    }

    /** Picks the cheaper way to split n values per lane into k, n−2k, k. */
    static Plan plan(final int n, final int k) {
        final Plan network = networkPlan(n, k);
        // A run of 8 sorted in registers (16 loads and stores, 19 comparators) counts as 8 from the table.
        final long tableCost = (long) TABLE_COST * (network.offsets().length / 2 + 8 * paddedRows(n) / RUN);
        return insertionComparators(n, k) <= tableCost ? insertionPlan(n, k) : network;
    }

    static Plan insertionPlan(final int n, final int k) {
        return new Plan(n, k, null);
    }

    static Plan networkPlan(final int n, final int k) {
        final int[] offsets = SelectionNetwork.comparators(n, k, RUN);
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] *= L;
        }
        return new Plan(n, k, offsets);
    }

    /** Register comparators the insertion passes run per lane: a full window for every value streamed. */
    private static long insertionComparators(final int n, final int k) {
        long values = 0;
        for (int side = 0, count = n; side < 2; side++, count = n - k) {
            for (int left = k; left > 0; left -= WINDOW) {
                values += count;
                count -= Math.min(WINDOW, left);
            }
        }
        return values * WINDOW;
    }

    /** Sets the padding wires [n, paddedRows(n)) of a column block's scratch at {@code base} to +∞. */
    static void pad(final int[] w, final int base, final int n) {
        Arrays.fill(w, base + n * L, base + paddedRows(n) * L, Integer.MAX_VALUE);
    }

    /** Loads the n row vectors {@code src[off + r·stride, +L)} as wires {@code w[base + r·L]}. */
    static void gather(final float[] src, final int off, final int stride, final int n, final int[] w, final int base) {
        for (int r = 0, s = off, t = base; r < n; r++, s += stride, t += L) {
            sortable(FloatVector.fromArray(F, src, s).reinterpretAsInts()).intoArray(w, t);
        }
    }

    /**
     * {@link #gather} for {@code blocks} adjacent column blocks at once, row by row, block t's wires at
     * {@code w[t·span]}: each row is read as one run of blocks·L floats.
     */
    static void gatherTile(final float[] src, final int off, final int stride, final int n, final int blocks,
                           final int[] w, final int span) {
        for (int r = 0, s = off; r < n; r++, s += stride) {
            for (int t = 0, to = r * L; t < blocks; t++, to += span) {
                sortable(FloatVector.fromArray(F, src, s + t * L).reinterpretAsInts()).intoArray(w, to);
            }
        }
    }

    /**
     * Splits every lane of the n wires at {@code base} and writes the mean of its middle values to
     * {@code mean[0, L)}. Overwrites the wires; padding wires must hold +∞ ({@link #pad}).
     */
    static void trimmedMean(final Plan plan, final int[] w, final int base, final double[] mean) {
        final int n = plan.n();
        final int k = plan.k();
        if (plan.offsets() == null) {
            int count = n;
            for (int left = k; left > 0; left -= WINDOW) {
                count = keepSmallest(w, base, count, Math.min(WINDOW, left));
            }
            for (int left = k; left > 0; left -= WINDOW) {
                count = keepLargest(w, base, count, Math.min(WINDOW, left));
            }
            meanOf(w, base, count, mean);
        } else {
            for (int r = 0; r < n; r += RUN) {
                sortRun(w, base + r * L);
            }
            final int[] offsets = plan.offsets();
            for (int c = 0; c < offsets.length; c += 2) {
                final int lo = base + offsets[c];
                final int hi = base + offsets[c + 1];
                final IntVector x = IntVector.fromArray(I, w, lo);
                final IntVector y = IntVector.fromArray(I, w, hi);
                x.min(y).intoArray(w, lo);
                x.max(y).intoArray(w, hi);
            }
            meanOf(w, base + k * L, n - 2 * k, mean);
        }
    }

    /** Float bits to integers with the same order; an involution, so it also maps back. */
    static IntVector sortable(final IntVector bits) {
        final IntVector magnitudeMask = bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, 0x7FFFFFFF);
        return bits.lanewise(VectorOperators.XOR, magnitudeMask);
    }

    /** Mean of the m wires at {@code from}, lane by lane, independent of their order (class comment). */
    private static void meanOf(final int[] w, final int from, final int m, final double[] mean) {
        if (m <= 2) {
            meanOfFew(w, from, m, mean);
        } else {
            meanOnGrid(w, from, m, mean);
        }
    }

    private static void meanOfFew(final int[] w, final int from, final int m, final double[] mean) {
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = DoubleVector.zero(D);
        for (int r = 0, at = from; r < m; r++, at += L) {
            final FloatVector v = sortable(IntVector.fromArray(I, w, at)).reinterpretAsFloats();
            lo = lo.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
            hi = hi.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
        }
        lo.div(m).intoArray(mean, 0);
        hi.div(m).intoArray(mean, HALF);
    }

    private static void meanOnGrid(final int[] w, final int from, final int m, final double[] mean) {
        // The largest |x|, as float bits: non-negative floats order like their bits.
        IntVector max = IntVector.zero(I);
        for (int r = 0, at = from; r < m; r++, at += L) {
            // For a sortable image v, the bits of |x| are v for v ≥ 0 and ~v below: v ^ (v >> 31).
            final IntVector v = IntVector.fromArray(I, w, at);
            max = max.max(v.lanewise(VectorOperators.XOR, v.lanewise(VectorOperators.ASHR, 31)));
        }
        // 2^e(M), at least the smallest normal float so that C stays positive when M is 0 or subnormal.
        final FloatVector pow2 = max.lanewise(VectorOperators.AND, 0x7F800000).max(0x00800000).reinterpretAsFloats();
        final double scale = 1.5 * Math.scalb(1.0, Math.max(3, 32 - Integer.numberOfLeadingZeros(m)));
        final DoubleVector cLo = ((DoubleVector) pow2.convertShape(VectorOperators.F2D, D, 0)).mul(scale);
        final DoubleVector cHi = ((DoubleVector) pow2.convertShape(VectorOperators.F2D, D, 1)).mul(scale);
        // Exact additions may be regrouped freely: two chains per half hide the add latency.
        DoubleVector lo0 = DoubleVector.zero(D);
        DoubleVector hi0 = DoubleVector.zero(D);
        DoubleVector lo1 = DoubleVector.zero(D);
        DoubleVector hi1 = DoubleVector.zero(D);
        int r = 0;
        for (int at = from; r + 1 < m; r += 2, at += 2 * L) {
            final FloatVector v = sortable(IntVector.fromArray(I, w, at)).reinterpretAsFloats();
            final FloatVector u = sortable(IntVector.fromArray(I, w, at + L)).reinterpretAsFloats();
            lo0 = lo0.add(((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).add(cLo).sub(cLo));
            hi0 = hi0.add(((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).add(cHi).sub(cHi));
            lo1 = lo1.add(((DoubleVector) u.convertShape(VectorOperators.F2D, D, 0)).add(cLo).sub(cLo));
            hi1 = hi1.add(((DoubleVector) u.convertShape(VectorOperators.F2D, D, 1)).add(cHi).sub(cHi));
        }
        if (r < m) {
            final FloatVector v = sortable(IntVector.fromArray(I, w, from + r * L)).reinterpretAsFloats();
            lo0 = lo0.add(((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).add(cLo).sub(cLo));
            hi0 = hi0.add(((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).add(cHi).sub(cHi));
        }
        lo0.add(lo1).div(m).intoArray(mean, 0);
        hi0.add(hi1).div(m).intoArray(mean, HALF);
    }

    // ---- Register kernels, one comparator per "t = min; b = max; a = t" triple. ----

    /** Sorts each lane of the 8 wires at w[at], w[at+L], ...: Batcher's network, as {@code batcher(8, 1)} lists it. */
    private static void sortRun(final int[] w, final int at) {
        IntVector v0 = IntVector.fromArray(I, w, at);
        IntVector v1 = IntVector.fromArray(I, w, at + 1 * L);
        IntVector v2 = IntVector.fromArray(I, w, at + 2 * L);
        IntVector v3 = IntVector.fromArray(I, w, at + 3 * L);
        IntVector v4 = IntVector.fromArray(I, w, at + 4 * L);
        IntVector v5 = IntVector.fromArray(I, w, at + 5 * L);
        IntVector v6 = IntVector.fromArray(I, w, at + 6 * L);
        IntVector v7 = IntVector.fromArray(I, w, at + 7 * L);
        IntVector t;
        t = v0.min(v1); v1 = v0.max(v1); v0 = t; t = v2.min(v3); v3 = v2.max(v3); v2 = t;
        t = v4.min(v5); v5 = v4.max(v5); v4 = t; t = v6.min(v7); v7 = v6.max(v7); v6 = t;
        t = v0.min(v2); v2 = v0.max(v2); v0 = t; t = v1.min(v3); v3 = v1.max(v3); v1 = t;
        t = v4.min(v6); v6 = v4.max(v6); v4 = t; t = v5.min(v7); v7 = v5.max(v7); v5 = t;
        t = v1.min(v2); v2 = v1.max(v2); v1 = t; t = v5.min(v6); v6 = v5.max(v6); v5 = t;
        t = v0.min(v4); v4 = v0.max(v4); v0 = t; t = v1.min(v5); v5 = v1.max(v5); v1 = t;
        t = v2.min(v6); v6 = v2.max(v6); v2 = t; t = v3.min(v7); v7 = v3.max(v7); v3 = t;
        t = v2.min(v4); v4 = v2.max(v4); v2 = t; t = v3.min(v5); v5 = v3.max(v5); v3 = t;
        t = v1.min(v2); v2 = v1.max(v2); v1 = t; t = v3.min(v4); v4 = v3.max(v4); v3 = t;
        t = v5.min(v6); v6 = v5.max(v6); v5 = t;
        v0.intoArray(w, at);
        v1.intoArray(w, at + 1 * L);
        v2.intoArray(w, at + 2 * L);
        v3.intoArray(w, at + 3 * L);
        v4.intoArray(w, at + 4 * L);
        v5.intoArray(w, at + 5 * L);
        v6.intoArray(w, at + 6 * L);
        v7.intoArray(w, at + 7 * L);
    }

    /**
     * One insertion pass: streams the {@code count} wires at {@code w[from], w[from+L], ...} through a sorted
     * register buffer that keeps the {@code window} (≤ 12) smallest of each lane, and writes every other
     * wire back to the front of the range; returns how many it wrote. Writing in place is safe: wire r is
     * read before the write to wire r − window.
     */
    private static int keepSmallest(final int[] w, final int from, final int count, final int window) {
        // Slots below WINDOW − window hold −∞ and let every value through: one body serves every window.
        final IntVector open = IntVector.broadcast(I, Integer.MIN_VALUE);
        final IntVector empty = IntVector.broadcast(I, Integer.MAX_VALUE);
        final int closed = WINDOW - window;
        IntVector b0 = 0 < closed ? open : empty;
        IntVector b1 = 1 < closed ? open : empty;
        IntVector b2 = 2 < closed ? open : empty;
        IntVector b3 = 3 < closed ? open : empty;
        IntVector b4 = 4 < closed ? open : empty;
        IntVector b5 = 5 < closed ? open : empty;
        IntVector b6 = 6 < closed ? open : empty;
        IntVector b7 = 7 < closed ? open : empty;
        IntVector b8 = 8 < closed ? open : empty;
        IntVector b9 = 9 < closed ? open : empty;
        IntVector b10 = 10 < closed ? open : empty;
        IntVector b11 = 11 < closed ? open : empty;
        IntVector x;
        IntVector t;
        int to = from;
        for (int r = 0, at = from; r < count; r++, at += L) {
            x = IntVector.fromArray(I, w, at);
            t = b0.min(x); x = b0.max(x); b0 = t; t = b1.min(x); x = b1.max(x); b1 = t;
            t = b2.min(x); x = b2.max(x); b2 = t; t = b3.min(x); x = b3.max(x); b3 = t;
            t = b4.min(x); x = b4.max(x); b4 = t; t = b5.min(x); x = b5.max(x); b5 = t;
            t = b6.min(x); x = b6.max(x); b6 = t; t = b7.min(x); x = b7.max(x); b7 = t;
            t = b8.min(x); x = b8.max(x); b8 = t; t = b9.min(x); x = b9.max(x); b9 = t;
            t = b10.min(x); x = b10.max(x); b10 = t; t = b11.min(x); x = b11.max(x); b11 = t;
            // The first window values only push out the placeholders.
            if (r >= window) {
                x.intoArray(w, to);
                to += L;
            }
        }
        return (to - from) / L;
    }

    /** {@link #keepSmallest} with the order reversed: keeps the {@code window} largest of each lane. */
    private static int keepLargest(final int[] w, final int from, final int count, final int window) {
        // Slots below WINDOW − window hold +∞ and let every value through: one body serves every window.
        final IntVector open = IntVector.broadcast(I, Integer.MAX_VALUE);
        final IntVector empty = IntVector.broadcast(I, Integer.MIN_VALUE);
        final int closed = WINDOW - window;
        IntVector b0 = 0 < closed ? open : empty;
        IntVector b1 = 1 < closed ? open : empty;
        IntVector b2 = 2 < closed ? open : empty;
        IntVector b3 = 3 < closed ? open : empty;
        IntVector b4 = 4 < closed ? open : empty;
        IntVector b5 = 5 < closed ? open : empty;
        IntVector b6 = 6 < closed ? open : empty;
        IntVector b7 = 7 < closed ? open : empty;
        IntVector b8 = 8 < closed ? open : empty;
        IntVector b9 = 9 < closed ? open : empty;
        IntVector b10 = 10 < closed ? open : empty;
        IntVector b11 = 11 < closed ? open : empty;
        IntVector x;
        IntVector t;
        int to = from;
        for (int r = 0, at = from; r < count; r++, at += L) {
            x = IntVector.fromArray(I, w, at);
            t = b0.max(x); x = b0.min(x); b0 = t; t = b1.max(x); x = b1.min(x); b1 = t;
            t = b2.max(x); x = b2.min(x); b2 = t; t = b3.max(x); x = b3.min(x); b3 = t;
            t = b4.max(x); x = b4.min(x); b4 = t; t = b5.max(x); x = b5.min(x); b5 = t;
            t = b6.max(x); x = b6.min(x); b6 = t; t = b7.max(x); x = b7.min(x); b7 = t;
            t = b8.max(x); x = b8.min(x); b8 = t; t = b9.max(x); x = b9.min(x); b9 = t;
            t = b10.max(x); x = b10.min(x); b10 = t; t = b11.max(x); x = b11.min(x); b11 = t;
            // The first window values only push out the placeholders.
            if (r >= window) {
                x.intoArray(w, to);
                to += L;
            }
        }
        return (to - from) / L;
    }
}
