package io.canopy.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pairwise geometry of the n rows of an n×d block, for Multi-Krum (Blanchard et al., "Machine Learning with
 * Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017), whose score needs every squared distance
 * ‖x_i − x_j‖².
 *
 * <p><b>Why a centred Gram matrix.</b> The distances come from G = (X − 1μᵀ)(X − 1μᵀ)ᵀ as
 * G_ii + G_jj − 2·G_ij, μ being the column mean. Without centring, ‖a‖² + ‖b‖² − 2a·b cancels catastrophically
 * when the rows are close relative to their norms (an ALIE-style attack makes exactly that happen); subtracting μ
 * leaves every distance unchanged and brings the terms down to the spread of the rows. The block is never copied:
 * μ is computed panel by panel and subtracted while packing.
 *
 * <p><b>Blocking</b> (GotoBLAS-style, specialised to the symmetric rank-k update G += P Pᵀ):
 * <ul>
 *   <li>d is cut into k-panels of kc columns (kc = {@value #KC_MAX}, halved down to {@value #KC_MIN} while the
 *       packed panel would exceed {@value #PANEL_BYTES} bytes, so that it stays in L2 when n is small). Each
 *       panel is <em>packed</em>: its column means are summed in double, then the centred values are gathered
 *       into strips of W rows (W = lanes of {@code SPECIES_PREFERRED}), laid out {@code [strip][k][lane]}, so
 *       that W consecutive rows at one k are one vector load.</li>
 *   <li>Micro-kernels ({@link GramKernels}) compute a tile of G of 4 rows × ns vectors of columns as a sum of
 *       outer products over the panel: per k they load ns vectors from a column group of ns strips and broadcast
 *       4 row values. ns is 4 where vectors are 512 bits (16 accumulators of AVX-512's 32 registers) and 2 on
 *       AVX2 (8 accumulators of its 16; a 6×2 tile made C2 spill). Tiles near the diagonal, which need fewer
 *       strips, use the 4×2 and 4×1 kernels over the strips they need.</li>
 *   <li>The panel is walked column group by group, and within a group k-block by k-block of {@value
 *       #L1_GROUP_BYTES} bytes of the group, so that the block stays in L1 while every row's tile passes over it;
 *       the tiles' float sums carry over between k-blocks, so the blocking does not change a bit.</li>
 *   <li>Accumulation is in float within a panel (at most {@value #KC_MAX} products per element), then each tile is
 *       widened and added into a double accumulator, so precision does not degrade with d. When d fits one panel
 *       and one thread does the work (Multi-Krum at d ≤ 1024, one cluster per core), the tiles are the whole sums:
 *       the distances are written from them directly, with no accumulator (4 MB at n = 1000) to clear and read.</li>
 *   <li>Symmetry: only tiles touching the lower triangle (incl. diagonal) are computed.</li>
 *   <li>Two cores: d is split in as many contiguous ranges as threads ({@link Parallel#forBoundaries}); each
 *       thread packs and multiplies only its own columns into its own accumulator, and the accumulators are
 *       summed at the end. The work is balanced exactly, no thread packs or reads another's data, and no barrier
 *       is needed per panel.</li>
 *   <li>Few long rows (d > {@value #KC_MAX}, n ≤ {@link GramRowPanels#maxRows()}, e.g. n = 100, d = 10^6): the
 *       gathers of the pack and the column mean took about a third of the time there, so these shapes go to
 *       {@link GramRowPanels}, a dot-product kernel over row-major centred panels (no gather). Its bits differ
 *       from the packed kernels'; d ≤ {@value #KC_MAX} (Multi-Krum's and the demo's blocks) never goes there.
 *       For distances it shifts the rows by a median of three rows instead of μ, and centres only when that
 *       shift would cost precision ({@link GramRowPanels#shiftKeepsPrecision}).</li>
 * </ul>
 *
 * <p>Scratch per thread: one packed panel (≈ n·kc floats) and one accumulator of ≈ n²/2 doubles, held in a
 * {@link Workspace} that repeated callers keep. Thread-safe without a shared workspace; the caller must not
 * modify {@code block} during a call.
 */
public final class GramMatrix {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats that widen to one vector of doubles. */
    private static final VectorSpecies<Float> H = VectorSpecies.of(float.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    private static final int W = S.length();
    private static final int HW = H.length();
    /** Tile rows (broadcast side; divides W, which is at least 4) and column strips (vector side). */
    private static final int MR = 4;
    /**
     * Column strips per tile, chosen from the register file: 512-bit vectors come with 32 registers (AVX-512), so
     * a 4×4 tile (16 accumulators) fits; 256-bit AVX2 has 16, which a 4×2 tile (8 accumulators) fills.
     */
    static final int NS = S.vectorBitSize() >= 512 ? 4 : 2;
    /** The widest tile the kernels have, for the scratch. */
    private static final int TILE_MAX = MR * 4 * W;
    /** k-panel length bounds: at KC_MIN a strip pair (2·W·kc floats, 16 KiB at W = 8) fits L1; KC_MAX bounds
     * the float accumulation per element (error ~ √kc ulp, kept well under the 1e-5 contract). */
    private static final int KC_MIN = 256;
    private static final int KC_MAX = 1024;
    /**
     * Bytes of a column group's k-block: the panel is walked k-block by k-block so that the group's strips (ns·W
     * floats per k) stay in L1 while every row's tile passes over them; a whole 1024-long group (256 KiB at
     * W = 16) streamed from L2 per tile, which the L2 could not feed at the FMA rate.
     */
    private static final int L1_GROUP_BYTES = 16 << 10;
    /** Largest packed panel still given a longer k-panel: fewer, longer panels amortize the per-tile write-back
     * and read each row in longer contiguous runs, which the hardware prefetcher rewards. */
    private static final int PANEL_BYTES = 448 << 10;
    /** Below this many multiply-adds, handing half to another thread costs more than it saves. */
    private static final double PARALLEL_MIN_FMAS = 1 << 22;

    private GramMatrix() {
    }

    /**
     * Floating-point operations of one call for (n, d), counted as computed: n(n+1)/2 dot products of length d
     * (lower triangle incl. diagonal) at 2 FLOP per multiply-add. The O(n·d) mean and centring and the tile
     * overhang at the diagonal are not counted, so GFLOP/s derived from it are a lower bound.
     */
    public static double flops(final int n, final int d) {
        return (double) n * (n + 1) * d;
    }

    /**
     * Writes the centred Gram matrix out[i*n+j] = (x_i − μ)·(x_j − μ), μ the column mean of the block (computed
     * here, rounded to float), as a full symmetric n×n row-major matrix; x_i is row i of the row-major
     * {@code block} (offset i*d). Exactly symmetric.
     *
     * @throws IllegalArgumentException if n or d is not positive, or an array is too short
     */
    public static void centredGram(final float[] block, final int n, final int d, final double[] out) {
        centredGram(block, n, d, out, new Workspace(Parallel.threads()));
    }

    /** {@link #centredGram(float[], int, int, double[])} with reusable scratch and a thread limit. */
    public static void centredGram(final float[] block, final int n, final int d, final double[] out, final Workspace ws) {
        check(block, n, d, out);
        lowerGram(block, n, d, out, ws, NS, false);
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                out[j * n + i] = out[i * n + j];
            }
        }
    }

    /**
     * Writes out[i*n+j] = ‖x_i − x_j‖², computed as G_ii + G_jj − 2·G_ij from the centred Gram matrix
     * ({@link #centredGram}); clamped at 0 (rounding can make the difference slightly negative), exactly 0 on
     * the diagonal, exactly symmetric.
     *
     * @throws IllegalArgumentException if n or d is not positive, or an array is too short
     */
    public static void pairwiseSquaredDistances(final float[] block, final int n, final int d, final double[] out) {
        pairwiseSquaredDistances(block, n, d, out, new Workspace(Parallel.threads()));
    }

    /** {@link #pairwiseSquaredDistances(float[], int, int, double[])} with reusable scratch and a thread limit. */
    public static void pairwiseSquaredDistances(final float[] block, final int n, final int d, final double[] out,
                                                final Workspace ws) {
        pairwiseSquaredDistances(block, n, d, out, ws, NS);
    }

    /** {@link #pairwiseSquaredDistances(float[], int, int, double[], Workspace)} with tiles of ns column strips. */
    static void pairwiseSquaredDistances(final float[] block, final int n, final int d, final double[] out,
                                         final Workspace ws, final int ns) {
        lowerSquaredDistances(block, n, d, out, ws, ns);
        for (int i = 1; i < n; i++) {
            final int row = i * n;
            for (int j = 0; j < i; j++) {
                out[j * n + i] = out[row + j];
            }
        }
    }

    /**
     * {@link #pairwiseSquaredDistances(float[], int, int, double[], Workspace)}, the same bits, written to the lower
     * triangle only: out[i*n+j] for j ≤ i; the upper triangle is left as it was. Half the writes, none of them down
     * a column: for {@link KrumScores#scoresFromLower}, which reads only this half.
     */
    public static void lowerSquaredDistances(final float[] block, final int n, final int d, final double[] out,
                                             final Workspace ws) {
        lowerSquaredDistances(block, n, d, out, ws, NS);
    }

    static void lowerSquaredDistances(final float[] block, final int n, final int d, final double[] out,
                                      final Workspace ws, final int ns) {
        check(block, n, d, out);
        if (ns != 2 && ns != 4) {
            throw new IllegalArgumentException("ns=" + ns + ": the kernels have tiles of 2 or 4 column strips");
        }
        lowerGram(block, n, d, out, ws, ns, true);
    }

    private static void check(final float[] block, final int n, final int d, final double[] out) {
        if (n <= 0 || d <= 0) {
            throw new IllegalArgumentException("n=" + n + ", d=" + d + ": both must be positive");
        }
        if (block.length < (long) n * d) {
            throw new IllegalArgumentException("block has " + block.length + " floats, n*d=" + (long) n * d);
        }
        if (out.length < (long) n * n) {
            throw new IllegalArgumentException("out has " + out.length + " doubles, n*n=" + (long) n * n);
        }
    }

    /**
     * Scratch for repeated calls: per-thread packed panels and accumulators, grown on demand and then
     * reused, so that a tier aggregating thousands of blocks per round allocates nothing after its
     * first. Also fixes the number of threads a call may use: a tier that runs one block per core
     * passes 1. Not thread-safe: one workspace per concurrent caller.
     */
    public static final class Workspace {
        private final int maxThreads;
        final double[][] accs;
        final float[][] panels;
        /** The panels as heap segments, for {@link GramRowPanels}' alignment probe (made once per growth). */
        final MemorySegment[] panelViews;
        final float[][] means;
        final double[][] sums;
        private final int[][] rowOffsets;
        private final float[][] tiles;
        double[] diag = new double[0];
        double[] centred = new double[0]; // scratch of GramRowPanels.shiftKeepsPrecision
        /** Calls whose shift read from three rows failed {@link GramRowPanels#shiftKeepsPrecision} (for tests). */
        int centredAgain;
        private int[] bounds;

        /** @param threads the most threads one call may use, at least 1; {@link Parallel#threads()} for all */
        public Workspace(final int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.maxThreads = threads;
            this.accs = new double[threads][0];
            this.panels = new float[threads][0];
            this.panelViews = new MemorySegment[threads];
            for (int t = 0; t < threads; t++) {
                panelViews[t] = MemorySegment.ofArray(panels[t]);
            }
            this.means = new float[threads][KC_MAX];
            this.sums = new double[threads][KC_MAX];
            this.rowOffsets = new int[threads][W];
            this.tiles = new float[threads][0];
            this.bounds = new int[threads + 1];
        }

        void ensure(final int threads, final int accLength, final int panelLength, final int n) {
            for (int t = 0; t < threads; t++) {
                if (accs[t].length < accLength) {
                    accs[t] = new double[accLength];
                } else {
                    Arrays.fill(accs[t], 0, accLength, 0.0);
                }
                if (panels[t].length < panelLength) {
                    panels[t] = new float[panelLength];
                    panelViews[t] = MemorySegment.ofArray(panels[t]);
                }
                // One column group's float tiles: the rows' tiles at full width.
                final int tileLength = ((n + MR - 1) / MR) * TILE_MAX;
                if (tiles[t].length < tileLength) {
                    tiles[t] = new float[tileLength];
                }
            }
            if (diag.length < n) {
                diag = new double[n];
                centred = new double[n];
            }
        }
    }

    /**
     * Fills the lower triangle (incl. diagonal) of out with the centred Gram matrix, or with the squared distances
     * if {@code distances}, using column groups of {@code ns} strips.
     */
    static void lowerGram(final float[] x, final int n, final int d, final double[] out, final Workspace ws,
                          final int ns, final boolean distances) {
        final int colStrips = (n + W - 1) / W;
        // Whole strips: tiles overhang n by up to MR - 1 rows (MR divides W), which read zeros.
        final int rows = colStrips * W;
        final int tileLength = MR * ns * W;
        int tiles = 0;
        for (int js = 0; js < colStrips; js += ns) {
            tiles += (n - firstRow(js) + MR - 1) / MR;
        }
        final int accLength = tiles * tileLength;
        int panelLength = KC_MAX;
        while (panelLength > KC_MIN && 4L * rows * panelLength > PANEL_BYTES) {
            panelLength /= 2;
        }
        final int kcMax = panelLength;
        final int threads = (double) n * n * d / 2 < PARALLEL_MIN_FMAS ? 1 : Math.min(ws.maxThreads, d);
        if (distances && threads == 1 && d <= kcMax) {
            // One panel on one thread: each tile is already its element's whole sum, so the distances are written
            // from the tiles as they are computed, with no n²/2-double accumulator to clear, fill and read back.
            ws.ensure(1, 0, rows * kcMax, n);
            singlePanelDistances(x, n, d, colStrips, rows, ns, ws, out);
            return;
        }
        if (d > KC_MAX && n <= GramRowPanels.maxRows()) {
            // Few long rows: the dot-product kernel, which copies rows instead of gathering them.
            GramRowPanels.lowerGram(x, n, d, out, ws, threads, distances);
            return;
        }
        ws.ensure(threads, accLength, rows * kcMax, n);
        if (threads == 1) {
            columnRange(x, n, d, 0, d, kcMax, colStrips, rows, ns, ws, 0);
        } else {
            splitColumns(ws, d, threads, (from, to, t) -> columnRange(x, n, d, from, to, kcMax, colStrips, rows, ns, ws, t));
        }
        if (distances) {
            diagonal(ws.accs, threads, n, colStrips, ns, ws.diag);
        }
        unpack(ws.accs, threads, n, colStrips, ns, distances ? ws.diag : null, out);
    }

    /** Work on the columns [from, to) of a block, with thread t's scratch. */
    @FunctionalInterface
    interface ColumnRange {
        void run(int from, int to, int t);
    }

    /**
     * Runs body over d split into {@code threads} (at least 2) contiguous ranges, one per thread: the work is
     * balanced exactly, no thread reads another's columns, and no barrier is needed. One thread calls its range
     * directly instead: the capturing lambda would be the call's only allocation.
     */
    static void splitColumns(final Workspace ws, final int d, final int threads, final ColumnRange body) {
        final int[] bounds = ws.bounds.length == threads + 1 ? ws.bounds : new int[threads + 1];
        for (int t = 0; t <= threads; t++) {
            bounds[t] = (int) ((long) d * t / threads);
        }
        Parallel.forBoundaries(bounds, (from, to) -> body.run(from, to, Arrays.binarySearch(bounds, 0, threads, from)));
    }

    /** The distances of a block whose d fits one panel, on the calling thread (see {@link #lowerGram}). */
    private static void singlePanelDistances(final float[] x, final int n, final int d, final int colStrips,
                                             final int rows, final int ns, final Workspace ws, final double[] out) {
        final float[] p = ws.panels[0];
        final int[] rowOffsets = ws.rowOffsets[0];
        for (int r = 0; r < W; r++) {
            rowOffsets[r] = r * d;
        }
        columnMean(x, n, d, 0, d, ws.sums[0], ws.means[0]);
        pack(x, n, d, ws.means[0], 0, d, p, rows, rowOffsets);
        squaredNorms(p, n, d, colStrips, ws.tiles[0], ws.diag);
        panel(p, n, d, colStrips, ns, null, ws.tiles[0], ws.diag, out);
    }

    /**
     * diag[i] = G_ii = 0.0 + (double) Σ_k P_ik² for a single panel of length kc, the float sum taken as the kernels
     * take it (lane by lane, k upwards, one FMA per k from +0.0), so that it has their bits.
     */
    private static void squaredNorms(final float[] p, final int n, final int kc, final int colStrips,
                                     final float[] scratch, final double[] diag) {
        final int sw = kc * W;
        for (int s = 0; s < colStrips; s++) {
            FloatVector c = FloatVector.zero(S);
            for (int k = 0, o = s * sw; k < kc; k++, o += W) {
                final FloatVector v = FloatVector.fromArray(S, p, o);
                c = v.fma(v, c);
            }
            c.intoArray(scratch, 0);
            for (int r = 0; r < W && s * W + r < n; r++) {
                diag[s * W + r] = 0.0 + scratch[r];
            }
        }
    }

    /** One thread's share: columns [from, to) packed panel by panel into its own accumulator. */
    private static void columnRange(final float[] x, final int n, final int d, final int from, final int to,
                                    final int kcMax, final int colStrips, final int rows, final int ns, final Workspace ws,
                                    final int t) {
        final double[] acc = ws.accs[t];
        final float[] p = ws.panels[t];
        final float[] mean = ws.means[t];
        final double[] sum = ws.sums[t];
        final int[] rowOffsets = ws.rowOffsets[t];
        for (int r = 0; r < W; r++) {
            rowOffsets[r] = r * d;
        }
        for (int k0 = from; k0 < to; k0 += kcMax) {
            final int kc = Math.min(kcMax, to - k0);
            columnMean(x, n, d, k0, kc, sum, mean);
            pack(x, n, d, mean, k0, kc, p, rows, rowOffsets);
            panel(p, n, kc, colStrips, ns, acc, ws.tiles[t], null, null);
        }
    }

    private static int firstRow(final int js) {
        return js * W / MR * MR;
    }

    /** mean[c] = (float) (Σ_i x[i*d + k0 + c]) / n for c in [0, kc), summed in double; also for {@link GramRowPanels}. */
    static void columnMean(final float[] x, final int n, final int d, final int k0, final int kc,
                                   final double[] sum, final float[] mean) {
        Arrays.fill(sum, 0, kc, 0.0);
        final int bound = kc - kc % HW;
        int i = 0;
        // Four rows per load and store of the sums, added in row order: the same bits as one row at a time.
        for (; i + 4 <= n; i += 4) {
            final int off = i * d + k0;
            int c = 0;
            for (; c < bound; c += HW) {
                DoubleVector.fromArray(D, sum, c).add(wide(x, off + c)).add(wide(x, off + d + c))
                    .add(wide(x, off + 2 * d + c)).add(wide(x, off + 3 * d + c)).intoArray(sum, c);
            }
            for (; c < kc; c++) {
                sum[c] = sum[c] + x[off + c] + x[off + d + c] + x[off + 2 * d + c] + x[off + 3 * d + c];
            }
        }
        for (; i < n; i++) {
            final int off = i * d + k0;
            int c = 0;
            for (; c < bound; c += HW) {
                DoubleVector.fromArray(D, sum, c).add(wide(x, off + c)).intoArray(sum, c);
            }
            for (; c < kc; c++) {
                sum[c] += x[off + c];
            }
        }
        for (int c = 0; c < kc; c++) {
            mean[c] = (float) (sum[c] / n);
        }
    }

    /**
     * Packs columns [k0, k0+kc) of every row, centred, as p[(r/W)*kc*W + k*W + r%W] = x[r*d + k0 + k] − mean[k];
     * rows in [n, rows) are zero. Whole strips gather W rows per k (rowOffsets[r] = r·d); the last, partial
     * strip goes one element at a time.
     */
    private static void pack(final float[] x, final int n, final int d, final float[] mean, final int k0, final int kc,
                             final float[] p, final int rows, final int[] rowOffsets) {
        final int full = n / W;
        for (int s = 0; s < full; s++) {
            final int src = s * W * d + k0;
            final int dst = s * kc * W;
            for (int k = 0; k < kc; k++) {
                FloatVector.fromArray(S, x, src + k, rowOffsets, 0).sub(mean[k]).intoArray(p, dst + k * W);
            }
        }
        for (int r = full * W; r < rows; r++) {
            final int dst = r / W * kc * W + r % W;
            if (r < n) {
                final int src = r * d + k0;
                for (int k = 0; k < kc; k++) {
                    p[dst + k * W] = x[src + k] - mean[k];
                }
            } else {
                for (int k = 0; k < kc; k++) {
                    p[dst + k * W] = 0f;
                }
            }
        }
    }

    /**
     * One k-panel: every lower-triangle tile, column group by group (ns strips, re-read for every row block, so
     * they stay in cache), rows downwards. A tile near the diagonal needs only the strips left of its rows, or the
     * group is the last and narrower: it is computed by the 4×2 and 4×1 kernels over the strips it needs.
     */
    private static void panel(final float[] p, final int n, final int kc, final int colStrips, final int ns,
                              final double[] acc, final float[] ft, final double[] diag, final double[] out) {
        final int sw = kc * W;
        final int nr = ns * W;
        final int tileLength = MR * nr;
        final int kb = L1_GROUP_BYTES / (4 * nr);
        int t = 0;
        for (int js = 0; js < colStrips; js += ns) {
            final int first = firstRow(js);
            final int groupTiles = (n - first + MR - 1) / MR;
            Arrays.fill(ft, 0, groupTiles * tileLength, 0f);
            final int pb = js * sw;
            for (int k0 = 0; k0 < kc; k0 += kb) {
                final int k1 = Math.min(kc, k0 + kb);
                for (int i0 = first, fo = 0; i0 < n; i0 += MR, fo += tileLength) {
                    final int pa = i0 / W * sw + i0 % W;
                    // Strips js .. i0/W hold the columns j <= i of these rows (MR divides W: one strip holds them all).
                    final int width = width(i0, js, ns, colStrips);
                    int s = 0;
                    if (width == 4) {
                        GramKernels.kernel4x4(p, pa, pb, sw, k0, k1, ft, fo, nr);
                        s = 4;
                    }
                    for (; s + 2 <= width; s += 2) {
                        GramKernels.kernel4x2(p, pa, pb + s * sw, sw, k0, k1, ft, fo + s * W, nr);
                    }
                    if (s < width) {
                        GramKernels.kernel4x1(p, pa, pb + s * sw, k0, k1, ft, fo + s * W, nr);
                    }
                }
            }
            for (int i0 = first, fo = 0; i0 < n; i0 += MR, fo += tileLength, t++) {
                final int width = width(i0, js, ns, colStrips) * W;
                if (out == null) {
                    widenAdd(acc, t * tileLength, nr, ft, fo, width);
                } else {
                    distances(ft, fo, nr, width, i0, js * W, n, diag, out);
                }
            }
        }
    }

    /** Column strips a tile of rows i0.. in the group from strip js needs: those left of its rows, at most ns. */
    private static int width(final int i0, final int js, final int ns, final int colStrips) {
        return Math.min(Math.min(ns, i0 / W - js + 1), colStrips - js);
    }

    /**
     * out[i·n + j] = max(0, G_ii + G_jj − 2·G_ij) for the tile's rows i < n and columns j < i, 0 at j = i, with
     * G_ij = 0.0 + (double) tile value: the bits the accumulator path gives, since there a single panel's float is
     * widened and added to 0.0 once.
     */
    private static void distances(final float[] ft, final int fo, final int nr, final int width, final int i0,
                                  final int j0, final int n, final double[] diag, final double[] out) {
        for (int r = 0; r < MR && i0 + r < n; r++) {
            final int i = i0 + r;
            final int row = i * n;
            final double di = diag[i];
            final int end = Math.min(width, i - j0);
            int c = 0;
            for (; c + HW <= end; c += HW) {
                final DoubleVector g = wide(ft, fo + r * nr + c);
                DoubleVector.fromArray(D, diag, j0 + c).add(di).sub(g.add(0.0).mul(2.0)).max(0.0)
                    .intoArray(out, row + j0 + c);
            }
            for (; c < end; c++) {
                out[row + j0 + c] = Math.max(0.0, di + diag[j0 + c] - 2.0 * (0.0 + ft[fo + r * nr + c]));
            }
            if (i - j0 < width) {
                out[row + i] = 0.0;
            }
        }
    }

    /** HW floats from x[at], widened to doubles. */
    static DoubleVector wide(final float[] x, final int at) {
        return (DoubleVector) FloatVector.fromArray(H, x, at).convertShape(VectorOperators.F2D, D, 0);
    }

    /** acc[ao + r*nr + c] += ft[fo + r*nr + c] for r < MR, c < width, widened to double; width is a multiple of HW. */
    private static void widenAdd(final double[] acc, final int ao, final int nr, final float[] ft, final int fo,
                                 final int width) {
        for (int r = 0; r < MR; r++) {
            final int o = ao + r * nr;
            final int from = fo + r * nr;
            for (int i = 0; i < width; i += HW) {
                DoubleVector.fromArray(D, acc, o + i).add(wide(ft, from + i)).intoArray(acc, o + i);
            }
        }
    }

    /** diag[i] = G_ii, summed over the threads' accumulators in the order {@link #unpack} sums them. */
    private static void diagonal(final double[][] accs, final int threads, final int n, final int colStrips,
                                 final int ns, final double[] diag) {
        final int nr = ns * W;
        final int tileLength = MR * nr;
        int t = 0;
        for (int js = 0; js < colStrips; js += ns) {
            final int j0 = js * W;
            for (int i0 = firstRow(js); i0 < n; i0 += MR, t++) {
                for (int r = 0; r < MR && i0 + r < n; r++) {
                    final int c = i0 + r - j0;
                    if (c < nr) {
                        double s = 0.0;
                        for (int a = 0; a < threads; a++) {
                            s += accs[a][t * tileLength + r * nr + c];
                        }
                        diag[i0 + r] = s;
                    }
                }
            }
        }
    }

    /**
     * Sums the threads' tile accumulators into the lower triangle of out, walking the tiles as panel() does: G_ij,
     * or with {@code diag} the distance max(0, G_ii + G_jj − 2·G_ij), 0 on the diagonal.
     */
    private static void unpack(final double[][] accs, final int threads, final int n, final int colStrips, final int ns,
                               final double[] diag, final double[] out) {
        final int nr = ns * W;
        final int tileLength = MR * nr;
        int t = 0;
        for (int js = 0; js < colStrips; js += ns) {
            final int j0 = js * W;
            for (int i0 = firstRow(js); i0 < n; i0 += MR, t++) {
                for (int r = 0; r < MR && i0 + r < n; r++) {
                    final int i = i0 + r;
                    final int ao = t * tileLength + r * nr;
                    final int end = Math.min(nr, i - j0 + 1);
                    for (int c = 0; c < end; c++) {
                        double s = 0.0;
                        for (int a = 0; a < threads; a++) {
                            s += accs[a][ao + c];
                        }
                        out[i * n + j0 + c] = diag == null ? s
                            : j0 + c == i ? 0.0 : Math.max(0.0, diag[i] + diag[j0 + c] - 2.0 * s);
                    }
                }
            }
        }
    }

    /**
     * The lower triangle's Gram entries to distances in place, max(0, G_ii + G_jj − 2·G_ij), 0 on the diagonal; diag
     * (n doubles) is scratch. The packed kernels' {@link #unpack} fuses the same step with summing their tiles.
     */
    static void distancesFromLowerGram(final double[] out, final int n, final double[] diag) {
        for (int i = 0; i < n; i++) {
            diag[i] = out[i * n + i];
        }
        for (int i = 0; i < n; i++) {
            final int row = i * n;
            for (int j = 0; j < i; j++) {
                out[row + j] = Math.max(0.0, diag[i] + diag[j] - 2.0 * out[row + j]);
            }
            out[row + i] = 0.0;
        }
    }
}
