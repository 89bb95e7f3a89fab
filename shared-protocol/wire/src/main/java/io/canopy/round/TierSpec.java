package io.canopy.round;

import io.canopy.straggler.QuorumPolicy;

/**
 * What one tier does in a round: when it closes, how robust its rule is, how much noise it adds.
 *
 * @param policy           the quorum policy for a nominal input count; each aggregator scales it to its own
 *                         count with {@link QuorumPolicy#withExpectedCount}
 * @param ruleParameter    tier 1: the share of inputs Multi-Krum assumes Byzantine (f = ⌊share·n⌋, capped at
 *                         the (n − 3)/2 Krum allows); tiers 2 and 3: the trimmed mean's β
 * @param noiseMultiplier  z; 0 for no noise
 * @param sensitivity      Δ, the L2 sensitivity of this tier's release to one leaf (dp-noise's {@code Sensitivity})
 * @param inputNormBound   the largest L2 norm an input may have: tier 1 refuses leaf updates above the clip
 *                         norm C; tiers 2 and 3 project their inputs onto this ball (R in the privacy plan),
 *                         which the sensitivity bound assumes
 */
public record TierSpec(QuorumPolicy policy, double ruleParameter, double noiseMultiplier, double sensitivity,
                       double inputNormBound) {

    public TierSpec {
        if (policy == null) {
            throw new IllegalArgumentException("policy must be given");
        }
        if (!(ruleParameter >= 0.0 && ruleParameter < 0.5)) {
            throw new IllegalArgumentException("ruleParameter must be in [0, 0.5), was " + ruleParameter);
        }
        if (!(noiseMultiplier >= 0.0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noiseMultiplier must be zero or positive, was " + noiseMultiplier);
        }
        if (!(sensitivity >= 0.0) || Double.isInfinite(sensitivity)) {
            throw new IllegalArgumentException("sensitivity must be zero or positive, was " + sensitivity);
        }
        if (!(inputNormBound > 0.0)) {
            throw new IllegalArgumentException("inputNormBound must be positive (or +Infinity for none), was " + inputNormBound);
        }
    }

    /** σ = z·Δ, the per-coordinate standard deviation of this tier's noise. */
    public double sigma() {
        return noiseMultiplier * sensitivity;
    }

    /** Multi-Krum's f for n inputs: ⌊share·n⌋, at most (n − 3)/2 so that n &gt; 2f + 2 holds. */
    public int krumF(int n) {
        return Math.max(0, Math.min((int) Math.floor(ruleParameter * n), (n - 3) / 2));
    }

    public TierSpec withNoise(double multiplier, double delta) {
        return new TierSpec(policy, ruleParameter, multiplier, delta, inputNormBound);
    }
}
