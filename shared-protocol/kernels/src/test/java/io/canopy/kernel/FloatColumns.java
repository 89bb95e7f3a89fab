package io.canopy.kernel;

/** A row-major float block read a column range at a time: {@link ColumnRanges} with nothing to decode. */
public final class FloatColumns implements ColumnRanges {
    private final float[] x;
    private final int n;
    private final int d;

    public FloatColumns(final float[] x, final int n, final int d) {
        this.x = x;
        this.n = n;
        this.d = d;
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public boolean decode(final int i, final int from, final int to, final float[] into, final int offset) {
        boolean finite = true;
        for (int k = from; k < to; k++) {
            final float v = x[i * d + k];
            finite &= Float.isFinite(v);
            into[offset + k - from] = v;
        }
        return finite;
    }
}
