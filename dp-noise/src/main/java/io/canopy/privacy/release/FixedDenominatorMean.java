package io.canopy.privacy.release;

import io.canopy.kernel.VectorKernels;
import java.util.Arrays;

/**
 * DP-FedAvg's estimator (McMahan, Ramage, Talwar, Zhang, ICLR 2018, "Learning differentially private recurrent
 * language models", Alg. 1, the fixed-denominator estimator f̃_f): Σ_i clip_C(x_i)/(q·N), with Gaussian noise
 * σ = z·C/(q·N). The second release regime, for fleets where the two-pass centre would drown in its own noise
 * ({@link ReleaseChoice}).
 *
 * <p><b>Sensitivity</b> C/(q·N) (add or remove one leaf): the other terms do not depend on the leaf, its own has
 * norm ≤ C, and the denominator q·N is public. In Canopy's tree the sums are additive: clusters report
 * {@link #accumulate} sums, continents and the global add them, the global divides by the public denominator
 * (q·N, or the planned q·N·(1 − p_drop)). No trimming, hence no robustness: this regime trades Byzantine
 * resistance for accuracy when the fleet is small. Allocation-free; stateless.
 */
public final class FixedDenominatorMean {

    private FixedDenominatorMean() {
    }

    /** acc[0, d) += Σ clip_C(x_i) over the block's rows (centre 0, as DP-FedAvg's updates are already deltas). */
    public static void accumulate(final float[] block, final int rows, final int d, final double clip, final double[] acc) {
        if (rows < 0 || d < 1 || (long) rows * d > block.length || acc.length < d) {
            throw new IllegalArgumentException("need rows >= 0, d >= 1 and arrays of rows*d and d, got rows=" + rows
                + " d=" + d);
        }
        ClusterPasses.requirePositive(clip, "clip C");
        final double guarded = clip * ClusterPasses.CLIP_GUARD;
        for (int i = 0, off = 0; i < rows; i++, off += d) {
            double n2 = 0;
            for (int from = 0; from < d; from += ClusterPasses.CHUNK) {
                n2 += VectorKernels.squaredNorm(block, off + from, Math.min(ClusterPasses.CHUNK, d - from));
            }
            final double norm = Math.sqrt(n2);
            // Written so that NaN fails: a row without a finite norm contributes nothing.
            if (!(norm < Double.POSITIVE_INFINITY)) {
                continue;
            }
            final double s = norm > guarded ? guarded / norm : 1.0;
            for (int j = 0; j < d; j++) {
                acc[j] += s * block[off + j];
            }
        }
    }

    /** out[0, d) = acc/denominator: the noise-free release. */
    public static void finish(final double[] acc, final int d, final double denominator, final float[] out) {
        ClusterPasses.requirePositive(denominator, "denominator q*N");
        final double inv = 1.0 / denominator;
        for (int j = 0; j < d; j++) {
            out[j] = (float) (acc[j] * inv);
        }
    }

    /** Clears {@code acc[0, d)} for a new round. */
    public static void reset(final double[] acc, final int d) {
        Arrays.fill(acc, 0, d, 0.0);
    }

    /** Δ = C/denominator (class javadoc). */
    public static double sensitivity(final double clip, final double denominator) {
        ClusterPasses.requirePositive(denominator, "denominator q*N");
        return clip / denominator;
    }

    /** DP-FedAvg's σ per coordinate, z·C/(q·N). */
    public static double dpFedAvgSigma(final double z, final double clip, final double q, final double leaves) {
        return z * sensitivity(clip, q * leaves);
    }
}
