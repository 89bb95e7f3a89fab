package io.canopy.global;

import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.noise.GaussianMechanism;
import io.canopy.privacy.noise.TierNoise;
import io.canopy.privacy.release.UpperTiers;
import io.canopy.round.ReleaseSpec;
import io.canopy.round.RoundPlan;

/**
 * The coordinator's half of the gated release ({@link ReleaseSpec}): the mean over the M continents of each pass,
 * with a missing continent counted as the pass's public centre, and the two Gaussian releases.
 *
 * <p>Sensitivities, one leaf added or removed (it touches one cluster, hence one continent): a cluster's pass-1
 * output moves by ≤ C/m_c, its continent's trimmed mean over a fixed K with fixed k by ≤ that/(K − 2k), the mean
 * over M by ≤ that/M: Δ1 = C·λ. Pass 2 the same with ρ for C (Lemma G), and the count W by ≤ 1, released as
 * s·W with s = 0.1·ρ·λ: Δ2 = ρ·λ·√(1 + 0.1²). σ_p = z_p·Δ_p and 1/z1² + 1/z2² = 1/z², so the round is one
 * μ-GDP release with μ = 1/z (Dong, Roth, Su 2022), accounted as one subsampled-Gaussian step with z.
 */
public final class GatedRelease {

    private GatedRelease() {
    }

    /** What pass 2 published (or not), with the figures the round's result carries. */
    record Published(float[] update, float[] beforeNoise, long count, double noisyCount, boolean publish) {
    }

    static double lambda(RoundPlan plan) {
        return plan.release().lambda(plan.layout().clustersPerContinent(), plan.layout().continents());
    }

    /** Δ1 = C·λ ({@link ReleaseSpec#centreSensitivity}). */
    static double firstSensitivity(RoundPlan plan) {
        return plan.release().centreSensitivity(plan.clipNorm(), plan.layout().clustersPerContinent(),
            plan.layout().continents());
    }

    /** Δ2 = ρ·λ·√(1 + s²) ({@link ReleaseSpec#updateSensitivity}). */
    static double secondSensitivity(RoundPlan plan) {
        return plan.release().updateSensitivity(plan.layout().clustersPerContinent(), plan.layout().continents());
    }

    /** σ1 per coordinate (0 without noise). */
    public static double firstSigma(RoundPlan plan) {
        return noisy(plan) ? plan.release().z1() * firstSensitivity(plan) : 0;
    }

    /** σ2 per coordinate (0 without noise). */
    public static double secondSigma(RoundPlan plan) {
        return noisy(plan) ? plan.release().z2() * secondSensitivity(plan) : 0;
    }

    private static boolean noisy(RoundPlan plan) {
        return plan.global().noiseMultiplier() > 0;
    }

    /**
     * The fixed-denominator mean (DP-FedAvg's estimator through the time-closed tiers): the mean over the M
     * continents (missing ones count as 0) + N(0, σ²) with σ = z·C·λ; always published. Returns {before noise,
     * released}.
     */
    static float[][] fixed(RoundPlan plan, IngestBlock block) {
        float[] mean = mean(plan, block, null);
        float[] released = mean.clone();
        if (noisy(plan)) {
            TierNoise.forRelease(plan.secureNoise(), plan.global().noiseMultiplier(), firstSensitivity(plan),
                plan.dimension(), plan.noiseSeed(), plan.roundId(), 3, 1).apply(released);
        }
        return new float[][] {mean, released};
    }

    /** Pass 1: v1 = mean over the M continents (missing ones count as v0 = 0) + N(0, σ1²). */
    static float[] centre(RoundPlan plan, IngestBlock block) {
        float[] v1 = mean(plan, block, null);
        if (noisy(plan)) {
            TierNoise.forRelease(plan.secureNoise(), plan.release().z1(), firstSensitivity(plan), plan.dimension(),
                plan.noiseSeed(), plan.roundId(), 3, 1).apply(v1);
        }
        return v1;
    }

    /**
     * Pass 2: Ã2 = mean (missing continents count as v1) + N(0, σ2²), W̃ = W + N(0, σ2²)/s; the round publishes
     * iff W̃ ≥ W_min, the update v1 + (Ã2 − v1)·m_tot/W̃ (m_tot/W̃ at most m_tot/W_min: the clamp).
     */
    static Published second(RoundPlan plan, IngestBlock block, float[] v1) {
        float[] a2 = mean(plan, block, v1);
        long count = block == null ? 0 : block.inputCountSum();
        double plannedTotal = plan.release().plannedCount() * plan.layout().clusters();
        float[] beforeNoise = shifted(v1, a2, plannedTotal / Math.max(1, count));
        double noisyCount = count;
        if (noisy(plan)) {
            double sensitivity = secondSensitivity(plan);
            TierNoise.forRelease(plan.secureNoise(), plan.release().z2(), sensitivity, plan.dimension(),
                plan.noiseSeed(), plan.roundId(), 3, 2).apply(a2);
            float[] countNoise = new float[1];
            GaussianMechanism one = TierNoise.forRelease(plan.secureNoise(), plan.release().z2(), sensitivity, 1,
                plan.noiseSeed(), plan.roundId(), 3, 3);
            one.apply(countNoise);
            noisyCount = count + countNoise[0] / (ReleaseSpec.COUNT_SCALE * plan.release().gateRadius() * lambda(plan));
        }
        boolean publish = noisyCount >= plan.release().minCount();
        float[] update = publish ? shifted(v1, a2, plannedTotal / Math.max(noisyCount, plan.release().minCount())) : null;
        return new Published(update, beforeNoise, count, noisyCount, publish);
    }

    /** c + (a − c)·factor. */
    private static float[] shifted(float[] c, float[] a, double factor) {
        float[] out = new float[a.length];
        for (int j = 0; j < a.length; j++) {
            out[j] = (float) (c[j] + (a[j] - (double) c[j]) * factor);
        }
        return out;
    }

    /**
     * The mean over exactly the M continents, {@code fill} (null: 0) for any that sent nothing: the same
     * {@link UpperTiers#global} the audit command runs.
     */
    private static float[] mean(RoundPlan plan, IngestBlock block, float[] fill) {
        int m = plan.layout().continents();
        int d = plan.dimension();
        long[] expected = new long[m];
        for (int k = 0; k < m; k++) {
            expected[k] = k;
        }
        float[] rows = new float[m * d];
        IngestBlock.completed(block, expected, fill, rows, d);
        float[] out = new float[d];
        UpperTiers.global(rows, m, d, new double[d], out);
        return out;
    }
}
