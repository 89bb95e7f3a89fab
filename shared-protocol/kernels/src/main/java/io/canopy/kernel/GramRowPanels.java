package io.canopy.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GramMatrix}'s kernel for few, long rows (n ≤ {@link #maxRows()}, d > {@value #KC}): the lower triangle of the
 * centred Gram matrix G = (X − 1μᵀ)(X − 1μᵀ)ᵀ in dot-product form, with no transpose.
 *
 * <p>The packed kernels of {@link GramMatrix} gather W rows per k into strips, one gather per W floats; at n = 100,
 * d = 10^6 the gathers and the column mean took about a third of the time. Here d is cut into panels of
 * {@value #KC} columns; per panel the column mean is summed in double ({@link GramMatrix#columnMean}), and the
 * centred rows are copied row-major into a scratch panel by straight vector loads and stores. The panel (≈ n·KC
 * floats, 416 KB at n = 100) stays in L2. Each 4×4 tile of row pairs (i, j), j ≤ i, is then 16 vector FMA chains
 * along k: 8 loads for 16 FMAs per k-step, 16 accumulators and 5 operands in AVX-512's 32 registers. The tile's 4
 * rows i stay in L1 while the j blocks stream from L2. Each chain's lanes are summed once per tile and panel
 * ({@code reduceLanes}) and added into a double accumulator, so precision does not degrade with d: within a panel
 * a lane sums KC/W products in float.
 *
 * <p>The panel starts on a cache line within its array ({@link ArrayAddress}): a {@code float[]}'s elements start
 * 16 bytes into an object the heap aligns to 8 bytes only, so from the array's start the tiles' 64-byte loads
 * straddle two lines at 15 of 16 placements and each then takes two load-port slots. n = 100, d = 5·10^5, one
 * thread: tiles 35.4 ms from the array's start, 27.5 ms from its first line (2026-12-03). An off-heap aligned
 * panel read through {@code FloatVector.fromMemorySegment} measured 33.0 ms: C2 keeps a bounds check per load
 * in the loop when the offset is {@code 4L·(b + k)}, and unrolls with spilled accumulators when it can hoist them.
 *
 * <p>Distances need no centring: ‖x_i − x_j‖² is the same for rows shifted by any r, and centring is there for
 * precision only. So {@link #lowerGram} first shifts by r = the coordinate-wise median of rows 0, n/2 and n − 1,
 * read per panel from those three rows, and copies x_i − r in one pass over the block. Centring by μ needs the
 * panel's column mean before its copy: a pass bound by DRAM latency (about 14 ms a thread at n = 100, d = 10^6),
 * then the copy from L2 (about 5 ms more). When r is far from the rows (outliers at those positions), the shifted
 * distances would lose precision; {@link #shiftKeepsPrecision} detects that from the result and the call centres
 * again, so such a block costs two passes of tiles.
 *
 * <p>Diagonal tiles compute all 16 pairs (6 of them twice); rows past n are zero. Two threads split d into two
 * contiguous ranges with their own scratch and accumulator, summed at the end, as {@link GramMatrix} does.
 */
final class GramRowPanels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();
    /** Panel length: the same bound on the float chains' length as {@link GramMatrix}'s k-panels. */
    static final int KC = 1024;
    /** Row stride of the scratch panel: one cache line more than KC, so that rows 4 KiB apart do not share L1 sets. */
    private static final int STRIDE = KC + W;
    /** Largest scratch panel: half the 1 MB L2, so that the panel and the block's next columns stay in it. */
    private static final int PANEL_BYTES = 512 << 10;
    private static final int TILE = 16;

    private GramRowPanels() {
    }

    /** Rows whose scratch panel fits {@value #PANEL_BYTES} bytes: above this the j blocks would stream from L3. */
    static int maxRows() {
        return PANEL_BYTES / (4 * STRIDE) / 4 * 4;
    }

    private static int blocks(final int n) {
        return (n + 3) / 4;
    }

    /** Doubles of one thread's accumulator: a 4×4 tile per block pair on or below the diagonal. */
    static int accLength(final int n) {
        final int b = blocks(n);
        return b * (b + 1) / 2 * TILE;
    }

    /** Floats of one thread's scratch panel: the panel, and room to move its start to a cache line. */
    static int panelLength(final int n) {
        return blocks(n) * 4 * STRIDE + ArrayAddress.LINE / 4 - 1;
    }

    /**
     * {@link GramMatrix#lowerGram} for these shapes: the lower triangle of out gets the centred Gram matrix, or the
     * distances if {@code distances}. Distances do not depend on the shift, so they first take one read from three
     * rows ({@link #reference}), which spares the column mean's pass over the block, and centre only when that
     * shift fails {@link #shiftKeepsPrecision}.
     */
    static void lowerGram(final float[] x, final int n, final int d, final double[] out, final GramMatrix.Workspace ws,
                          final int threads, final boolean distances) {
        ws.ensure(threads, accLength(n), panelLength(n), n);
        columnRanges(x, n, d, ws, threads, distances);
        unpack(ws.accs, threads, n, out);
        if (distances) {
            if (!shiftKeepsPrecision(out, n, ws.centred, ws.diag)) {
                ws.centredAgain++;
                ws.ensure(threads, accLength(n), panelLength(n), n);
                columnRanges(x, n, d, ws, threads, false);
                unpack(ws.accs, threads, n, out);
            }
            GramMatrix.distancesFromLowerGram(out, n, ws.diag);
        }
    }

    /** {@link #columnRange} over the whole block, split over the threads, into ws.accs. */
    private static void columnRanges(final float[] x, final int n, final int d, final GramMatrix.Workspace ws,
                                     final int threads, final boolean byReference) {
        if (threads == 1) {
            columnRange(x, n, d, 0, d, byReference, ws.panels[0], ws.panelViews[0], ws.sums[0],
                ws.means[0], ws.accs[0]);
        } else {
            GramMatrix.splitColumns(ws, d, threads, (from, to, t) -> columnRange(x, n, d, from, to, byReference,
                ws.panels[t], ws.panelViews[t], ws.sums[t], ws.means[t], ws.accs[t]));
        }
    }

    /**
     * Adds columns [from, to) of the Gram tiles of the block's shifted rows into acc (cleared by the caller): the
     * rows minus their column mean if not {@code byReference} (the centred Gram matrix), else minus {@link #reference}
     * (for distances only). q, sum and shift are scratch of {@link #panelLength}, KC and KC elements; qView is
     * {@code MemorySegment.ofArray(q)}, kept by the caller so that the call allocates nothing.
     */
    static void columnRange(final float[] x, final int n, final int d, final int from, final int to,
                            final boolean byReference, final float[] q, final MemorySegment qView,
                            final double[] sum, final float[] shift, final double[] acc) {
        // Per call: a collection may have moved the array since the last one.
        final int q0 = ArrayAddress.floatsToLine(qView);
        // The rows past n of the last block read zeros: set once, the panels write rows below n only.
        Arrays.fill(q, q0 + n * STRIDE, q0 + blocks(n) * 4 * STRIDE, 0f);
        for (int k0 = from; k0 < to; k0 += KC) {
            final int kc = Math.min(KC, to - k0);
            final int kcp = (kc + W - 1) / W * W;
            if (byReference) {
                reference(x, n, d, k0, kc, shift);
            } else {
                GramMatrix.columnMean(x, n, d, k0, kc, sum, shift);
            }
            centre(x, n, d, k0, kc, kcp, shift, q, q0);
            panel(q, q0, n, kcp, acc);
        }
    }

    /**
     * r[c] = the median of x_0, x_{n/2} and x_{n−1} at column k0 + c, for c < kc (x_0 when n < 3): a shift read from
     * three rows instead of a pass over all n. Three rows, not one, so that one outlier at a fixed position does
     * not move it; {@link #shiftKeepsPrecision} checks it afterwards.
     */
    static void reference(final float[] x, final int n, final int d, final int k0, final int kc, final float[] r) {
        final int a = k0;
        final int b = (n < 3 ? 0 : n / 2) * d + k0;
        final int e = (n < 3 ? 0 : n - 1) * d + k0;
        final int bound = kc - kc % W;
        int c = 0;
        for (; c < bound; c += W) {
            final FloatVector va = FloatVector.fromArray(S, x, a + c);
            final FloatVector vb = FloatVector.fromArray(S, x, b + c);
            final FloatVector ve = FloatVector.fromArray(S, x, e + c);
            va.min(vb).max(va.max(vb).min(ve)).intoArray(r, c);
        }
        for (; c < kc; c++) {
            r[c] = median(x[a + c], x[b + c], x[e + c]);
        }
    }

    private static float median(final float a, final float b, final float e) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), e));
    }

    /** q[q0 + i·STRIDE + c] = x[i·d + k0 + c] − shift[c] for c < kc, then zeros up to kcp (a multiple of W). */
    private static void centre(final float[] x, final int n, final int d, final int k0, final int kc, final int kcp,
                               final float[] shift, final float[] q, final int q0) {
        final int bound = kc - kc % W;
        for (int i = 0; i < n; i++) {
            final int src = i * d + k0;
            final int dst = q0 + i * STRIDE;
            int c = 0;
            for (; c < bound; c += W) {
                FloatVector.fromArray(S, x, src + c).sub(FloatVector.fromArray(S, shift, c)).intoArray(q, dst + c);
            }
            for (; c < kc; c++) {
                q[dst + c] = x[src + c] - shift[c];
            }
            for (; c < kcp; c++) {
                q[dst + c] = 0f;
            }
        }
    }

    private static void panel(final float[] q, final int q0, final int n, final int kcp, final double[] acc) {
        final int b = blocks(n);
        int t = 0;
        for (int ib = 0; ib < b; ib++) {
            for (int jb = 0; jb <= ib; jb++, t++) {
                tile(q, q0 + ib * 4 * STRIDE, q0 + jb * 4 * STRIDE, kcp, acc, t * TILE);
            }
        }
    }

    /** acc[ao + 4r + c] += Σ_k q[a + r·STRIDE + k]·q[b + c·STRIDE + k] for r, c < 4 and k < kcp. */
    private static void tile(final float[] q, final int a, final int b, final int kcp, final double[] acc,
                             final int ao) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c03 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c12 = c00;
        FloatVector c13 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c22 = c00;
        FloatVector c23 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c32 = c00;
        FloatVector c33 = c00;
        for (int k = 0; k < kcp; k += W) {
            final FloatVector b0 = FloatVector.fromArray(S, q, b + k);
            final FloatVector b1 = FloatVector.fromArray(S, q, b + STRIDE + k);
            final FloatVector b2 = FloatVector.fromArray(S, q, b + 2 * STRIDE + k);
            final FloatVector b3 = FloatVector.fromArray(S, q, b + 3 * STRIDE + k);
            FloatVector r = FloatVector.fromArray(S, q, a + k);
            c00 = r.fma(b0, c00);
            c01 = r.fma(b1, c01);
            c02 = r.fma(b2, c02);
            c03 = r.fma(b3, c03);
            r = FloatVector.fromArray(S, q, a + STRIDE + k);
            c10 = r.fma(b0, c10);
            c11 = r.fma(b1, c11);
            c12 = r.fma(b2, c12);
            c13 = r.fma(b3, c13);
            r = FloatVector.fromArray(S, q, a + 2 * STRIDE + k);
            c20 = r.fma(b0, c20);
            c21 = r.fma(b1, c21);
            c22 = r.fma(b2, c22);
            c23 = r.fma(b3, c23);
            r = FloatVector.fromArray(S, q, a + 3 * STRIDE + k);
            c30 = r.fma(b0, c30);
            c31 = r.fma(b1, c31);
            c32 = r.fma(b2, c32);
            c33 = r.fma(b3, c33);
        }
        // reduceLanes, not a shuffle tree: trees of blends and rearranges, or of two-vector selectFrom, measured
        // 15-50% slower over the whole kernel on JDK 25 (2026-12-03).
        acc[ao] += c00.reduceLanes(VectorOperators.ADD);
        acc[ao + 1] += c01.reduceLanes(VectorOperators.ADD);
        acc[ao + 2] += c02.reduceLanes(VectorOperators.ADD);
        acc[ao + 3] += c03.reduceLanes(VectorOperators.ADD);
        acc[ao + 4] += c10.reduceLanes(VectorOperators.ADD);
        acc[ao + 5] += c11.reduceLanes(VectorOperators.ADD);
        acc[ao + 6] += c12.reduceLanes(VectorOperators.ADD);
        acc[ao + 7] += c13.reduceLanes(VectorOperators.ADD);
        acc[ao + 8] += c20.reduceLanes(VectorOperators.ADD);
        acc[ao + 9] += c21.reduceLanes(VectorOperators.ADD);
        acc[ao + 10] += c22.reduceLanes(VectorOperators.ADD);
        acc[ao + 11] += c23.reduceLanes(VectorOperators.ADD);
        acc[ao + 12] += c30.reduceLanes(VectorOperators.ADD);
        acc[ao + 13] += c31.reduceLanes(VectorOperators.ADD);
        acc[ao + 14] += c32.reduceLanes(VectorOperators.ADD);
        acc[ao + 15] += c33.reduceLanes(VectorOperators.ADD);
    }

    /** Sums the threads' accumulators into the lower triangle of out (j ≤ i): the Gram entries of the shifted rows. */
    static void unpack(final double[][] accs, final int threads, final int n, final double[] out) {
        for (int i = 0; i < n; i++) {
            final int ib = i / 4;
            final int row = (ib * (ib + 1) / 2) * TILE + i % 4 * 4;
            for (int j = 0; j <= i; j++) {
                out[i * n + j] = sum(accs, threads, row + j / 4 * TILE + j % 4);
            }
        }
    }

    /**
     * Whether the distances from this Gram matrix of shifted rows (lower triangle of out, y_i = x_i − r) keep the
     * centred kernel's precision: ‖y_i‖² ≤ 4·max(‖c_i‖², m²) for every row i, where c_i = x_i − μ (μ the column mean)
     * and m² is the median of the ‖c_i‖² (the upper one for even n).
     *
     * <p>Why that test. A distance is Y_ii + Y_jj − 2·Y_ij, exact for any r; its float error is at most γ·(‖y_i‖ +
     * ‖y_j‖)² (γ the per-entry bound argued in {@code GramRowPanelsProperties}, summed over panels by Cauchy-Schwarz),
     * against γ·(‖c_i‖ + ‖c_j‖)² when the rows are centred. The test gives ‖y_i‖ ≤ 2·max(‖c_i‖, m), so the shifted
     * bound is at most 4× the centred one for every pair of rows at least as far from μ as the median row, at most
     * 4γ·(max(‖c_i‖, m) + max(‖c_j‖, m))² for the others, and at most 4× the centred bound's largest value. It holds
     * whenever ‖μ − r‖ ≤ m (triangle inequality), so a shift from ordinary rows passes; a shift read from outliers
     * fails, since every ordinary row is then about the outliers' distance from it, and the caller centres instead.
     *
     * <p>The norms come from Y alone: with s_i = Σ_j Y_ij and T = Σ_i s_i, ‖c_i‖² = Y_ii − 2·s_i/n + T/n². centred
     * and sorted (n doubles each) are scratch.
     */
    static boolean shiftKeepsPrecision(final double[] out, final int n, final double[] centred, final double[] sorted) {
        Arrays.fill(centred, 0, n, 0.0);
        for (int i = 0; i < n; i++) {
            final int row = i * n;
            for (int j = 0; j < i; j++) {
                centred[i] += out[row + j];
                centred[j] += out[row + j];
            }
            centred[i] += out[row + i];
        }
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            total += centred[i];
        }
        final double shift = total / ((double) n * n);
        for (int i = 0; i < n; i++) {
            centred[i] = out[i * n + i] - 2.0 * centred[i] / n + shift;
        }
        System.arraycopy(centred, 0, sorted, 0, n);
        Arrays.sort(sorted, 0, n);
        final double median = sorted[n / 2];
        for (int i = 0; i < n; i++) {
            // Written so that NaN (a non-finite row) refuses: the caller centres, and the distances are NaN as before.
            if (!(out[i * n + i] <= 4.0 * Math.max(centred[i], median))) {
                return false;
            }
        }
        return true;
    }

    private static double sum(final double[][] accs, final int threads, final int at) {
        double s = 0.0;
        for (int t = 0; t < threads; t++) {
            s += accs[t][at];
        }
        return s;
    }
}
