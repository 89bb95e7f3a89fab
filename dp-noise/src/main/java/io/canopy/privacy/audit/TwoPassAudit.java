package io.canopy.privacy.audit;

import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import io.canopy.privacy.noise.GaussianMechanism;
import io.canopy.privacy.release.ClusterPasses;
import io.canopy.privacy.release.ReleasePasses;
import io.canopy.privacy.release.TwoPassRelease;
import java.util.Arrays;

/**
 * A statistical privacy audit of the two-pass gated release (Jagielski, Ullman, Oprea 2020; Nasr et al. 2021):
 * T = 1, q = 1, one cluster of m_c planned leaves (λ = 1/m_c), background leaves at the public centre v0 = 0, and a
 * canary leaf at distance just under ρ (= τ = C) from v0, so it is clipped at about C in pass 1 and, whenever the
 * released v1 leaves it inside the gate, contributes about ρ in pass 2. Each run releases both passes with the real
 * kernels and sampler, on D (without the canary) or D' (with it); the test statistic is the Gaussian log-likelihood
 * ratio given the released v1, Σ_p ⟨o_p − m_p, s_p⟩/σ_p², m_p the noise-free release on D and s_p the canary's shift.
 * The threshold is chosen on the first half of the runs and evaluated on the second; with Clopper–Pearson upper
 * bounds (α/2 each, so 1 − α jointly) on the false-positive and false-negative rates,
 * ε_lb = max(log((1 − δ − FNR_hi)/FPR_hi), log((1 − δ − FPR_hi)/FNR_hi)), which is a valid lower bound on the ε of
 * the mechanism at δ with probability ≥ 1 − α. Compare it with the accountant's ε for (q = 1, z_eff, T = 1).
 *
 * @param dimension       d (small)
 * @param plannedCount    m_c
 * @param background      leaves at v0 besides the canary (fewer than m_c)
 * @param z               z_eff; passes split 1/9 : 8/9
 * @param canaryFraction  the canary's distance from v0 as a fraction of ρ (just under 1)
 * @param runs            runs per dataset (D and D'), even
 * @param delta           δ
 * @param alpha           1 − confidence (0.05 for 95%)
 */
