package io.canopy.kernel;

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
 *   <li>A micro-kernel computes an MR×NR tile of G (4 rows × 2 vectors of columns) as a sum of outer products
 *       over the panel: per k it loads one vector from each of two column strips and broadcasts 4 row values.
 *       The panel is walked strip pair by strip pair, rows downwards, so the strip pair (16 KiB at kc = 256)
 *       stays in L1 while the row values stream from L2. Its 8 float accumulators, 2 column vectors and the
 *       broadcasts fit the 16 AVX2 registers; a 6×2 tile made C2 spill accumulators to the stack. Tiles on the
 *       diagonal that need only the first strip use a 4×1 kernel.</li>
 *   <li>Accumulation is in float within a panel (at most {@value #KC_MAX} products per element), then each tile is
 *       widened and added into a double accumulator, so precision does not degrade with d.</li>
 *   <li>Symmetry: only tiles touching the lower triangle (incl. diagonal) are computed.</li>
 *   <li>Two cores: d is split in as many contiguous ranges as threads ({@link Parallel#forBoundaries}); each
 *       thread packs and multiplies only its own columns into its own accumulator, and the accumulators are
 *       summed at the end. The work is balanced exactly, no thread packs or reads another's data, and no barrier
 *       is needed per panel.</li>
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
    private static final int NS = 2;
    private static final int NR = NS * W;
    private static final int TILE = MR * NR;
    /** k-panel length bounds: at KC_MIN a strip pair (2·W·kc floats, 16 KiB at W = 8) fits L1; KC_MAX bounds
     * the float accumulation per element (error ~ √kc ulp, kept well under the 1e-5 contract). */
    private static final int KC_MIN = 256;
    private static final int KC_MAX = 1024;
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
        lowerGram(block, n, d, out, ws);
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
        check(block, n, d, out);
        lowerGram(block, n, d, out, ws);
        final double[] diag = ws.diag;
        for (int i = 0; i < n; i++) {
            diag[i] = out[i * n + i];
            out[i * n + i] = 0.0;
        }
        for (int i = 1; i < n; i++) {
            final int row = i * n;
            for (int j = 0; j < i; j++) {
                final double v = Math.max(0.0, diag[i] + diag[j] - 2.0 * out[row + j]);
                out[row + j] = v;
                out[j * n + i] = v;
            }
        }
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
        private final double[][] accs;
        private final float[][] panels;
        private final float[][] means;
        private final double[][] sums;
        private final int[][] rowOffsets;
        private final float[][] tiles;
        private double[] diag = new double[0];
        private int[] bounds;

        /** @param threads the most threads one call may use, at least 1; {@link Parallel#threads()} for all */
        public Workspace(final int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.maxThreads = threads;
            this.accs = new double[threads][0];
            this.panels = new float[threads][0];
            this.means = new float[threads][KC_MAX];
            this.sums = new double[threads][KC_MAX];
            this.rowOffsets = new int[threads][W];
            this.tiles = new float[threads][TILE];
            this.bounds = new int[threads + 1];
        }

        private void ensure(final int threads, final int accLength, final int panelLength, final int n) {
            for (int t = 0; t < threads; t++) {
                if (accs[t].length < accLength) {
                    accs[t] = new double[accLength];
                } else {
                    Arrays.fill(accs[t], 0, accLength, 0.0);
                }
                if (panels[t].length < panelLength) {
                    panels[t] = new float[panelLength];
                }
            }
            if (diag.length < n) {
                diag = new double[n];
            }
        }
    }

    /** Fills the lower triangle (incl. diagonal) of out with the centred Gram matrix. */
    private static void lowerGram(final float[] x, final int n, final int d, final double[] out, final Workspace ws) {
        final int colStrips = (n + W - 1) / W;
        // Whole strips: tiles overhang n by up to MR - 1 rows (MR divides W), which read zeros.
        final int rows = colStrips * W;
        int tiles = 0;
        for (int js = 0; js < colStrips; js += NS) {
            tiles += (n - firstRow(js) + MR - 1) / MR;
        }
        final int accLength = tiles * TILE;
        int panelLength = KC_MAX;
        while (panelLength > KC_MIN && 4L * rows * panelLength > PANEL_BYTES) {
            panelLength /= 2;
        }
        final int kcMax = panelLength;
        final int threads = (double) n * n * d / 2 < PARALLEL_MIN_FMAS ? 1 : Math.min(ws.maxThreads, d);
        ws.ensure(threads, accLength, rows * kcMax, n);
        if (threads == 1) {
            columnRange(x, n, d, 0, d, kcMax, colStrips, rows, ws, 0);
        } else {
            final int[] bounds = ws.bounds.length == threads + 1 ? ws.bounds : new int[threads + 1];
            for (int t = 0; t <= threads; t++) {
                bounds[t] = (int) ((long) d * t / threads);
            }
            Parallel.forBoundaries(bounds, (from, to) ->
                columnRange(x, n, d, from, to, kcMax, colStrips, rows, ws, Arrays.binarySearch(bounds, 0, threads, from)));
        }
        unpack(ws.accs, threads, n, colStrips, out);
    }

    /** One thread's share: columns [from, to) packed panel by panel into its own accumulator. */
    private static void columnRange(final float[] x, final int n, final int d, final int from, final int to,
                                    final int kcMax, final int colStrips, final int rows, final Workspace ws, final int t) {
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
            panel(p, n, kc, colStrips, acc, ws.tiles[t]);
        }
    }

    private static int firstRow(final int js) {
        return js * W / MR * MR;
    }

    /** mean[c] = (float) (Σ_i x[i*d + k0 + c]) / n for c in [0, kc), summed in double. */
    private static void columnMean(final float[] x, final int n, final int d, final int k0, final int kc,
                                   final double[] sum, final float[] mean) {
        Arrays.fill(sum, 0, kc, 0.0);
        final int bound = kc - kc % HW;
        for (int i = 0; i < n; i++) {
            final int off = i * d + k0;
            int c = 0;
            for (; c < bound; c += HW) {
                final DoubleVector v = (DoubleVector) FloatVector.fromArray(H, x, off + c).convertShape(VectorOperators.F2D, D, 0);
                DoubleVector.fromArray(D, sum, c).add(v).intoArray(sum, c);
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

    /** One k-panel: every lower-triangle tile, column-strip pair by pair (the pair stays in L1), rows downwards. */
    private static void panel(final float[] p, final int n, final int kc, final int colStrips, final double[] acc,
                              final float[] tile) {
        final int sw = kc * W;
        int t = 0;
        for (int js = 0; js < colStrips; js += NS) {
            // Rows above `narrow` meet no column of the second strip in the lower triangle, or there is none.
            final int narrow = js + 1 < colStrips ? (js + 1) * W : Integer.MAX_VALUE;
            for (int i0 = firstRow(js); i0 < n; i0 += MR, t++) {
                if (i0 + MR <= narrow) {
                    kernelNarrow(p, i0 / W * sw + i0 % W, js * sw, kc, acc, t * TILE, tile);
                } else {
                    kernel(p, i0 / W * sw + i0 % W, js * sw, sw, kc, acc, t * TILE, tile);
                }
            }
        }
    }

    /**
     * acc[ao + r*NR + c] += Σ_k P[row i0+r, k]·P[column j0+c, k] for r < MR, c < NR: pa is row i0's offset in its
     * strip, pb the column strip pair's offset, sw the length of one strip.
     */
    private static void kernel(final float[] p, final int pa, final int pb, final int sw, final int kc,
                               final double[] acc, final int ao, final float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            final int kw = k * W;
            final FloatVector b0 = FloatVector.fromArray(S, p, pb + kw);
            final FloatVector b1 = FloatVector.fromArray(S, p, pb + sw + kw);
            FloatVector a = FloatVector.broadcast(S, p[pa + kw]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, p[pa + kw + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, p[pa + kw + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, p[pa + kw + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
        }
        // Through memory, not as arguments: a vector passed to a call C2 does not inline is boxed on the heap.
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + W);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + W);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + W);
        widenAdd(acc, ao, tile, 0, TILE);
    }

    /** {@link #kernel} restricted to the first column strip: acc[ao + r*NR + c] for c < W only. */
    private static void kernelNarrow(final float[] p, final int pa, final int pb, final int kc,
                                     final double[] acc, final int ao, final float[] tile) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            final int kw = k * W;
            final FloatVector b = FloatVector.fromArray(S, p, pb + kw);
            c0 = b.fma(FloatVector.broadcast(S, p[pa + kw]), c0);
            c1 = b.fma(FloatVector.broadcast(S, p[pa + kw + 1]), c1);
            c2 = b.fma(FloatVector.broadcast(S, p[pa + kw + 2]), c2);
            c3 = b.fma(FloatVector.broadcast(S, p[pa + kw + 3]), c3);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        for (int r = 0; r < MR; r++) {
            widenAdd(acc, ao + r * NR, tile, r * NR, W);
        }
    }

    /** acc[o .. o+length) += tile[from .. from+length), widened to double; length is a multiple of HW. */
    private static void widenAdd(final double[] acc, final int o, final float[] tile, final int from, final int length) {
        for (int i = 0; i < length; i += HW) {
            final DoubleVector wide = (DoubleVector) FloatVector.fromArray(H, tile, from + i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector.fromArray(D, acc, o + i).add(wide).intoArray(acc, o + i);
        }
    }

    /** Sums the threads' tile accumulators into the lower triangle of out, walking the tiles as panel() does. */
    private static void unpack(final double[][] accs, final int threads, final int n, final int colStrips, final double[] out) {
        int t = 0;
        for (int js = 0; js < colStrips; js += NS) {
            final int j0 = js * W;
            for (int i0 = firstRow(js); i0 < n; i0 += MR, t++) {
                for (int r = 0; r < MR && i0 + r < n; r++) {
                    final int i = i0 + r;
                    for (int c = 0; c < NR && j0 + c <= i; c++) {
                        double s = 0.0;
                        for (int a = 0; a < threads; a++) {
                            s += accs[a][t * TILE + r * NR + c];
                        }
                        out[i * n + j0 + c] = s;
                    }
                }
            }
        }
    }

}
