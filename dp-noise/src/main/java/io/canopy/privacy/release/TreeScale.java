package io.canopy.privacy.release;

import io.canopy.aggregation.TrimmedMean;

/**
 * The Lipschitz factor λ from one cluster's sum of leaf contributions to the global release, under the release
 * rule of PRIVACY-AT-SCALE.md: clusters divide by their planned (public) count m_c, each continent takes a
 * coordinate-wise trimmed mean over exactly its planned K clusters with a fixed k2 = ⌊β2·K⌋, the global takes
 * the mean over its M continents. Every count here is public and fixed before the round, so no flip terms.
 *
 * <p><b>Uniform tree:</b> λ = 1/(m_c·(K − 2k2)·M). <b>Proof</b>, one factor per tier: a leaf touches one
 * cluster, whose output v + S/m_c moves by ‖ΔS‖/m_c; a trimmed mean over a fixed set of K inputs with fixed k2
 * is 1/(K − 2k2)-Lipschitz per input (Sensitivity#trimmedMean: per coordinate, moving one value moves each
 * order statistic monotonically and their total by exactly the move); a mean over M fixed inputs is
 * 1/M-Lipschitz per input. The factors multiply.
 *
 * <p><b>General tree</b> ({@link #lambda(double[], int[], int[])}): cluster c in continent j with planned count
 * m_c, continent j with K_j clusters and trim k_j: λ = max_c 1/(m_c·(K_j − 2k_j)·M). Proof: the leaf sits in one
 * cluster, so the product above holds with that cluster's factors; the adversary picks the cluster, hence the
 * maximum. Stateless.
 *
 * @param plannedPerCluster    m_c = q·N_c·(1 − p_drop), a public double (never the realized count)
 * @param clustersPerContinent K, exactly the inputs every continent trims over
 * @param trimPerEnd           k2 = ⌊β2·K⌋ from the planned K
 * @param continents           M
 */
public record TreeScale(double plannedPerCluster, int clustersPerContinent, int trimPerEnd, int continents) {

    public TreeScale {
        if (!(plannedPerCluster > 0) || Double.isInfinite(plannedPerCluster)) {
            throw new IllegalArgumentException("planned count per cluster m_c must be finite and > 0, got " + plannedPerCluster);
        }
        if (clustersPerContinent < 1 || continents < 1) {
            throw new IllegalArgumentException("K and M must be >= 1, got K=" + clustersPerContinent + " M=" + continents);
        }
        if (trimPerEnd < 0 || !(clustersPerContinent - 2 * trimPerEnd >= 1)) {
            throw new IllegalArgumentException("trimmed mean needs K - 2k2 >= 1, got K=" + clustersPerContinent + " k2=" + trimPerEnd);
        }
    }

    /** k2 = ⌊β2·K⌋ fixed from the planned K (TrimmedMean#trimCount, on the decimal β2). */
    public static TreeScale of(final double plannedPerCluster, final int clustersPerContinent, final double beta2,
                               final int continents) {
        return new TreeScale(plannedPerCluster, clustersPerContinent, TrimmedMean.trimCount(beta2, clustersPerContinent),
            continents);
    }

    /** λ = 1/(m_c·(K − 2k2)·M); see the class javadoc. */
    public double lambda() {
        return 1.0 / (plannedPerCluster * (clustersPerContinent - 2 * trimPerEnd) * (double) continents);
    }

    /** m_tot = m_c·K·M, the planned number of contributions of the whole round. */
    public double plannedTotal() {
        return plannedPerCluster * clustersPerContinent * (double) continents;
    }

    /**
     * λ for a tree whose clusters and continents differ: max over clusters c of 1/(m_c·(K_j − 2k_j)·M) with j the
     * continent of c, K_j the clusters mapped to j, M the number of continents (every continent 0 … M − 1 must have
     * at least one cluster).
     *
     * @param plannedCount m_c per cluster
     * @param continentOf  continent index per cluster
     * @param trimPerEnd   k_j per continent
     */
    public static double lambda(final double[] plannedCount, final int[] continentOf, final int[] trimPerEnd) {
        if (plannedCount.length != continentOf.length || plannedCount.length == 0) {
            throw new IllegalArgumentException("need one planned count and one continent per cluster, got "
                + plannedCount.length + " and " + continentOf.length);
        }
        final int m = trimPerEnd.length;
        final int[] k = new int[m];
        for (final int j : continentOf) {
            if (j < 0 || j >= m) {
                throw new IllegalArgumentException("continent index " + j + " outside 0.." + (m - 1));
            }
            k[j]++;
        }
        double worst = 0;
        for (int c = 0; c < plannedCount.length; c++) {
            final int j = continentOf[c];
            final int kept = k[j] - 2 * trimPerEnd[j];
            if (kept < 1 || trimPerEnd[j] < 0) {
                throw new IllegalArgumentException("continent " + j + ": trimmed mean needs K - 2k >= 1, got K=" + k[j]
                    + " k=" + trimPerEnd[j]);
            }
            if (!(plannedCount[c] > 0)) {
                throw new IllegalArgumentException("cluster " + c + ": planned count must be > 0, got " + plannedCount[c]);
            }
            worst = Math.max(worst, 1.0 / (plannedCount[c] * kept * (double) m));
        }
        for (int j = 0; j < m; j++) {
            if (k[j] == 0) {
                throw new IllegalArgumentException("continent " + j + " has no cluster");
            }
        }
        return worst;
    }
}
