package io.canopy.kernel;

/**
 * Coordinate-wise trimmed mean and median of an n×d row-major block: for every column, drop the k
 * smallest and the k largest of its n values and average the other n−2k (Yin et al. 2018,
 * "Byzantine-robust distributed learning: towards optimal statistical rates", ICML). The median is
 * the case k = ⌊(n−1)/2⌋: the middle value, or the mean of the two middle values for even n.
 *
 * <p><b>SIMD path (n ≤ {@value #MAX_SIMD_ROWS}).</b> One coordinate per lane: row i's columns
 * [j, j+L) are one contiguous vector, so a block of L columns becomes n vectors in a per-thread scratch,
 * and {@link LaneSelection} splits every lane into its k smallest, middle and k largest values without
 * sorting it (register insertion buffers for small k, a pruned Batcher network otherwise). Blocks are
 * loaded a tile at a time (up to 64 blocks, 128 KiB of scratch, in L2), row by row, so that each row is
 * read in runs of up to 2 KiB, which the prefetchers follow far better than 100 interleaved runs of 32
 * bytes (n = 100, d = 1e6, one thread: loads took about 1.9 ns per value one block at a time, 1.0–1.6 with
 * tiles of 8 blocks, 0.5–0.6 with tiles of 32–64). The last, partial block of columns is copied to a
 * zero-padded staging block first.
 *
 * <p><b>Scalar path (larger n).</b> A tile of L columns is transposed into scratch and each column is
 * partitioned by two quickselects ({@link ScalarSelection}); no column is fully sorted.
 *
 * <p><b>Accuracy and determinism.</b> Both paths add the kept values in double with an accumulation
 * whose result does not depend on their order (a grid-rounded exact sum, or an exact integer one), divide
 * in double and round once to float: the output depends only on each column's multiset of values, so
 * permuting the rows gives the same bits, and it is within 2^-35 (relative to the mean absolute kept
 * value) of a double-precision sort-based mean. Medians equal a sort-based median bit for bit. Outputs
 * are finite whenever the inputs are.
 *
 * <p>Columns are split over the cores with {@link Parallel#forRange}. Thread-safe; allocates only
 * per call and per chunk (scratch), never per element.
 */
public final class CoordinateSelection {

    /** Largest number of rows handled by the SIMD path; above it the scalar path runs. */
    public static final int MAX_SIMD_ROWS = 256;

    private static final int L = LaneSelection.lanes();

    // Below ~64k elements per chunk, handing work to another thread costs more than it saves.
    private static final int MIN_ELEMENTS_PER_CHUNK = 1 << 16;

    // Scratch per tile stays within this many bytes, in L2 (1 MiB per core here); see the class comment.
    private static final int TILE_BYTES = 128 * 1024;
    private static final int MAX_TILE_BLOCKS = 64;

    /** The last plan used; consecutive rounds use the same (n, k). */
    private static volatile LaneSelection.Plan lastPlan;

    private CoordinateSelection() {
    }

    /**
     * Writes the coordinate-wise trimmed mean of {@code data} (n rows of d floats, row-major, all
     * finite) to {@code out[0, d)}, choosing the SIMD or the scalar path by n.
     *
     * @throws IllegalArgumentException unless {@code k ≥ 0}, {@code 2k < n}, and the arrays are long enough
     */
    public static void trimmedMean(final float[] data, final int n, final int d, final int k, final float[] out) {
        if (n <= MAX_SIMD_ROWS) {
            trimmedMeanSimd(data, n, d, k, out);
        } else {
            trimmedMeanScalar(data, n, d, k, out);
        }
    }

    /** Coordinate-wise median: {@link #trimmedMean} with k = ⌊(n−1)/2⌋. */
    public static void median(final float[] data, final int n, final int d, final float[] out) {
        trimmedMean(data, n, d, (n - 1) / 2, out);
    }

    /**
     * {@link #trimmedMean} on the SIMD path. Public so tests and benchmarks can pin the path.
     *
     * @throws IllegalArgumentException also if {@code n > MAX_SIMD_ROWS}
     */
    public static void trimmedMeanSimd(final float[] data, final int n, final int d, final int k, final float[] out) {
        check(data, n, d, k, out);
        trimmedMeanSimd(data, d, plan(n, k), out);
    }

    /** {@link #trimmedMeanSimd} with the way of splitting lanes forced, so that tests cover both. */
    static void trimmedMeanSimd(final float[] data, final int n, final int d, final int k, final float[] out,
                                final boolean insertion) {
        check(data, n, d, k, out);
        trimmedMeanSimd(data, d, insertion ? LaneSelection.insertionPlan(n, k) : LaneSelection.networkPlan(n, k), out);
    }

