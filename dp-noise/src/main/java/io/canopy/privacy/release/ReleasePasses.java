package io.canopy.privacy.release;

import java.util.List;

/**
 * The Gaussian releases of one round on the same Poisson sample, each with its own multiplier z_p, and the
 * single multiplier z_eff the accountant is charged with.
 *
 * <p>Composition (Dong, Roth, Su 2022, Cor. 3.3): releases p with sensitivity Δ_p and noise σ_p, each chosen
 * after the earlier ones, are together μ-GDP with μ² = Σ (Δ_p/σ_p)² = Σ z_p⁻²; for the same sample that is the
 * Gaussian mechanism with multiplier z_eff, z_eff⁻² = Σ z_p⁻², and Poisson subsampling of that dominating pair
 * is the usual subsampled Gaussian (Zhu, Dong, Wang 2022). So the accountant runs once a round with z_eff,
 * never once per pass: subsampled RDP is super-additive in 1/z² at high orders, and two amplified curves would
 * under-report ε. Construction checks Σ z_p⁻² = z_eff⁻² to {@link #COMPOSITION_TOLERANCE} relative.
 *
 * @param zEff   the multiplier the accountant is charged with, finite and &gt; 0
 * @param passes the releases in order, at least one
 */
public record ReleasePasses(double zEff, List<Pass> passes) {

    /** Relative tolerance of Σ z_p⁻² = z_eff⁻². */
    public static final double COMPOSITION_TOLERANCE = 1e-12;
    /** The default share of 1/z² given to the centre pass: z1 = 3z, z2 = z/√(1 − 1/9). */
    public static final double DEFAULT_CENTRE_SHARE = 1.0 / 9.0;

    /**
     * One Gaussian release.
     *
     * @param name        e.g. "centre" or "update"
     * @param z           its noise multiplier σ/Δ
     * @param sensitivity its L2 sensitivity Δ to one leaf (add or remove)
     */
    public record Pass(String name, double z, double sensitivity) {
        public Pass {
            if (!(z > 0) || Double.isInfinite(z)) {
                throw new IllegalArgumentException("pass " + name + ": z must be finite and > 0, got " + z);
            }
            if (!(sensitivity >= 0) || Double.isInfinite(sensitivity)) {
                throw new IllegalArgumentException("pass " + name + ": sensitivity must be finite and >= 0, got " + sensitivity);
            }
        }

        /** The noise standard deviation per coordinate, z·Δ. */
        public double sigma() {
            return z * sensitivity;
        }
    }

    public ReleasePasses {
        passes = List.copyOf(passes);
        if (passes.isEmpty()) {
            throw new IllegalArgumentException("a release needs at least one pass");
        }
        final String problem = compositionProblem(zEff, passes.stream().mapToDouble(Pass::z).toArray());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Splits z into a centre pass with share f of 1/z² and an update pass with the rest: z1 = z/√f,
     * z2 = z/√(1 − f); f = 1/9 gives z1 = 3z, z2 = z/√(8/9).
     *
     * @param z                the round's multiplier (what the calibrator returns for the target)
     * @param centreShare      f in (0, 1)
     * @param centreSensitivity Δ1 = C·λ
     * @param updateSensitivity Δ2 = τ·λ·√(1 + s²) with the count coordinate
     */
    public static ReleasePasses twoPass(final double z, final double centreShare, final double centreSensitivity,
                                        final double updateSensitivity) {
        if (!(centreShare > 0 && centreShare < 1)) {
            throw new IllegalArgumentException("centre share of 1/z^2 must be in (0, 1), got " + centreShare);
        }
        final double z1 = z / Math.sqrt(centreShare);
        final double z2 = z / Math.sqrt(1 - centreShare);
        return new ReleasePasses(z, List.of(new Pass("centre", z1, centreSensitivity), new Pass("update", z2, updateSensitivity)));
    }

    /** A single release with multiplier z (the fixed-denominator mean, Multi-Krum). */
    public static ReleasePasses onePass(final String name, final double z, final double sensitivity) {
        return new ReleasePasses(z, List.of(new Pass(name, z, sensitivity)));
    }

    /** Σ z_p⁻², the μ² of the composition. */
    public double muSquared() {
        double s = 0;
        for (final Pass p : passes) {
            s += 1 / (p.z() * p.z());
        }
        return s;
    }

    /**
     * Null when Σ z_p⁻² equals z_eff⁻² to {@link #COMPOSITION_TOLERANCE} relative, else one line saying how they
     * differ (used by ledger replay on recorded values).
     */
    public static String compositionProblem(final double zEff, final double[] passZ) {
        if (!(zEff > 0) || Double.isInfinite(zEff)) {
            return "z_eff must be finite and > 0, got " + zEff;
        }
        if (passZ.length == 0) {
            return "no passes recorded";
        }
        double s = 0;
        for (final double z : passZ) {
            if (!(z > 0) || Double.isInfinite(z)) {
                return "pass z must be finite and > 0, got " + z;
            }
            s += 1 / (z * z);
        }
        final double target = 1 / (zEff * zEff);
        final double rel = Math.abs(s - target) / target;
        if (!(rel <= COMPOSITION_TOLERANCE)) {
            return "passes compose to z_eff=" + (1 / Math.sqrt(s)) + " (sum of z_p^-2 = " + s + "), recorded z_eff=" + zEff
                + " (relative difference " + rel + ")";
        }
        return null;
    }
}
