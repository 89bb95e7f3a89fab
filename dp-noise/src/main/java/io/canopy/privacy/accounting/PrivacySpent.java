package io.canopy.privacy.accounting;

import java.util.List;

/**
 * The (ε, δ) guarantee implied by an RDP curve, by two conversions, each minimised over the same
 * order grid.
 *
 * @param delta          the δ asked for
 * @param epsilonClassic ε by Mironov 2017, Prop. 3: min_α RDP(α) + log(1/δ)/(α − 1)
 * @param orderClassic   the order attaining {@code epsilonClassic}
 * @param epsilonBalle   ε by Balle et al. 2020, Thm. 21 (as in Opacus and TF Privacy):
 *                       min_α RDP(α) + log((α − 1)/α) − (log δ + log α)/(α − 1), floored at 0
 * @param orderBalle     the order attaining {@code epsilonBalle}
 * @param warnings       human-readable notes, e.g. the optimum sits at the edge of the grid (the true
 *                       optimum may lie outside it, so a wider grid could give a smaller ε)
 */
public record PrivacySpent(double delta, double epsilonClassic, double orderClassic, double epsilonBalle,
                           double orderBalle, List<String> warnings) {

    public PrivacySpent {
        warnings = List.copyOf(warnings);
    }

    /** The tighter of the two conversions; both are valid upper bounds. */
    public double epsilon() {
        return Math.min(epsilonClassic, epsilonBalle);
    }

    /** The order attaining {@link #epsilon()}. */
    public double order() {
        return epsilonBalle <= epsilonClassic ? orderBalle : orderClassic;
    }
}
