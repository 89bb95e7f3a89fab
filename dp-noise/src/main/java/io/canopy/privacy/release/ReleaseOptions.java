package io.canopy.privacy.release;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.canopy.privacy.plan.PlanProperties;

/**
 * The release's public parameters beyond the tree ({@code io.canopy.privacy.plan.TreeShape}): gate radius, pass-2
 * clip, dropout, z split, count scale, W_min. Read from the same flat {@code key: value} file as the tree.
 *
 * @param rhoOverClip      ρ/C (plan-time constant; default 0.7)
 * @param tauOverRho       τ/ρ in (0, 1] (default 1: τ = ρ)
 * @param dropout          p_drop in [0, 1): m_c = q·N_c·(1 − p_drop)
 * @param centreShare      share of 1/z² for the centre pass (default 1/9: z1 = 3z)
 * @param countScale       s of the count coordinate (default 0.1)
 * @param minCountFraction W_min/m_tot (default 0.5)
 */
public record ReleaseOptions(double rhoOverClip, double tauOverRho, double dropout, double centreShare,
                             double countScale, double minCountFraction) {

    /** The keys of {@link #fromProperties}, each with its help text. */
    public static final Map<String, String> KEYS = keys();

    public ReleaseOptions {
        PlanProperties.require(rhoOverClip > 0 && Double.isFinite(rhoOverClip), "rho", rhoOverClip, "finite and > 0 (a fraction of C)");
        PlanProperties.require(tauOverRho > 0 && tauOverRho <= 1, "tau", tauOverRho, "in (0, 1] (a fraction of rho)");
        PlanProperties.require(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
        PlanProperties.require(centreShare > 0 && centreShare < 1, "centre-share", centreShare, "in (0, 1)");
        PlanProperties.require(countScale > 0 && Double.isFinite(countScale), "count-scale", countScale, "finite and > 0");
        PlanProperties.require(minCountFraction > 0 && minCountFraction <= 1, "min-count", minCountFraction, "in (0, 1]");
    }

    public static ReleaseOptions defaults() {
        return new ReleaseOptions(GateRadius.DEFAULT_FRACTION_OF_CLIP, 1.0, 0.0, ReleasePasses.DEFAULT_CENTRE_SHARE,
            TwoPassRelease.DEFAULT_COUNT_SCALE, TwoPassRelease.DEFAULT_MIN_COUNT_FRACTION);
    }

    /** Reads the keys of {@link #KEYS} present in {@code p} (others are ignored: they belong to the tree). */
    public static ReleaseOptions fromProperties(final Properties p) {
        final ReleaseOptions d = defaults();
        return new ReleaseOptions(PlanProperties.number(p, "rho", d.rhoOverClip), PlanProperties.number(p, "tau",
            d.tauOverRho), PlanProperties.number(p, "dropout", d.dropout),
            PlanProperties.number(p, "centre-share", d.centreShare), PlanProperties.number(p, "count-scale", d.countScale),
                PlanProperties.number(p, "min-count", d.minCountFraction));
    }



    private static Map<String, String> keys() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("rho", "gate radius as a fraction of C, plan-time constant (default 0.7; heuristic)");
        m.put("tau", "pass-2 clip as a fraction of rho, in (0, 1] (default 1)");
        m.put("dropout", "planned dropout p, m_c = q x cluster-size x (1 - p) (default 0)");
        m.put("centre-share", "share of 1/z^2 given to the centre pass (default 1/9: z1 = 3z)");
        m.put("count-scale", "s: the noisy count travels as a coordinate s x tau x lambda x W (default 0.1)");
        m.put("min-count", "publish iff noisy W >= this x m_tot (default 0.5)");
        return Collections.unmodifiableMap(m);
    }
}
