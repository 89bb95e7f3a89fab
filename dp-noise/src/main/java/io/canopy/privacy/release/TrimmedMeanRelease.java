package io.canopy.privacy.release;

import io.canopy.aggregation.AggregationResult;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.privacy.noise.GaussianMechanism;
import io.canopy.privacy.noise.TierNoise;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;

/**
 * What a continent (tier 2) or the global tier (tier 3) releases under the one-pass (Multi-Krum) rule: the
 * coordinate-wise trimmed mean of its accepted inputs with β = the tier's rule parameter (Yin et al. 2018), then,
 * if the tier adds noise, the Gaussian mechanism with σ = z·Δ of the tier ({@link TierNoise}, seeded per tier and
 * group in a simulation).
 *
 * @param beforeNoise    the trimmed mean before noise, when asked for (the global tier records it), else null
 * @param aggregate      the release: the trimmed mean with the tier's noise added
 * @param trimmed        values dropped from each end of every coordinate
 * @param aggregateNanos time spent in the trimmed mean (and the copy before noise)
 * @param noiseNanos     time spent drawing and adding the noise
 * @param sampler        the noise sampler's name ("secure" or "fast"), null when the tier adds no noise
 */
public record TrimmedMeanRelease(float[] beforeNoise, float[] aggregate, int trimmed, long aggregateNanos,
                                 long noiseNanos, String sampler) {

    /**
     * @param tier  3 for the global tier, 2 for a continent (part of the simulation noise's seed)
     * @param group the continent's id, 0 for the global tier
     */
    public static TrimmedMeanRelease of(UpdateBlock accepted, RoundPlan plan, TierSpec spec, int tier, int group,
                                        boolean keepBeforeNoise) {
        long t0 = System.nanoTime();
        AggregationResult result = TrimmedMean.ofBeta(spec.ruleParameter()).aggregate(accepted);
        int trimmed = ((AggregationResult.TrimmedMeanResult) result).trimmed();
        float[] aggregate = result.aggregate();
        float[] beforeNoise = keepBeforeNoise ? aggregate.clone() : null;
        long t1 = System.nanoTime();
        String sampler = null;
        if (spec.noiseMultiplier() > 0) {
            GaussianMechanism mechanism = TierNoise.forRelease(plan.secureNoise(), spec.noiseMultiplier(),
                spec.sensitivity(), plan.dimension(), plan.noiseSeed(), plan.roundId(), tier, group);
            mechanism.apply(aggregate);
            sampler = mechanism.samplerName();
        }
        long t2 = System.nanoTime();
        return new TrimmedMeanRelease(beforeNoise, aggregate, trimmed, t1 - t0, t2 - t1, sampler);
    }
}
