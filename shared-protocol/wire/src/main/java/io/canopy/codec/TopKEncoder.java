package io.canopy.codec;

import io.canopy.kernel.Quickselect;

import java.lang.foreign.MemorySegment;

/**
 * Sender-side top-k sparsification with error feedback: each call sends the k largest-magnitude
 * coordinates of (update + residual) and keeps everything it did not send as the next residual,
 * so dropped mass is delayed, never lost (Stich, Cordonnier and Jaggi, "Sparsified SGD with
 * Memory", NeurIPS 2018; Karimireddy et al., "Error Feedback Fixes SignSGD", ICML 2019).
 *
 * <p>Exactly k coordinates are sent: ties at the threshold magnitude are broken by lowest index.
 * Selection is O(d): a sampled lower bound on the threshold, then a quickselect among the few
 * values above it. Inputs must be finite (a leaf clips its update before encoding).
 *
 * <p>One instance per sender and dimension; not thread-safe; allocation-free after construction.
 */
public final class TopKEncoder {

    /** Magnitudes sampled to estimate the threshold; enough that the estimate rarely misses. */
    private static final int SAMPLE = 8192;

    private final int d;
    private final int k;
    private final float[] residual;
    private final float[] magnitudes;
    private final float[] sample;
    private final float[] candidates;
    private long fallbacks;

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
        this.magnitudes = new float[dimension];
        this.sample = new float[Math.min(dimension, SAMPLE)];
        this.candidates = new float[(int) Math.min(dimension, 4L * k + 4096)];
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

    /** Calls whose sampled threshold missed and fell back to a full selection (a performance figure only). */
    public long fallbacks() {
        return fallbacks;
    }

    /** Forgets the residual, e.g. when a new model version makes old error meaningless. */
    public void reset() {
        java.util.Arrays.fill(residual, 0f);
    }

    /** Writes the 8k-byte payload for {@code src[srcOffset..+d)} and updates the residual. */
    public void encode(final float[] src, final int srcOffset, final MemorySegment dst, final long dstOffset) {
        // The residual becomes update + residual; what is sent is then taken out of it.
        final float[] acc = residual;
        for (int i = 0; i < d; i++) {
            acc[i] += src[srcOffset + i];
        }
        final float threshold = threshold(acc);
        int ties = k - countAbove(threshold);
        final long values = dstOffset + 4L * k;
        int j = 0;
        for (int i = 0; i < d; i++) {
            final float a = acc[i];
            final float m = Math.abs(a);
            if (m >= threshold && (m > threshold || ties-- > 0)) {
                dst.set(Segments.INT_LE, dstOffset + 4L * j, i);
                dst.set(Segments.FLOAT_LE, values + 4L * j, a);
                acc[i] = 0f;
                j++;
            }
        }
    }

    private int candidateCount;

    /**
     * The k-th largest magnitude. A strided sample gives a lower bound expected to admit about 2k
     * values; the values at or above it are the candidates, and the k-th largest of all is the
     * k-th largest of them whenever there are at least k. Otherwise (rare), a full quickselect.
     */
    private float threshold(final float[] acc) {
        if (d >= 8 * SAMPLE && k <= d / 16) {
            final int stride = d / SAMPLE;
            int s = 0;
            for (int i = 0; i < d && s < sample.length; i += stride) {
                sample[s++] = Math.abs(acc[i]);
            }
            final long expected = Math.max(16, 2L * k * s / d);
            final int rank = (int) Math.max(0, s - expected - 4 * (long) Math.sqrt(expected));
            final float lower = Quickselect.kthSmallest(sample, s, rank);
            int c = 0;
            final int cap = candidates.length;
            for (int i = 0; i < d; i++) {
                final float m = Math.abs(acc[i]);
                if (m >= lower) {
                    if (c == cap) {
                        c = -1;
                        break;
                    }
                    candidates[c++] = m;
                }
            }
            if (c >= k) {
                candidateCount = c;
                return Quickselect.kthSmallest(candidates, c, c - k);
            }
            fallbacks++;
        }
        for (int i = 0; i < d; i++) {
            magnitudes[i] = Math.abs(acc[i]);
        }
        candidateCount = -1;
        return Quickselect.kthSmallest(magnitudes, d, d - k);
    }

    /** How many magnitudes exceed {@code t}: all of them are candidates when candidates were used. */
    private int countAbove(final float t) {
        final float[] from = candidateCount >= 0 ? candidates : residual;
        final int n = candidateCount >= 0 ? candidateCount : d;
        int above = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(from[i]) > t) {
                above++;
            }
        }
        return above;
    }
}
