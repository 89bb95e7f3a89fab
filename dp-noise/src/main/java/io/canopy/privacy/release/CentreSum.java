package io.canopy.privacy.release;

import java.util.Arrays;

/**
 * Pass 1 of the gated release ({@link ClusterPasses#centre}) taken one row at a time, as a cluster's updates arrive:
 * S1 = Σ_i clip_C(x_i − v0) accumulates on the ingest thread while the round is still collecting, so what is left
 * after the cluster's deadline is one division by m_c ({@link #finish}) instead of a pass over the whole block.
 *
 * <p>Rows are added in arrival order, which is the block's row order, through the same per-row step as
 * {@link ClusterPasses#centre} ({@link ClusterPasses#addCentred}) into the same double accumulator: the same
 * arithmetic, so Lemma G (its sensitivity) and the clip guard's error bound hold unchanged. The bits can still
 * differ in the last place, as between any two calls of {@link ClusterPasses#centre}: the Vector API's lane
 * reduction in the squared distance may add lanes in another order once compiled. Reused round after
 * round by one ingest block; allocation-free once its accumulator has reached the largest d. Single-threaded: the
 * ingest thread adds, and the cluster's actor reads it only after the block's close has been handed over.
 */
public final class CentreSum {

    private double[] acc = new double[0];
    private float[] v0 = new float[0];
    private double clip = Double.NaN;
    /** C·{@link ClusterPasses#CLIP_GUARD}, once per round rather than per row. */
    private double guarded = Double.NaN;
    private int d;
    private int rows;
    private int clipped;
    private long round = Long.MIN_VALUE;

    /**
     * Starts {@code round}'s sum, forgetting the last one.
     *
     * @param v0   the public centre of pass 1, length ≥ d (kept, not copied: it must not change during the round)
     * @param clip C &gt; 0
     */
    public void reset(final long round, final float[] v0, final int d, final double clip) {
        if (d < 1 || v0.length < d) {
            throw new IllegalArgumentException("need d >= 1 and a centre of at least d entries, got d=" + d
                + " and a centre of " + v0.length);
        }
        ClusterPasses.requirePositive(clip, "clip C");
        if (acc.length < d) {
            acc = new double[d];
        } else {
            Arrays.fill(acc, 0, d, 0.0);
        }
        this.round = round;
        this.v0 = v0;
        this.d = d;
        this.clip = clip;
        this.guarded = clip * ClusterPasses.CLIP_GUARD;
        this.rows = 0;
        this.clipped = 0;
    }

    /** Adds the row at {@code offset} of {@code block} (d floats): its term clip_C(x − v0). */
    public void add(final float[] block, final int offset) {
        clipped += ClusterPasses.addCentred(block, offset, v0, d, guarded, acc);
        rows++;
    }

    /**
     * Writes O1 = v0 + S1/m_c to {@code out[0, d)}, as {@link ClusterPasses#centre} over the rows added so far.
     *
     * @return the number of rows clipped (for metrics only)
     */
    public int finish(final double plannedCount, final float[] out) {
        if (out.length < d) {
            throw new IllegalArgumentException("the output needs d=" + d + " entries, got " + out.length);
        }
        ClusterPasses.requirePositive(plannedCount, "planned count m_c");
        ClusterPasses.finish(acc, v0, d, plannedCount, out);
        return clipped;
    }

    /** The round this sum belongs to ({@link Long#MIN_VALUE} before the first {@link #reset}). */
    public long round() {
        return round;
    }

    /** Rows added since the last {@link #reset}. */
    public int rows() {
        return rows;
    }

    /** The clip C of this round's sum. */
    public double clip() {
        return clip;
    }
}
