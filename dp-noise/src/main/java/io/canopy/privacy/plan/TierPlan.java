package io.canopy.privacy.plan;

import io.canopy.privacy.accounting.PrivacySpent;

/**
 * One tier of a {@link PrivacyPlan}.
 *
 * @param tier            1 cluster, 2 continental, 3 global
 * @param name            "cluster", "continental" or "global"
 * @param rule            the aggregation rule, e.g. "multikrum f=20"
 * @param expectedInputs  inputs the tier expects per round
 * @param minInputs       inputs at which it meets its quorum
 * @param inputNormBound  R: the norm every input is within (tier 1: C; above: the receiver projects each input
 *                        onto this ball, C plus the noise allowance of the tier below)
 * @param ordinary        Δ when one leaf changes its cluster's output and no count changes
 * @param quorumFlip      Δ when one leaf makes a cluster (and, chained, a continent) appear or vanish; 0 for tier 1
 * @param sensitivity     Δ used: max(ordinary, quorumFlip)
 * @param receiver        who sees this tier's release: "continental", "global" or "public"
 * @param receiverTrusted whether that receiver is trusted with un-noised input (then z = 0)
 * @param z               noise multiplier
 * @param sigma           noise standard deviation per coordinate, z·Δ
 * @param guarantee       the (ε, δ) this tier's own noise gives its release against the receiver over all rounds;
 *                        null when z = 0
 */
public record TierPlan(int tier, String name, String rule, int expectedInputs, int minInputs, double inputNormBound,
                       double ordinary, double quorumFlip, double sensitivity, String receiver, boolean receiverTrusted,
                       double z, double sigma, PrivacySpent guarantee) {
}
