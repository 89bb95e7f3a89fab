package io.canopy.ingest;

/**
 * The rows×d floats of one {@link IngestBlock}, contiguous and row-major, sized by the inputs a group is planned
 * to send rather than by the most it could: capacity is {@code ceil(planned × margin)} rounded up to whole chunks
 * of {@link #CHUNK_ROWS} rows, never above the hard maximum (the cluster size).
 *
 * <p>Why contiguous and not a list of chunks: every reader (Multi-Krum's Gram, the gated sums, the trimmed mean,
 * {@link IngestBlock#completed}) takes one {@code float[]}, and the Gram gathers across rows from it; chunked
 * rows would change every kernel. So the array grows, in whole chunks and with a clear bound instead:
 * <ul>
 *   <li>at {@link IngestBlock#open}, when the block is empty, to the group's planned count — a new array, nothing
 *       copied; a pooled block keeps its array across rounds, so once it has served its largest group it never
 *       allocates again (its size is the largest plan it served, at most the hard maximum);</li>
 *   <li>mid-round, only if more inputs arrive than planned × margin: by one chunk, copying the rows already in
 *       (at most the hard maximum × d floats in all). A cluster's tracker closes once its planned (expected)
 *       count is in, so with a margin of at least 1 this path is a safety net, not the steady state.</li>
 * </ul>
 * Single-threaded, like its block.
 */
final class BlockRows {
    /** Rows added per growth step: small enough that rounding wastes little at d = 10^6 (8 rows are 32 MB). */
    static final int CHUNK_ROWS = 8;
    private static final float[] EMPTY = new float[0];

    private final int maxRows;
    private final int dimension;
    private final double margin;
    private float[] data;
    private int capacity;
    private long grownMidRound;

    /**
     * @param maxRows     the hard maximum: the most inputs a group can ever send
     * @param initialRows rows to allocate now (planned inputs, before the margin)
     * @param margin      capacity per planned input, at least 1 (a smaller one only makes mid-round growth likely)
     */
    BlockRows(int maxRows, int dimension, int initialRows, double margin) {
        if (!(margin > 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be positive and finite, was " + margin);
        }
        this.maxRows = maxRows;
        this.dimension = dimension;
        this.margin = margin;
        this.data = EMPTY;
        reserveFor(initialRows, 0);
    }

    /** Rows for {@code planned} inputs × the margin, in whole chunks, within the hard maximum. */
    int plannedRows(int planned) {
        long wanted = (long) Math.ceil(planned * margin);
        long chunks = (wanted + CHUNK_ROWS - 1) / CHUNK_ROWS;
        return (int) Math.max(1, Math.min(maxRows, chunks * CHUNK_ROWS));
    }

    /**
     * Makes room for {@code planned} inputs (× the margin), keeping the first {@code keep} rows.
     *
     * @return whether the array was replaced
     */
    boolean reserveFor(int planned, int keep) {
        int rows = plannedRows(planned);
        if (rows <= capacity) {
            return false;
        }
        resize(rows, keep);
        return true;
    }

    /**
     * One more chunk, keeping the first {@code keep} rows (the mid-round path).
     *
     * @return false at the hard maximum (nothing changed)
     */
    boolean grow(int keep) {
        if (capacity >= maxRows) {
            return false;
        }
        resize((int) Math.min(maxRows, (long) capacity + CHUNK_ROWS), keep);
        grownMidRound++;
        return true;
    }

    private void resize(int rows, int keep) {
        // Integer.MAX_VALUE - 16: the largest array the JVM reliably allocates.
        if ((long) rows * dimension > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(rows + " rows × dimension " + dimension + " = " + (long) rows * dimension
                + " floats does not fit one array; lower the cluster size or the dimension");
        }
        float[] old = data;
        if (keep == 0) {
            // Let the old rows go before the new ones are allocated: at d = 10^6 holding both would need one more
            // block's worth of heap at the very moment the heap is fullest.
            old = null;
            data = EMPTY;
            capacity = 0;
        }
        float[] next = new float[rows * dimension];
        if (keep > 0) {
            System.arraycopy(old, 0, next, 0, keep * dimension);
        }
        data = next;
        capacity = rows;
    }

    float[] data() {
        return data;
    }

    /** Rows the array holds now. */
    int capacity() {
        return capacity;
    }

    int maxRows() {
        return maxRows;
    }

    double margin() {
        return margin;
    }

    /** Mid-round growth steps so far: nonzero means planned × margin was exceeded. */
    long grownMidRound() {
        return grownMidRound;
    }
}
