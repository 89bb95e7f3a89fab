package io.canopy.privacy.sensitivity;

import io.canopy.aggregation.TrimmedMean;

/**
 * L2 sensitivities of Canopy's aggregation rules to one leaf, under add-or-remove-one-leaf adjacency
 * (the adjacency of the subsampled-Gaussian accountants: Mironov, Talwar, Zhang 2019; Opacus; TF
 * Privacy). Every bound is a worst case over all inputs satisfying the stated norm bounds; each
 * method's javadoc carries its one-line proof. Stateless and thread-safe.
 */
public final class Sensitivity {

    private Sensitivity() {
    }

    /**
     * Any average (weighted or not, over any data-dependent selection such as Multi-Krum's) of
     * updates clipped to L2 norm {@code clip} moves by at most 2·clip when one leaf is added or removed.
     * Proof: every such average is a convex combination of points of the ball of radius clip, so it lies
     * in that ball, whose diameter is 2·clip.
     */
    public static double averageOfClipped(final double clip) {
        requireNonNegative(clip, "clip");
        return 2 * clip;
    }

    /**
     * A coordinate-wise trimmed mean over n inputs trimming k per end moves by at most
     * {@code inputChange/(n − 2k)} when one input moves by {@code inputChange} in L2. Proof: per
     * coordinate, moving one value by t moves every order statistic monotonically in the same direction
     * and their total by exactly t, so the sum of the n − 2k kept ones moves by at most |t_c|; squaring
     * and summing over coordinates gives ‖Δ‖₂ ≤ ‖t‖₂/(n − 2k). Tight: k = 0 (the mean) and a coordinate
     * move that keeps the input inside the kept range attain it.
     */
    public static double trimmedMean(final double inputChange, final int n, final int k) {
        requireNonNegative(inputChange, "inputChange");
        requireTrim(n, k);
        return inputChange / (n - 2 * k);
    }

    /**
     * A coordinate-wise median moves by at most the change of one input: it is a trimmed mean with
     * n − 2k ≥ 1 kept values per coordinate (1 for odd n, 2 averaged for even n), so the bound above
     * applies with a denominator of at least 1.
     */
    public static double median(final double inputChange) {
        requireNonNegative(inputChange, "inputChange");
        return inputChange;
    }

    /**
     * The L2 norm of a coordinate-wise trimmed mean of n inputs of norm at most r, trimming k ≥ 0 per
     * end: at most r·√(n/(n − k)). Proof, per coordinate c with out_c ≥ 0 (the other sign is symmetric,
     * with the bottom values): the k values trimmed from the top are each at least every kept value, so the
     * mean of the top n − k values is at least the mean of the kept ones, out_c; the square of a mean is at
     * most the mean of the squares, so out_c² ≤ Σ_{top n−k} x_ic²/(n − k) ≤ Σ_i x_ic²/(n − k). Summing over
     * c, ‖out‖² ≤ Σ_i ‖x_i‖²/(n − k) ≤ n·r²/(n − k). (The previous bound r·√(2n/k) came from the k-th order
     * statistics alone; this one is never above it and equals r for the mean, k = 0.) Attained exactly: d = n,
     * input i is 0 in coordinates i … i + k − 1 (cyclically) and r/√(n − k) in the other n − k, so every
     * coordinate keeps only r/√(n − k) values (SensitivityTest builds it).
     */
    public static double trimmedMeanNorm(final double r, final int n, final int k) {
        requireNonNegative(r, "r");
        requireTrim(n, k);
        return r * Math.sqrt((double) n / (n - k));
    }

    /**
     * The norm bound {@link #trimmedMeanNorm} used before the tightening: r·√(n·min(1, 2/k)) (order
     * statistics: k·‖L‖² ≤ n·r²). Kept only so tests can show the new bound is never looser.
     */
    static double trimmedMeanNormOrderStatistics(final double r, final int n, final int k) {
        requireNonNegative(r, "r");
        requireTrim(n, k);
        return k == 0 ? r : r * Math.sqrt(n * Math.min(1.0, 2.0 / k));
    }

    /**
     * How far a coordinate-wise trimmed mean (trim k = ⌊beta·count⌋ per end) moves when one input of
     * norm at most r appears or vanishes, the count going from n to n + 1: the case of one leaf flipping
     * its cluster's quorum outcome.
     * <ul>
     *   <li>Same k: the kept set of n + 1 values is the old kept set plus w_c = y_c clamped to
     *       [x_(k), x_(n−k+1)], so out' − out = (w − out)/(m + 1) with m = n − 2k. Clamping to an interval
     *       that contains out_c is non-expansive, so ‖w − out‖ ≤ ‖y − out‖ ≤ r + ‖out‖ ≤ r·(1 + √(n/(n − k)))
     *       ({@link #trimmedMeanNorm}); also ‖w − out‖ ≤ ‖U − L‖ ≤ 2r·√(n/k) (k·‖L‖² ≤ n·r² for the k-th
     *       order statistics L, U). The smaller is used.</li>
     *   <li>k grows by one: removing y from the n + 1 values and trimming k instead of k + 1 adds one value
     *       v_c ∈ [x'_(k+1), x'_(n−k+1)] to the m − 1 kept ones, so out − out' = (v − out')/m and
     *       ‖v − out'‖ ≤ 2r·√((n+1)/(k+1)).</li>
     * </ul>
     *
     * @return the largest of these over every n with {@code nMin ≤ n < nMax}; 0 when nMin ≥ nMax
     */
    public static double trimmedMeanQuorumFlip(final double r, final int nMin, final int nMax, final double beta) {
        requireNonNegative(r, "r");
        requireBeta(beta);
        if (nMin < 1) {
            throw new IllegalArgumentException("nMin must be >= 1, got " + nMin);
        }
        double worst = 0;
        for (int n = nMin; n < nMax; n++) {
            final int k = trimCount(beta, n);
            final int k1 = trimCount(beta, n + 1);
            final double bound;
            if (k1 == k) {
                final int m = n - 2 * k;
                requireTrim(n, k);
                final double viaNorm = r + trimmedMeanNorm(r, n, k);
                final double viaOrder = k == 0 ? viaNorm : 2 * r * Math.sqrt((double) n / k);
                bound = Math.min(viaNorm, viaOrder) / (m + 1);
            } else {
                requireTrim(n + 1, k1);
                bound = 2 * r * Math.sqrt((double) (n + 1) / (k + 1)) / (n - 2 * k);
            }
            worst = Math.max(worst, bound);
        }
        return worst;
    }

    /**
     * The trim count ⌊beta·n⌋ exactly as the aggregation rule computes it ({@link TrimmedMean#trimCount}, on
     * the decimal beta, so 0.29·100 trims 29, not 28): a bound using a different k would be wrong.
     */
    public static int trimCount(final double beta, final int n) {
        requireBeta(beta);
        return TrimmedMean.trimCount(beta, n);
    }

    private static void requireBeta(final double beta) {
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("beta must be in [0, 0.5), got " + beta);
        }
    }

    private static void requireTrim(final int n, final int k) {
        if (k < 0 || !(n - 2 * k >= 1)) {
            throw new IllegalArgumentException("a trimmed mean needs n - 2k >= 1, got n=" + n + " k=" + k);
        }
    }

    private static void requireNonNegative(final double x, final String name) {
        if (!(x >= 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + x);
        }
    }
}
