package io.canopy.ops.plan;

import io.canopy.global.plan.RoundDesign;
import io.canopy.privacy.release.ReleaseChoice;
import io.canopy.privacy.release.ReleasePasses;
import io.canopy.privacy.release.TreeScale;

/**
 * How the round's update is released, which decides what a cluster plans for and holds: under the gated and fixed
 * releases a cluster plans for every invited leaf, under Multi-Krum for invited / over-selection
 * ({@code RoundDesign.release}); only the gated release keeps each cluster's accepted rows from pass 1 until the
 * round's centre comes back ({@code ClusterAggregator.onGatedClosed}).
 */
public enum ReleaseRule {
    /** Two-pass gated centred clipping: Multi-Krum as a detector, a centre pass, then a gated pass on kept rows. */
    GATED,
    /** DP-FedAvg's fixed-denominator clipped mean: Multi-Krum as a detector, one clipped sum. */
    FIXED,
    /** Multi-Krum's selection, then trimmed means up the tree. */
    MULTIKRUM;

    /**
     * The rule {@code f.release()} names; {@code auto} decides as {@code RoundDesign.choice} does: two-pass when the
     * centre's predicted noise norm z1·C·λ·√d is at most half the gate radius 0.7·C ({@link ReleaseChoice#decide}).
     */
    public static ReleaseRule of(final Fleet f) {
        return switch (f.release()) {
            case "gated" -> GATED;
            case "fixed" -> FIXED;
            case "multikrum" -> MULTIKRUM;
            default -> auto(f);
        };
    }

    /** auto; a tree the privacy plan cannot cover (too few updates per cluster for Multi-Krum's f) plans fixed. */
    private static ReleaseRule auto(final Fleet f) {
        final double z;
        try {
            z = PrivacyFigures.of(f).z();
        } catch (final IllegalArgumentException e) {
            return FIXED;
        }
        return ReleaseChoice.decide(f.dimension(), z, ReleasePasses.DEFAULT_CENTRE_SHARE,
                f.clip(), RoundDesign.GATE_FACTOR * f.clip(), TreeScale.of(f.samplingRate() * f.clusterSize(),
                    f.clustersPerContinent(), f.beta(), f.continents())).regime() == ReleaseChoice.Regime.TWO_PASS
                ? GATED : FIXED;
    }

    /** Whether a cluster plans for all its invited leaves (not invited / over-selection). */
    public boolean plansEveryInvitation() {
        return this != MULTIKRUM;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
