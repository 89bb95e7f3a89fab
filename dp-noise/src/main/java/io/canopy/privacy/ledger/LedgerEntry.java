package io.canopy.privacy.ledger;

import io.canopy.privacy.release.ReleasePasses;
import java.util.Arrays;

/**
 * One round of the privacy ledger: enough to recompute the published model's privacy loss from scratch.
 *
 * <p>Since the release rules of PRIVACY-AT-SCALE.md an entry may also record the release rule and its passes
 * (name, z_p, Δ_p, σ_p) and the single multiplier z_eff the accountant is charged with (Σ z_p⁻² = z_eff⁻²;
 * {@link ReleasePasses}). Entries written before that have {@link #LEGACY_RULE}, z_eff NaN and no passes, and
 * read as before: the published release is tier 3's.
 *
 * @param round           round id, strictly increasing in a ledger
 * @param q               leaf sampling rate of the round
 * @param sampler         which Gaussian sampler ran ("secure" or "fast"; a fast round is a simulation)
 * @param z               noise multiplier per tier (index 0 = tier 1 … 2 = tier 3; 0 where a tier added none)
 * @param sensitivity     L2 sensitivity Δ per tier, same indexing
 * @param rdp             the round's RDP of the published release at each order of
 *                        {@link io.canopy.privacy.accounting.RdpAccountant#DEFAULT_ORDERS}
 * @param rule            the release rule ("gated", "multikrum", "fixed"), or {@link #LEGACY_RULE}
 * @param zEff            the round's accounted multiplier; NaN for legacy entries
 * @param passNames       pass names joined by commas (e.g. "centre,update"); empty for legacy entries
 * @param passZ           z_p per pass
 * @param passSensitivity Δ_p per pass
 * @param passSigma       σ_p per pass
 */
public record LedgerEntry(long round, double q, String sampler, double[] z, double[] sensitivity, double[] rdp,
                          String rule, double zEff, String passNames, double[] passZ, double[] passSensitivity,
                          double[] passSigma) {

    /** The rule of entries without passes: per-tier noise, the published release is tier 3's. */
    public static final String LEGACY_RULE = "tiered";
    /** Relative tolerance of σ_p = z_p·Δ_p. */
    public static final double SIGMA_TOLERANCE = 1e-12;

    private static final double[] NONE = new double[0];

    public LedgerEntry {
        z = z.clone();
        sensitivity = sensitivity.clone();
        rdp = rdp.clone();
        passZ = passZ.clone();
        passSensitivity = passSensitivity.clone();
        passSigma = passSigma.clone();
    }

    /** A legacy (per-tier) entry: the constructor every writer used before release rules. */
    public LedgerEntry(final long round, final double q, final String sampler, final double[] z, final double[] sensitivity,
                       final double[] rdp) {
        this(round, q, sampler, z, sensitivity, rdp, LEGACY_RULE, Double.NaN, "", NONE, NONE, NONE);
    }

    /** An entry of a round released with {@code rule} in {@code passes}; accounted once with z_eff. */
    public static LedgerEntry withPasses(final long round, final double q, final String sampler, final double[] z,
                                         final double[] sensitivity, final double[] rdp, final String rule,
                                         final ReleasePasses passes) {
        final int n = passes.passes().size();
        final double[] pz = new double[n];
        final double[] ps = new double[n];
        final double[] sg = new double[n];
        final StringBuilder names = new StringBuilder();
        for (int p = 0; p < n; p++) {
            final ReleasePasses.Pass pass = passes.passes().get(p);
            pz[p] = pass.z();
            ps[p] = pass.sensitivity();
            sg[p] = pass.sigma();
            names.append(p == 0 ? "" : ",").append(pass.name());
        }
        return new LedgerEntry(round, q, sampler, z, sensitivity, rdp, rule, passes.zEff(), names.toString(), pz, ps, sg);
    }

    /** True when the entry records release passes (not a legacy entry). */
    public boolean hasPasses() {
        return !LEGACY_RULE.equals(rule);
    }

    @Override
    public double[] z() {
        return z.clone();
    }

    @Override
    public double[] sensitivity() {
        return sensitivity.clone();
    }

    @Override
    public double[] rdp() {
        return rdp.clone();
    }

    @Override
    public double[] passZ() {
        return passZ.clone();
    }

    @Override
    public double[] passSensitivity() {
        return passSensitivity.clone();
    }

    @Override
    public double[] passSigma() {
        return passSigma.clone();
    }

    /** The multiplier the accountant composes for this round: z_eff with passes, else z of tier 3. */
    public double publishedZ() {
        return hasPasses() ? zEff : z[z.length - 1];
    }

    /**
     * Null when the recorded passes are consistent, else one line naming the field: the arrays have one entry per
     * name, σ_p = z_p·Δ_p to {@link #SIGMA_TOLERANCE} relative, and Σ z_p⁻² = z_eff⁻² to
     * {@link ReleasePasses#COMPOSITION_TOLERANCE} relative. Legacy entries are always consistent.
     */
    public String passProblem() {
        if (!hasPasses()) {
            return null;
        }
        final int n = passNames.isEmpty() ? 0 : passNames.split(",", -1).length;
        if (passZ.length != n || passSensitivity.length != n || passSigma.length != n) {
            return "field pass_z/pass_sensitivity/pass_sigma: " + passZ.length + "/" + passSensitivity.length + "/"
                + passSigma.length + " values for " + n + " passes (" + passNames + ")";
        }
        for (int p = 0; p < n; p++) {
            final double expected = passZ[p] * passSensitivity[p];
            if (!(Math.abs(passSigma[p] - expected) <= SIGMA_TOLERANCE * Math.abs(expected))) {
                return "field pass_sigma: pass " + p + " records sigma=" + passSigma[p] + " but z*sensitivity=" + expected;
            }
        }
        final String problem = ReleasePasses.compositionProblem(zEff, passZ);
        return problem == null ? null : "field z_eff: " + problem;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof LedgerEntry e && round == e.round && Double.compare(q, e.q) == 0 && sampler.equals(e.sampler)
            && Arrays.equals(z, e.z) && Arrays.equals(sensitivity, e.sensitivity) && Arrays.equals(rdp, e.rdp)
            && rule.equals(e.rule) && Double.compare(zEff, e.zEff) == 0 && passNames.equals(e.passNames)
            && Arrays.equals(passZ, e.passZ) && Arrays.equals(passSensitivity, e.passSensitivity)
            && Arrays.equals(passSigma, e.passSigma);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(round) * 31 + Arrays.hashCode(rdp);
    }

    @Override
    public String toString() {
        return "LedgerEntry[round=" + round + ", q=" + q + ", sampler=" + sampler + ", z=" + Arrays.toString(z)
            + ", sensitivity=" + Arrays.toString(sensitivity) + ", rdp=" + rdp.length + " orders"
            + (hasPasses() ? ", rule=" + rule + ", z_eff=" + zEff + ", passes=" + passNames + ", pass_z="
            + Arrays.toString(passZ) + ", pass_sensitivity=" + Arrays.toString(passSensitivity) + ", pass_sigma="
            + Arrays.toString(passSigma) : "") + "]";
    }
}