public record TwoPassAudit(int dimension, double plannedCount, int background, double z, double canaryFraction,
                           int runs, double delta, double alpha) {

    /** What an audit found. */
    public record Result(double epsilonLowerBound, double epsilonAccountant, double threshold, long falsePositives,
                         long falseNegatives, long evaluated, double fprUpper, double fnrUpper, String sampler) {
    }

    /** Supplies the Gaussian mechanism of each pass, so tests can seed the simulation sampler. */
    @FunctionalInterface
    public interface Mechanisms {
        GaussianMechanism of(ReleasePasses.Pass pass, int dimension, int run, int passIndex);
    }

    public TwoPassAudit {
        if (dimension < 1 || background < 0 || !(background < plannedCount) || runs < 4 || runs % 2 != 0) {
            throw new IllegalArgumentException("need d >= 1, 0 <= background < m_c and an even runs >= 4");
        }
        if (!(canaryFraction > 0 && canaryFraction < 1)) {
            throw new IllegalArgumentException("canary fraction must be in (0, 1), got " + canaryFraction);
        }
    }

    /** The deployed mechanism: the secure sampler. */
    public Result run() {
        return run((pass, d, run, p) -> GaussianMechanism.secure(pass.z(), pass.sensitivity(), d));
    }

    public Result run(final Mechanisms mechanisms) {
        final int d = dimension;
        final double clip = 1.0;
        final double rho = clip;
        final double lambda = 1.0 / plannedCount;
        final ReleasePasses passes = ReleasePasses.twoPass(z, ReleasePasses.DEFAULT_CENTRE_SHARE,
            TwoPassRelease.centreSensitivity(clip, lambda), TwoPassRelease.updateSensitivity(rho, lambda,
                TwoPassRelease.DEFAULT_COUNT_SCALE));
        final double unit = TwoPassRelease.DEFAULT_COUNT_SCALE * rho * lambda;
        final float[] without = new float[background * d];
        final float[] with = Arrays.copyOf(without, (background + 1) * d);
        with[background * d] = (float) (canaryFraction * rho);
        final float[] v0 = new float[d];
        final double[] acc = new double[d];
        final float[] m1 = new float[d];
        final float[] m1c = new float[d];
        ClusterPasses.centre(without, background, d, v0, clip, plannedCount, acc, m1);
        ClusterPasses.centre(with, background + 1, d, v0, clip, plannedCount, acc, m1c);
        final double[] stats = new double[2 * runs];
        final float[] o1 = new float[d];
        final float[] o2 = new float[d + 1];
        final float[] m2 = new float[d + 1];
        final float[] m2c = new float[d + 1];
        String sampler = "";
        for (int r = 0; r < 2 * runs; r++) {
            final boolean canary = r % 2 == 1;
            System.arraycopy(canary ? m1c : m1, 0, o1, 0, d);
            final GaussianMechanism g1 = mechanisms.of(passes.passes().get(0), d, r, 1);
            g1.apply(o1);
            final long w = ClusterPasses.gated(without, background, d, o1, rho, rho, plannedCount, acc, m2);
            m2[d] = (float) (w * unit);
            final long wc = ClusterPasses.gated(with, background + 1, d, o1, rho, rho, plannedCount, acc, m2c);
            m2c[d] = (float) (wc * unit);
            System.arraycopy(canary ? m2c : m2, 0, o2, 0, d + 1);
            final GaussianMechanism g2 = mechanisms.of(passes.passes().get(1), d + 1, r, 2);
            g2.apply(o2);
            sampler = g2.samplerName();
            stats[r] = llr(o1, m1, m1c, g1.sigma()) + llr(o2, m2, m2c, g2.sigma());
        }
        return evaluate(stats, sampler, new RdpAccountant().compose(1.0, z, 1).spent(delta));
    }

    /** ⟨o − m, s⟩/σ² − ‖s‖²/(2σ²), s = mc − m: the Gaussian log-likelihood ratio of D' against D. */
    private static double llr(final float[] o, final float[] m, final float[] mc, final double sigma) {
        double dot = 0;
        double ss = 0;
        for (int j = 0; j < o.length; j++) {
            final double s = (double) mc[j] - m[j];
            dot += ((double) o[j] - m[j]) * s;
            ss += s * s;
        }
        return (dot - 0.5 * ss) / (sigma * sigma);
    }

    private Result evaluate(final double[] stats, final String sampler, final PrivacySpent spent) {
        // Runs alternate D, D'; the first half chooses the threshold, the second half is evaluated.
        final int half = runs;
        double best = Double.NEGATIVE_INFINITY;
        double threshold = 0;
        final double[] candidates = Arrays.copyOf(stats, half);
        Arrays.sort(candidates);
        for (final double t : candidates) {
            long fp = 0;
            long fn = 0;
            for (int r = 0; r < half; r++) {
                final boolean canary = r % 2 == 1;
                fp += !canary && stats[r] > t ? 1 : 0;
                fn += canary && stats[r] <= t ? 1 : 0;
            }
            final double e = bound(fp, fn, half / 2);
            if (e > best) {
                best = e;
                threshold = t;
            }
        }
        long fp = 0;
        long fn = 0;
        for (int r = half; r < 2 * half; r++) {
            final boolean canary = r % 2 == 1;
            fp += !canary && stats[r] > threshold ? 1 : 0;
            fn += canary && stats[r] <= threshold ? 1 : 0;
        }
        final long n = half / 2;
        final double fprHi = ClopperPearson.upper(fp, n, alpha / 2);
        final double fnrHi = ClopperPearson.upper(fn, n, alpha / 2);
        return new Result(epsilon(fprHi, fnrHi), spent.epsilon(), threshold, fp, fn, n, fprHi, fnrHi, sampler);
    }

    private double bound(final long fp, final long fn, final long n) {
        return epsilon(ClopperPearson.upper(fp, n, alpha / 2), ClopperPearson.upper(fn, n, alpha / 2));
    }

    /** max(log((1 − δ − FNR)/FPR), log((1 − δ − FPR)/FNR)), floored at 0 (Kairouz et al. 2015's hypothesis-test view). */
    private double epsilon(final double fpr, final double fnr) {
        final double a = 1 - delta - fnr > 0 && fpr > 0 ? Math.log((1 - delta - fnr) / fpr) : 0;
        final double b = 1 - delta - fpr > 0 && fnr > 0 ? Math.log((1 - delta - fpr) / fnr) : 0;
        return Math.max(0, Math.max(a, b));
    }
}
