package io.canopy.aggregation;

import io.canopy.kernel.Parallel;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An n×d block of model updates, row-major in one {@code float[]}: row {@code i} occupies
 * {@code data[i*dim .. (i+1)*dim)}. This is the layout every tier keeps its inputs in (one
 * preallocated array, no object per update).
 *
 * <p>The block does not copy {@code data}; rules never modify it.
 */
public final class UpdateBlock {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final float[] data;
    private final int rows;
    private final int dim;

    /**
     * Wraps {@code rows} updates of dimension {@code dim} stored in {@code data}.
     *
     * @throws IllegalArgumentException if the block is empty or {@code data} is too short
     */
    public UpdateBlock(final float[] data, final int rows, final int dim) {
        if (rows <= 0) {
            throw new IllegalArgumentException("empty block: rows=" + rows + ", need at least one update");
        }
        if (dim <= 0) {
            throw new IllegalArgumentException("empty block: dim=" + dim + ", need at least one coordinate");
        }
        if ((long) rows * dim > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("block too large for one array: rows=" + rows + ", dim=" + dim);
        }
        if (data.length < rows * dim) {
            throw new IllegalArgumentException("data has " + data.length + " floats, rows*dim=" + rows * dim);
        }
        this.data = data;
        this.rows = rows;
        this.dim = dim;
    }

    /**
     * Copies jagged rows into a block.
     *
     * @throws IllegalArgumentException if there are no rows, or a row's dimension differs from row 0's
     */
    public static UpdateBlock of(final float[]... updates) {
        if (updates.length == 0) {
            throw new IllegalArgumentException("empty block: no rows");
        }
        final int d = updates[0].length;
        final float[] data = new float[Math.multiplyExact(updates.length, Math.max(d, 1))];
        for (int i = 0; i < updates.length; i++) {
            if (updates[i].length != d) {
                throw new IllegalArgumentException(
                    "row " + i + " has dimension " + updates[i].length + ", expected " + d + " (the dimension of row 0)");
            }
            System.arraycopy(updates[i], 0, data, i * d, d);
        }
        return new UpdateBlock(data, updates.length, d);
    }

    public float[] data() {
        return data;
    }

    public int rows() {
        return rows;
    }

    public int dim() {
        return dim;
    }

    /** Offset of row {@code i}'s first coordinate in {@link #data()}. */
    public int rowOffset(final int i) {
        return i * dim;
    }

    /** A copy of row {@code i}. Not for hot paths. */
    public float[] row(final int i) {
        final float[] r = new float[dim];
        System.arraycopy(data, i * dim, r, 0, dim);
        return r;
    }

    /**
     * Checks every value is finite, so that no rule can turn a NaN or an infinity into an output.
     *
     * @throws IllegalArgumentException naming the first offending row and column and its value
     */
    public void requireFinite() {
        final int n = rows * dim;
        // A 400 MB block is a memory-bound pass: scan it on all cores, then find the first culprit serially.
        final AtomicBoolean bad = new AtomicBoolean();
        Parallel.forRange(0, n, 1 << 20, (from, to) -> {
            if (firstNonFinite(data, from, to) < to) {
                bad.set(true);
            }
        });
        if (bad.get()) {
            final int i = firstNonFinite(data, 0, n);
            throw new IllegalArgumentException(
                "row " + i / dim + ", column " + i % dim + ": value is " + data[i] + "; updates must be finite");
        }
    }

    /** Index of the first NaN or ±Inf in x[from, to), or {@code to} when all are finite. */
    private static int firstNonFinite(final float[] x, final int from, final int to) {
        final float inf = Float.POSITIVE_INFINITY;
        int i = from;
        for (final int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            // |x| < inf is false for NaN and for both infinities.
            if (!FloatVector.fromArray(S, x, i).lanewise(VectorOperators.ABS).compare(VectorOperators.LT, inf).allTrue()) {
                break;
            }
        }
        for (; i < to; i++) {
            if (!(Math.abs(x[i]) < inf)) {
                return i;
            }
        }
        return to;
    }
}
