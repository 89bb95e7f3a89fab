package io.canopy.privacy.release;

import io.canopy.privacy.accounting.NoiseCalibrator;
import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.plan.TreeShape;

/**
 * The release regimes of one tree side by side, all at the same z (calibrated for the tree's (ε, δ) over T rounds
 * at rate q, one accountant step per round): two-pass gated, the fixed-denominator mean, Multi-Krum, and
 * DP-FedAvg's z·C/(q·N) for reference (McMahan et al. 2018), with the {@link ReleaseChoice}.
 *
 * @param shape          the tree and target
 * @param options        gate, z split, dropout, count scale, W_min
 * @param z              z_eff, the multiplier the accountant is charged with per round
 * @param scale          m_c = q·cluster-size·(1 − p), K, k2 = ⌊β2·K⌋, M
 * @param gate           ρ and its source
 * @param twoPass        the two-pass release (passes, Δ_p, σ_p)
 * @param fixedSensitivity C/(q·N·(1 − p)), the fixed-denominator mean's Δ
 * @param multiKrumSensitivity 2C/((K − 2k2)·M)
 * @param dpFedAvgSigma  z·C/(q·N)
 * @param choice         the regime chosen and why
 * @param spent          (ε, δ) after T rounds at (q, z_eff)
 */
public record ReleasePlan(TreeShape shape, ReleaseOptions options, double z, TreeScale scale, GateRadius gate,
                          TwoPassRelease twoPass, double fixedSensitivity, double multiKrumSensitivity,
                          double dpFedAvgSigma, ReleaseChoice choice, PrivacySpent spent) {

    public static ReleasePlan of(final TreeShape s, final ReleaseOptions o) {
        final double z = NoiseCalibrator.calibrate(s.epsilon(), s.delta(), s.samplingRate(), s.rounds());
        final double mc = s.samplingRate() * s.clusterSize() * (1 - o.dropout());
        final TreeScale scale = TreeScale.of(mc, s.clustersPerContinent(), s.beta2(), s.continents());
        final GateRadius gate = GateRadius.planConstant(o.rhoOverClip(), s.clip());
        final TwoPassRelease two = TwoPassRelease.of(s.clip(), gate, o.tauOverRho() * gate.rho(), z, o.centreShare(),
            o.countScale(), scale, o.minCountFraction());
        final double fixed = FixedDenominatorMean.sensitivity(s.clip(), s.samplingRate() * s.leaves() * (1 - o.dropout()));
        final double mk = MultiKrumRelease.sensitivity(s.clip(), scale);
        final double fedAvg = FixedDenominatorMean.dpFedAvgSigma(z, s.clip(), s.samplingRate(), s.leaves());
        final ReleaseChoice choice = ReleaseChoice.decide(s.dimension(), z, o.centreShare(), s.clip(), gate.rho(), scale);
        final PrivacySpent spent = new RdpAccountant().compose(s.samplingRate(), z, s.rounds()).spent(s.delta());
        return new ReleasePlan(s, o, z, scale, gate, two, fixed, mk, fedAvg, choice, spent);
    }

    /** σ per coordinate of the two-pass published update when every planned contribution passes (W̃ = m_tot). */
    public double twoPassUpdateSigma() {
        return twoPass.updateSigma(scale.plannedTotal());
    }

    /** σ per coordinate of the fixed-denominator release, z·C/(q·N·(1 − p)). */
    public double fixedSigma() {
        return z * fixedSensitivity;
    }

    /** σ of the Multi-Krum path, z·2C/((K − 2k2)·M). */
    public double multiKrumSigma() {
        return z * multiKrumSensitivity;
    }

    /** The chosen regime's σ on the published update. */
    public double chosenSigma() {
        return choice.regime() == ReleaseChoice.Regime.TWO_PASS ? twoPassUpdateSigma() : fixedSigma();
    }
}
