package io.canopy.codec;

import java.lang.foreign.MemorySegment;

/**
 * Sender-side top-k sparsification with error feedback: each call sends the k largest-magnitude
 * coordinates of (update + residual) and keeps everything it did not send as the next residual,
 * so dropped mass is delayed, never lost (Stich, Cordonnier and Jaggi, "Sparsified SGD with
 * Memory", NeurIPS 2018; Karimireddy et al., "Error Feedback Fixes SignSGD", ICML 2019).
 *
 * <p>Exactly k coordinates are sent: ties at the threshold magnitude are broken by lowest index.
 * Selection is a quickselect on a scratch copy of the magnitudes, O(d) expected. Inputs must be
 * finite (a leaf clips its update before encoding).
 *
 * <p>One instance per sender and dimension; not thread-safe; allocation-free after construction.
 */
public final class TopKEncoder {

    private final int d;
    private final int k;
    private final float[] residual;
    private final float[] accumulated;
    private final float[] magnitudes;

    public TopKEncoder(final int dimension, final int k) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension=" + dimension + " must be > 0");
        }
        if (k < 1 || k > dimension) {
            throw new IllegalArgumentException("k=" + k + " must be in 1.." + dimension);
        }
        this.d = dimension;
        this.k = k;
        this.residual = new float[dimension];
        this.accumulated = new float[dimension];
        this.magnitudes = new float[dimension];
    }

    public int dimension() {
        return d;
    }

    public int k() {
        return k;
    }

    /** The error-feedback residual carried to the next call: read-only view for tests and metrics. */
    public float[] residual() {
        return residual;
    }

    /** Forgets the residual, e.g. when a new model version makes old error meaningless. */
    public void reset() {
        java.util.Arrays.fill(residual, 0f);
    }

    /** Writes the 8k-byte payload for {@code src[srcOffset..+d)} and updates the residual. */
    public void encode(final float[] src, final int srcOffset, final MemorySegment dst, final long dstOffset) {
        for (int i = 0; i < d; i++) {
            final float a = src[srcOffset + i] + residual[i];
            accumulated[i] = a;
            magnitudes[i] = Math.abs(a);
        }
        final float threshold = Selection.kthSmallest(magnitudes, d, d - k);
        int above = 0;
        for (int i = 0; i < d; i++) {
            if (Math.abs(accumulated[i]) > threshold) {
                above++;
            }
        }
        int ties = k - above;
        final long values = dstOffset + 4L * k;
        int j = 0;
        for (int i = 0; i < d; i++) {
            final float a = accumulated[i];
            final float m = Math.abs(a);
            if (m > threshold || (m == threshold && ties-- > 0)) {
                dst.set(Segments.INT_LE, dstOffset + 4L * j, i);
                dst.set(Segments.FLOAT_LE, values + 4L * j, a);
                residual[i] = 0f;
                j++;
            } else {
                residual[i] = a;
            }
        }
    }
}
