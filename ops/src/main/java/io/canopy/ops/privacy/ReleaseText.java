package io.canopy.ops.privacy;

import io.canopy.ops.format.Figures;
import io.canopy.ops.json.JsonWriter;
import io.canopy.privacy.plan.TreeShape;
import io.canopy.privacy.release.ReleasePasses;
import io.canopy.privacy.release.ReleasePlan;
import io.canopy.privacy.release.TreeScale;
import io.canopy.privacy.release.TwoPassRelease;
import java.io.PrintStream;

/**
 * The release-regime section of {@code ./canopy privacy plan}: σ per coordinate of every regime at the same z,
 * DP-FedAvg's z·C/(qN) and the ratios, the choice and ρ. σ, ε and ratios are rounded up ({@link Figures}).
 */
final class ReleaseText {

    private static final String ROW = "  %-30s %-7s %-10s %-12s %s%n";

    private ReleaseText() {
    }

    static void print(final ReleasePlan p, final PrintStream out) {
        final TreeShape s = p.shape();
        final TreeScale t = p.scale();
        final TwoPassRelease two = p.twoPass();
        out.println();
        out.printf("Release regimes (PRIVACY-AT-SCALE.md) at the same z = %s, one accountant step per round: epsilon = %s"
            + " at delta=%s after %d rounds at q=%s%n", Figures.up(p.z()), Figures.up(p.spent().epsilon()),
            Figures.exact(s.delta()), s.rounds(), Figures.exact(s.samplingRate()));
        out.printf("  planned m_c = q x cluster-size x (1 - dropout) = %s, K = %d, k2 = floor(beta2 x K) = %d, M = %d:"
            + " lambda = 1/(m_c (K - 2 k2) M) = %s, m_tot = %s%n", Figures.exact(t.plannedPerCluster()),
            t.clustersPerContinent(), t.trimPerEnd(), t.continents(), Figures.up(t.lambda()), Figures.exact(t.plannedTotal()));
        out.printf("  gate radius rho = %s (%s); pass-2 clip tau = %s; count coordinate s = %s; publish iff W~ >= %s%n",
            Figures.exact(p.gate().rho()), p.gate().source(), Figures.exact(two.tau()), Figures.exact(two.countScale()),
            Figures.exact(two.minCount()));
        out.printf(ROW, "regime", "pass", "z", "Δ per leaf", "σ per coordinate");
        final ReleasePasses.Pass c = two.centre();
        final ReleasePasses.Pass u = two.update();
        out.printf(ROW, "two-pass gated", c.name(), Figures.up(c.z()), Figures.up(c.sensitivity()), Figures.up(c.sigma()));
        out.printf(ROW, "", u.name(), Figures.up(u.z()), Figures.up(u.sensitivity()), Figures.up(u.sigma())
            + "  (noisy count W~: sigma = " + Figures.up(two.countSigma()) + " leaves)");
        out.printf(ROW, "  published update at W~ = m_tot", "", "", "", Figures.up(p.twoPassUpdateSigma())
            + "  (x m_tot/W~ otherwise, at most x" + Figures.up(t.plannedTotal() / two.minCount()) + ")");
        out.printf(ROW, "fixed-denominator mean", "mean", Figures.up(p.z()), Figures.up(p.fixedSensitivity()),
            Figures.up(p.fixedSigma()));
        out.printf(ROW, "multi-krum (option)", "mean", Figures.up(p.z()), Figures.up(p.multiKrumSensitivity()),
            Figures.up(p.multiKrumSigma()));
        out.printf(ROW, "DP-FedAvg z*C/(qN)", "mean", Figures.up(p.z()), Figures.up(s.clip() / (s.samplingRate() * s.leaves())),
            Figures.up(p.dpFedAvgSigma()));
        out.printf("  ratio to DP-FedAvg: two-pass %s, fixed-denominator %s, multi-krum %s%n",
            Figures.up(p.twoPassUpdateSigma() / p.dpFedAvgSigma()), Figures.up(p.fixedSigma() / p.dpFedAvgSigma()),
            Figures.up(p.multiKrumSigma() / p.dpFedAvgSigma()));
        out.printf("Release choice: %s: %s.%n", p.choice().regime(), p.choice().reason());
        out.printf("  published sigma per coordinate of the chosen regime: %s (%s x DP-FedAvg)%n", Figures.up(p.chosenSigma()),
            Figures.up(p.chosenSigma() / p.dpFedAvgSigma()));
        out.println("Proven: Delta of every pass (Lemma G, trimmed mean over a fixed K with fixed k2, mean over M; planned"
            + " counts, time-closed tiers). Heuristic: rho, the choice threshold, W_min.");
    }

    static void json(final ReleasePlan p, final JsonWriter j) {
        final TwoPassRelease two = p.twoPass();
        final TreeScale t = p.scale();
        j.name("release").beginObject()
            .field("z", p.z()).field("epsilon", p.spent().epsilon())
            .field("planned_per_cluster", t.plannedPerCluster()).field("clusters_per_continent", t.clustersPerContinent())
            .field("trim_per_end", t.trimPerEnd()).field("continents", t.continents()).field("lambda", t.lambda())
            .field("planned_total", t.plannedTotal()).field("rho", p.gate().rho()).field("rho_source", p.gate().source())
            .field("tau", two.tau()).field("count_scale", two.countScale()).field("min_count", two.minCount())
            .name("two_pass").beginObject()
            .field("z_centre", two.centre().z()).field("sensitivity_centre", two.centre().sensitivity())
            .field("sigma_centre", two.centre().sigma())
            .field("z_update", two.update().z()).field("sensitivity_update", two.update().sensitivity())
            .field("sigma_update", two.update().sigma()).field("sigma_count", two.countSigma())
            .field("sigma_published", p.twoPassUpdateSigma()).endObject()
            .field("fixed_sensitivity", p.fixedSensitivity()).field("fixed_sigma", p.fixedSigma())
            .field("multikrum_sensitivity", p.multiKrumSensitivity()).field("multikrum_sigma", p.multiKrumSigma())
            .field("dp_fedavg_sigma", p.dpFedAvgSigma())
            .field("ratio_two_pass", p.twoPassUpdateSigma() / p.dpFedAvgSigma())
            .field("ratio_fixed", p.fixedSigma() / p.dpFedAvgSigma())
            .field("choice", p.choice().regime().name()).field("choice_reason", p.choice().reason())
            .field("centre_noise_norm", p.choice().centreNoise()).field("choice_threshold", p.choice().threshold())
            .endObject();
    }
}
