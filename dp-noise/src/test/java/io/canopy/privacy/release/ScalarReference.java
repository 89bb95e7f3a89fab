package io.canopy.privacy.release;

/**
 * The release arithmetic in plain double-precision scalar code, straight from the formulas of
 * PRIVACY-AT-SCALE.md, for the kernels to be compared against.
 */
final class ScalarReference {

    private ScalarReference() {
    }

    /** ‖x_i − v‖ in double. */
    static double distance(final float[] block, final int row, final int d, final float[] v) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            final double t = (double) block[row * d + j] - v[j];
            s += t * t;
        }
        return Math.sqrt(s);
    }

    /** O1 = v0 + Σ clip_C(x_i − v0)/m_c. */
    static double[] centre(final float[] block, final int rows, final int d, final float[] v0, final double clip,
                           final double m) {
        final double[] out = new double[d];
        for (int i = 0; i < rows; i++) {
            final double dist = distance(block, i, d, v0);
            final double s = dist > clip ? clip / dist : 1;
            for (int j = 0; j < d; j++) {
                out[j] += s * ((double) block[i * d + j] - v0[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            out[j] = v0[j] + out[j] / m;
        }
        return out;
    }

    /** O2 = v1 + Σ 1[‖x_i − v1‖ ≤ ρ]·clip_τ(x_i − v1)/m_c; the count W_c is returned in out[d]. */
    static double[] gated(final float[] block, final int rows, final int d, final float[] v1, final double rho,
                          final double tau, final double m) {
        final double[] out = new double[d + 1];
        for (int i = 0; i < rows; i++) {
            final double dist = distance(block, i, d, v1);
            if (dist > rho) {
                continue;
            }
            out[d]++;
            final double s = dist > tau ? tau / dist : 1;
            for (int j = 0; j < d; j++) {
                out[j] += s * ((double) block[i * d + j] - v1[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            out[j] = v1[j] + out[j] / m;
        }
        return out;
    }

    /** Σ clip_C(x_i). */
    static double[] clippedSum(final float[] block, final int rows, final int d, final double clip) {
        final double[] out = new double[d];
        final float[] zero = new float[d];
        for (int i = 0; i < rows; i++) {
            final double n = distance(block, i, d, zero);
            final double s = n > clip ? clip / n : 1;
            for (int j = 0; j < d; j++) {
                out[j] += s * block[i * d + j];
            }
        }
        return out;
    }
}
