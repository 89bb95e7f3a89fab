package io.canopy.ops.plan;

import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.privacy.plan.TierPlan;
import io.canopy.privacy.plan.TreeShape;
import java.util.Set;

/**
 * The noise the privacy target costs, from dp-noise's {@link PrivacyPlan} (the same derivation as
 * {@code ./canopy privacy plan}; continental and global trusted with un-noised inputs, so only the global tier
 * adds noise unless the plan says otherwise).
 *
 * @param plan          the per-tier plan
 * @param z             the global tier's noise multiplier for (ε, δ) after T rounds at rate q
 * @param sigma         its per-coordinate standard deviation, z·Δ3
 * @param noiseToSignal σ·√d / C: the expected L2 norm of the global noise against the largest norm the
 *                      aggregate of clipped updates can have (so the most favourable signal)
 */
public record PrivacyFigures(PrivacyPlan plan, double z, double sigma, double noiseToSignal) {

    public static PrivacyFigures of(final Fleet f) {
        final TreeShape shape;
        try {
            shape = new TreeShape(f.leaves(), f.samplingRate(), f.clusterSize(), f.clustersPerContinent(), f.continents(),
                f.clip(), f.krumF(), f.beta(), f.beta(), f.quorum(), f.rounds(), f.epsilon(), f.delta(), f.dimension(),
                Set.of("continental", "global"));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("multikrum-f", "krum-f"), e);
        }
        final PrivacyPlan plan = PrivacyPlan.of(shape);
        final TierPlan global = plan.tiers().get(2);
        return new PrivacyFigures(plan, global.z(), global.sigma(),
            global.sigma() * Math.sqrt((double) f.dimension()) / f.clip());
    }

    /** Whether tier 1, 2 or 3 adds noise (its receiver is not trusted). */
    public boolean noisy(final int tier) {
        return plan.tiers().get(tier - 1).z() > 0;
    }
}
