package io.canopy.privacy.plan;

import io.canopy.privacy.accounting.NoiseCalibrator;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.sensitivity.Sensitivity;
import java.util.List;

/**
 * Noise multipliers, sensitivities and σ per tier for a {@link TreeShape}, and the end-to-end guarantee
 * of the published global model.
 *
 * <p>Derivation (adjacency: add or remove one leaf; see DESIGN.md, "Differential privacy, honestly"):
 * <ol>
 *   <li>Tier 1: a cluster's Multi-Krum average of updates clipped to C moves by Δ1 = 2C
 *       ({@link Sensitivity#averageOfClipped}).</li>
 *   <li>Tier i = 2, 3: the trimmed mean over n inputs (n from the quorum count to the expected count) moves
 *       by Δ_{i−1}/(n − 2k) when one input moves ({@link Sensitivity#trimmedMean}); and when the leaf flips
 *       its cluster's quorum outcome (at tier 3: a continent's, chained) an input of norm at most R_i appears
 *       or vanishes ({@link Sensitivity#trimmedMeanQuorumFlip}). Δ_i is the larger. R_i is enforced: the
 *       receiving tier projects each input onto the ball of radius R_i = C + σ_{i−1}·(√d + 8) (projection
 *       is 1-Lipschitz, so the ordinary bound is unchanged; a noisy honest input exceeds R_i with probability
 *       below e^−32). A flip at tier 2 also moves its continent's output, so it is carried into tier 3's
 *       ordinary term through Δ2.</li>
 *   <li>Noise: a tier whose receiver is trusted adds none; otherwise z_i is the smallest multiplier meeting
 *       the target over T rounds at rate q ({@link NoiseCalibrator#calibrate}). The global model is public,
 *       so z3 is always calibrated, and the end-to-end guarantee counts tier-3 noise only: noise added
 *       lower down also protects the published model, but counting it would need an analysis of the
 *       robust rules on noisy inputs that we do not claim.</li>
 * </ol>
 * <p>Not covered, and stated wherever the plan is printed: whether a round is published at all. A leaf can in
 * principle tip the global tier across its own quorum, and "published" against "not published" is not
 * covered by any finite Δ; the guarantee holds conditionally on the round's publication outcome. Closing that
 * gap needs a protocol change (publish on a fixed schedule with a data-independent denominator, as
 * DP-FedAvg does: McMahan et al. 2018).
 */
public record PrivacyPlan(TreeShape shape, List<TierPlan> tiers, PrivacySpent endToEnd) {

    /** Noise allowance in standard deviations beyond √d: P(‖N(0, σ²I_d)‖ &gt; σ(√d + t)) ≤ e^(−t²/2). */
    public static final double NORM_TAIL_T = 8;

    public PrivacyPlan {
        tiers = List.copyOf(tiers);
    }

    /** Derives the plan; see the class javadoc. */
    public static PrivacyPlan of(final TreeShape s) {
        final double c = s.clip();
        final double zTarget = NoiseCalibrator.calibrate(s.epsilon(), s.delta(), s.samplingRate(), s.rounds());

        final int n1 = s.expectedPerCluster();
        final int n1min = TreeShape.minInputs(n1, s.quorum());
        final double d1 = Sensitivity.averageOfClipped(c);
        final boolean trusted2 = s.trusted().contains("continental");
        final TierPlan t1 = tier(s, 1, "cluster", "multikrum f=" + s.multiKrumF(), n1, n1min, c, d1, 0, "continental",
            trusted2, trusted2 ? 0 : zTarget);

        final int k = s.clustersPerContinent();
        final int kMin = TreeShape.minInputs(k, s.quorum());
        final double r2 = c + allowance(t1.sigma(), s.dimension());
        final double ord2 = ordinary(d1, kMin, k, s.beta2());
        final double flip2 = Sensitivity.trimmedMeanQuorumFlip(r2, kMin, k, s.beta2());
        final boolean trusted3 = s.trusted().contains("global");
        final TierPlan t2 = tier(s, 2, "continental", "trimmed-mean beta=" + s.beta2(), k, kMin, r2, ord2, flip2, "global",
            trusted3, trusted3 ? 0 : zTarget);

        final int m = s.continents();
        final int mMin = TreeShape.minInputs(m, s.quorum());
        final double r3 = c + allowance(t2.sigma(), s.dimension());
        final double ord3 = ordinary(t2.sensitivity(), mMin, m, s.beta3());
        // A continent appearing or vanishing while the global keeps its quorum (see the class javadoc for the crossing).
        final double flip3 = Sensitivity.trimmedMeanQuorumFlip(r3, mMin, m, s.beta3());
        final TierPlan t3 = tier(s, 3, "global", "trimmed-mean beta=" + s.beta3(), m, mMin, r3, ord3, flip3, "public",
            false, zTarget);

        final PrivacySpent e2e = new RdpAccountant().compose(s.samplingRate(), t3.z(), s.rounds()).spent(s.delta());
        return new PrivacyPlan(s, List.of(t1, t2, t3), e2e);
    }

    private static TierPlan tier(final TreeShape s, final int tier, final String name, final String rule,
                                 final int expected, final int min, final double r, final double ordinary,
                                 final double flip, final String receiver, final boolean trusted, final double z) {
        final double delta = Math.max(ordinary, flip);
        final PrivacySpent g = z > 0
            ? new RdpAccountant().compose(s.samplingRate(), z, s.rounds()).spent(s.delta()) : null;
        return new TierPlan(tier, name, rule, expected, min, r, ordinary, flip, delta, receiver, trusted, z, z * delta, g);
    }

    /** The worst ordinary bound over every input count from the quorum count to the expected count. */
    private static double ordinary(final double inputChange, final int nMin, final int nMax, final double beta) {
        double worst = 0;
        for (int n = nMin; n <= nMax; n++) {
            worst = Math.max(worst, Sensitivity.trimmedMean(inputChange, n, Sensitivity.trimCount(beta, n)));
        }
        return worst;
    }

    private static double allowance(final double sigma, final long d) {
        return sigma == 0 ? 0 : sigma * (Math.sqrt((double) d) + NORM_TAIL_T);
    }
}
