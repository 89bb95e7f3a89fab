package io.canopy.kernel;

/**
 * n rows of d values that are read a range of columns at a time: rows held compressed (a gated release's
 * {@code HeldRows}) decode one chunk of columns of every row into a small scratch, so that their pairwise geometry
 * ({@link ChunkedGram}) never needs the n×d floats at once.
 */
public interface ColumnRanges {

    /** n. */
    int rows();

    /** d. */
    int dimension();

    /**
     * Writes row {@code i}'s values at columns [from, to) to {@code into[offset, offset + to − from)}, the same bits a
     * decode of the whole row gives at those columns.
     *
     * @return false when they are not all finite
     */
    boolean decode(int i, int from, int to, float[] into, int offset);
}