    private static void trimmedMeanSimd(final float[] data, final int d, final LaneSelection.Plan plan, final float[] out) {
        if (plan.n() > MAX_SIMD_ROWS) {
            throw new IllegalArgumentException("SIMD path needs n <= " + MAX_SIMD_ROWS + ", got n=" + plan.n());
        }
        final int blocks = (d + L - 1) / L;
        Parallel.forRange(0, blocks, minBlocksPerChunk(plan.n()), (from, to) -> laneBlocks(data, d, plan, from, to, out));
    }

    /** {@link #trimmedMean} on the scalar quickselect path, whatever n. Public so tests and benchmarks can pin the path. */
    public static void trimmedMeanScalar(final float[] data, final int n, final int d, final int k, final float[] out) {
        check(data, n, d, k, out);
        final int blocks = (d + L - 1) / L;
        Parallel.forRange(0, blocks, minBlocksPerChunk(n), (from, to) -> scalarBlocks(data, n, d, k, from, to, out));
    }

    private static void check(final float[] data, final int n, final int d, final int k, final float[] out) {
        if (!(n >= 1 && d >= 1)) {
            throw new IllegalArgumentException("coordinate selection needs n >= 1 and d >= 1, got n=" + n + ", d=" + d);
        }
        if (!(k >= 0 && 2L * k < n)) {
            throw new IllegalArgumentException("trimmed mean needs 0 <= k and 2k < n, got k=" + k + ", n=" + n);
        }
        if ((long) n * d > data.length) {
            throw new IllegalArgumentException("data has " + data.length + " floats, n*d=" + (long) n * d);
        }
        if (out.length < d) {
            throw new IllegalArgumentException("out has " + out.length + " floats, d=" + d);
        }
    }

    private static int minBlocksPerChunk(final int n) {
        return Math.max(1, MIN_ELEMENTS_PER_CHUNK / (n * L));
    }

    private static LaneSelection.Plan plan(final int n, final int k) {
        final LaneSelection.Plan p = lastPlan;
        if (p != null && p.n() == n && p.k() == k) {
            return p;
        }
        final LaneSelection.Plan fresh = LaneSelection.plan(n, k);
        lastPlan = fresh;
        return fresh;
    }

    private static void laneBlocks(final float[] data, final int d, final LaneSelection.Plan plan,
                                   final int fromBlock, final int toBlock, final float[] out) {
        final int n = plan.n();
        final int wiresPerBlock = LaneSelection.paddedRows(n) * L;
        final int tile = Math.max(1, Math.min(Math.min(MAX_TILE_BLOCKS, toBlock - fromBlock), TILE_BYTES / (4 * wiresPerBlock)));
        final int[] wires = new int[tile * wiresPerBlock];
        final double[] mean = new double[L];
        for (int t = 0; t < tile; t++) {
            LaneSelection.pad(wires, t * wiresPerBlock, n);
        }
        final int fullBlocks = Math.min(toBlock, d / L);
        for (int b = fromBlock; b < fullBlocks; b += tile) {
            final int blocks = Math.min(tile, fullBlocks - b);
            LaneSelection.gatherTile(data, b * L, d, n, blocks, wires, wiresPerBlock);
            for (int t = 0; t < blocks; t++) {
                LaneSelection.trimmedMean(plan, wires, t * wiresPerBlock, mean);
                final int j = (b + t) * L;
                for (int c = 0; c < L; c++) {
                    out[j + c] = (float) mean[c];
                }
            }
        }
        if (toBlock > fullBlocks) {
            final int j = fullBlocks * L;
            final int lanes = d - j;
            // Lanes past d read as 0.0: harmless, their results are never stored.
            final float[] staged = new float[n * L];
            for (int i = 0; i < n; i++) {
                System.arraycopy(data, i * d + j, staged, i * L, lanes);
            }
            LaneSelection.gather(staged, 0, L, n, wires, 0);
            LaneSelection.trimmedMean(plan, wires, 0, mean);
            for (int c = 0; c < lanes; c++) {
                out[j + c] = (float) mean[c];
            }
        }
    }

    private static void scalarBlocks(final float[] data, final int n, final int d, final int k,
                                     final int fromBlock, final int toBlock, final float[] out) {
        // Column c of the current tile lives at columns[c*n, (c+1)*n): each row is read as one run of L floats.
        final float[] columns = new float[n * L];
        final long[] acc = new long[ScalarSelection.BUCKETS];
        final double kept = n - 2 * k;
        for (int b = fromBlock; b < toBlock; b++) {
            final int j = b * L;
            final int lanes = Math.min(L, d - j);
            for (int i = 0, src = j; i < n; i++, src += d) {
                for (int c = 0; c < lanes; c++) {
                    columns[c * n + i] = data[src + c];
                }
            }
            for (int c = 0; c < lanes; c++) {
                final int from = c * n;
                ScalarSelection.partitionMiddle(columns, from, n, k);
                out[j + c] = (float) (ScalarSelection.orderFreeSum(columns, from + k, from + n - k, acc) / kept);
            }
        }
    }
}
