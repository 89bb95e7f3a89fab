package io.canopy.aggregation;

import io.canopy.kernel.VectorKernels;

/**
 * A cluster's two passes of the gated release (PRIVACY-AT-SCALE.md; centred clipping after Karimireddy, He and
 * Jaggi, ICML 2021), with planned, public denominators.
 *
 * <p>Pass 1: O1 = v0 + (1/m)·Σ clip_C(x_i − v0). Adding or removing one leaf changes the sum by its own term
 * only, whose norm is ≤ C, so O1 moves by at most C/m (Lemma G with the gate open for everyone).
 * <p>Pass 2: O2 = v1 + (1/m)·Σ 1[‖x_i − v1‖ ≤ ρ]·(x_i − v1) and W = Σ 1[‖x_i − v1‖ ≤ ρ]. The gate of leaf i reads
 * only x_i and the public v1 and ρ, so one leaf moves O2 by at most ρ/m and W by at most 1 (Lemma G).
 * Neither pass uses the number of rows: a realized count never enters a release.
 */
public final class CentredClipping {

    private CentredClipping() {
    }

    /**
     * Pass 1 into {@code out}; {@code rows} may be null (no leaf arrived: out = v0), {@code v0} null for 0.
     *
     * @param acc a workspace of at least d doubles (overwritten)
     */
    public static void centre(UpdateBlock rows, float[] v0, float clip, double planned, float[] out, double[] acc) {
        int d = out.length;
        java.util.Arrays.fill(acc, 0, d, 0.0);
        double weights = 0;
        if (rows != null) {
            float[] data = rows.data();
            for (int i = 0; i < rows.rows(); i++) {
                int o = rows.rowOffset(i);
                double norm = Math.sqrt(v0 == null ? VectorKernels.squaredNorm(data, o, d)
                    : VectorKernels.squaredDistance(data, o, v0, 0, d));
                double w = norm > clip ? clip / norm : 1.0;
                VectorKernels.axpyIntoDouble(w, data, o, acc, 0, d);
                weights += w;
            }
        }
        finish(acc, v0, weights, planned, out);
    }

    /**
     * Pass 2 into {@code out}: the gated, centred sum around {@code v1} over the planned count.
     *
     * @return W, the number of rows inside the gate
     */
    public static int gated(UpdateBlock rows, float[] v1, float radius, double planned, float[] out, double[] acc) {
        int d = out.length;
        java.util.Arrays.fill(acc, 0, d, 0.0);
        int inside = 0;
        if (rows != null) {
            float[] data = rows.data();
            double limit = (double) radius * radius;
            for (int i = 0; i < rows.rows(); i++) {
                int o = rows.rowOffset(i);
                if (VectorKernels.squaredDistance(data, o, v1, 0, d) <= limit) {
                    VectorKernels.addIntoDouble(acc, 0, data, o, d);
                    inside++;
                }
            }
        }
        finish(acc, v1, inside, planned, out);
        return inside;
    }

    /** out = c + (acc − weights·c)/planned: Σ w_i (x_i − c) accumulated as Σ w_i x_i, then centred once. */
    private static void finish(double[] acc, float[] centre, double weights, double planned, float[] out) {
        int d = out.length;
        double inv = 1.0 / planned;
        for (int j = 0; j < d; j++) {
            double c = centre == null ? 0.0 : centre[j];
            out[j] = (float) (c + (acc[j] - weights * c) * inv);
        }
    }
}
