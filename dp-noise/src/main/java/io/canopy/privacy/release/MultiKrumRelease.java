package io.canopy.privacy.release;

import io.canopy.privacy.sensitivity.Sensitivity;

/**
 * The Multi-Krum path, kept as an option: every cluster releases its Multi-Krum average (Blanchard et al. 2017)
 * of updates clipped to C, continents trim over exactly their planned K clusters with k2 fixed from K, the global
 * averages M continents; tiers close on time only and always report, so no flip terms.
 *
 * <p><b>Sensitivity</b> Δ = 2C/((K − 2k2)·M). Proof: a Multi-Krum average is a convex combination of points of the
 * C-ball, so it stays in the ball whose diameter is 2C (Sensitivity#averageOfClipped); this is attained in order,
 * not only in principle: two tied groups at ±C·e1 and one added leaf flip the selection (PRIVACY-AT-SCALE.md), and
 * no smooth-sensitivity argument certifies less. The continent trimmed mean and global mean multiply by
 * 1/(K − 2k2) and 1/M ({@link TreeScale}). Note the cluster bound is 2C, not C/n: the selection depends on every
 * leaf, so this path's noise is about 2·m_c/ρ times the gated path's.
 */
public final class MultiKrumRelease {

    private MultiKrumRelease() {
    }

    /** Δ1 = 2C, one cluster's Multi-Krum average. */
    public static double clusterSensitivity(final double clip) {
        return Sensitivity.averageOfClipped(clip);
    }

    /** Δ = 2C/((K − 2k2)·M) at the global release; see the class javadoc. */
    public static double sensitivity(final double clip, final TreeScale scale) {
        return clusterSensitivity(clip) * scale.lambda() * scale.plannedPerCluster();
    }
}
