package io.canopy.privacy.plan;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The tier configuration the privacy plan is derived from. Defaults follow DESIGN.md: 10,000,000
 * leaves in 10^4 clusters of 1,000 (Multi-Krum), 100 continents of 100 clusters (trimmed mean), one
 * global (trimmed mean); quorum 0.6 at every tier; clip norm 1.
 *
 * @param leaves               fleet size N, which must equal clusterSize·clustersPerContinent·continents
 * @param samplingRate         q: each leaf is included in a round independently with this probability
 * @param clusterSize          leaves assigned to one cluster; a cluster expects q·clusterSize updates a round
 * @param clustersPerContinent K, clusters feeding one continental aggregator
 * @param continents           M, continental aggregators feeding the global one
 * @param clip                 C, the L2 norm every leaf update is clipped to
 * @param multiKrumF           f of the clusters' Multi-Krum (needs n &gt; 2f + 2 at quorum)
 * @param beta2                trim fraction of the continental trimmed mean, in [0, 0.5)
 * @param beta3                trim fraction of the global trimmed mean, in [0, 0.5)
 * @param quorum               fraction of the expected inputs every tier needs before it closes, in (0, 1]
 * @param rounds               T, rounds the guarantee must cover
 * @param epsilon              target ε end to end (and at every untrusted boundary)
 * @param delta                target δ
 * @param dimension            d, model dimension (sizes the noise allowance of projected inputs)
 * @param trusted              aggregators trusted to see their inputs without noise: a subset of
 *                             {"continental", "global"}; the public never is
 */
public record TreeShape(long leaves, double samplingRate, int clusterSize, int clustersPerContinent, int continents,
                        double clip, int multiKrumF, double beta2, double beta3, double quorum, long rounds,
                        double epsilon, double delta, long dimension, Set<String> trusted) {

    /** The keys of {@link #fromProperties}, each with its help text. */
    public static final Map<String, String> KEYS = keys();

    public TreeShape {
        trusted = Set.copyOf(trusted);
        PlanProperties.require(leaves >= 1, "leaves", leaves, ">= 1");
        PlanProperties.require(samplingRate > 0 && samplingRate <= 1, "q", samplingRate, "in (0, 1]");
        PlanProperties.require(clusterSize >= 1, "cluster-size", clusterSize, ">= 1");
        PlanProperties.require(clustersPerContinent >= 1, "clusters-per-continent", clustersPerContinent, ">= 1");
        PlanProperties.require(continents >= 1, "continents", continents, ">= 1");
        PlanProperties.require(clip > 0 && Double.isFinite(clip), "clip", clip, "finite and > 0");
        PlanProperties.require(multiKrumF >= 0, "multikrum-f", multiKrumF, ">= 0");
        PlanProperties.require(beta2 >= 0 && beta2 < 0.5, "beta2", beta2, "in [0, 0.5)");
        PlanProperties.require(beta3 >= 0 && beta3 < 0.5, "beta3", beta3, "in [0, 0.5)");
        PlanProperties.require(quorum > 0 && quorum <= 1, "quorum", quorum, "in (0, 1]");
        PlanProperties.require(rounds >= 1, "rounds", rounds, ">= 1");
        PlanProperties.require(epsilon > 0 && Double.isFinite(epsilon), "epsilon", epsilon, "finite and > 0");
        PlanProperties.require(delta > 0 && delta < 1, "delta", delta, "in (0, 1)");
        PlanProperties.require(dimension >= 1, "dimension", dimension, ">= 1");
        for (final String t : trusted) {
            if (!t.equals("continental") && !t.equals("global")) {
                throw new IllegalArgumentException("trusted must list only continental and/or global (or none), got " + t);
            }
        }
        final long assigned = (long) clusterSize * clustersPerContinent * continents;
        if (leaves != assigned) {
            throw new IllegalArgumentException("leaves must equal cluster-size x clusters-per-continent x continents = "
                + assigned + ", got " + leaves);
        }
        final int n1 = minInputs(expectedPerCluster(samplingRate, clusterSize), quorum);
        if (!(n1 > 2 * multiKrumF + 2)) {
            throw new IllegalArgumentException("multikrum-f=" + multiKrumF + " needs more than 2f+2 = " + (2 * multiKrumF + 2)
                + " updates per cluster at quorum, but q*cluster-size*quorum gives " + n1);
        }
    }

    /** The default 10M-leaf tree: q = 0.1, 1,000 rounds, target (2.0, 1e-5), d = 10^6, continental and global trusted. */
    public static TreeShape defaults() {
        return new TreeShape(10_000_000L, 0.1, 1000, 100, 100, 1.0, 20, 0.1, 0.1, 0.6, 1000, 2.0, 1e-5, 1_000_000L,
            Set.of("continental", "global"));
    }

    /** Expected updates per cluster per round, q·clusterSize rounded to the nearest integer (at least 1). */
    public int expectedPerCluster() {
        return expectedPerCluster(samplingRate, clusterSize);
    }

    /** The smallest input count at which a tier expecting {@code expected} inputs meets its quorum. */
    public static int minInputs(final int expected, final double quorum) {
        return Math.max(1, (int) Math.ceil(quorum * expected - 1e-9));
    }

    private static int expectedPerCluster(final double q, final int clusterSize) {
        return (int) Math.max(1, Math.round(q * clusterSize));
    }

    /**
     * Reads flat {@code key: value} (or {@code key=value}) lines, a flat YAML map that is also a Java
     * properties file; keys not given keep their defaults. Unknown keys and bad values are errors naming
     * the key.
     */
    public static TreeShape fromProperties(final Properties p) {
        for (final String key : p.stringPropertyNames()) {
            if (!KEYS.containsKey(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: " + String.join(", ", KEYS.keySet()) + ")");
            }
        }
        final TreeShape d = defaults();
        final String trustedText = p.getProperty("trusted");
        final Set<String> trusted = trustedText == null ? d.trusted()
            : trustedText.isBlank() || trustedText.trim().equalsIgnoreCase("none") ? Set.of()
            : Set.of(trustedText.toLowerCase(Locale.ROOT).replace(" ", "").split(","));
        return new TreeShape(lng(p, "leaves", d.leaves()), PlanProperties.number(p, "q", d.samplingRate()),
            (int) lng(p, "cluster-size", d.clusterSize()), (int) lng(p, "clusters-per-continent", d.clustersPerContinent()),
            (int) lng(p, "continents", d.continents()), PlanProperties.number(p, "clip", d.clip()), (int) lng(p, "multikrum-f",
                d.multiKrumF()),
            PlanProperties.number(p, "beta2", d.beta2()), PlanProperties.number(p, "beta3", d.beta3()),
                PlanProperties.number(p, "quorum", d.quorum()),
            lng(p, "rounds", d.rounds()), PlanProperties.number(p, "epsilon", d.epsilon()), PlanProperties.number(p, "delta", d.delta()),
            lng(p, "dimension", d.dimension()), trusted);
    }

    private static long lng(final Properties p, final String key, final long dflt) {
        final String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        try {
            final long x = Long.parseLong(v.trim().replace("_", ""));
            if (x > Integer.MAX_VALUE && !key.equals("leaves") && !key.equals("rounds") && !key.equals("dimension")) {
                throw new IllegalArgumentException(key + " is too large, got " + v.trim());
            }
            return x;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v.trim() + "'");
        }
    }



    private static Map<String, String> keys() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("leaves", "fleet size N = cluster-size x clusters-per-continent x continents (default 10000000)");
        m.put("q", "Poisson sampling rate of leaves per round, in (0, 1] (default 0.1)");
        m.put("cluster-size", "leaves assigned to one cluster (default 1000)");
        m.put("clusters-per-continent", "K, clusters per continental aggregator (default 100)");
        m.put("continents", "M, continental aggregators feeding the global one (default 100)");
        m.put("clip", "C, L2 clip norm of every leaf update (default 1.0)");
        m.put("multikrum-f", "f of the clusters' Multi-Krum (default 20)");
        m.put("beta2", "trim fraction of the continental trimmed mean (default 0.1)");
        m.put("beta3", "trim fraction of the global trimmed mean (default 0.1)");
        m.put("quorum", "quorum fraction of every tier (default 0.6)");
        m.put("rounds", "T, rounds the guarantee covers (default 1000)");
        m.put("epsilon", "target epsilon (default 2.0)");
        m.put("delta", "target delta (default 1e-5)");
        m.put("dimension", "d, model dimension (default 1000000)");
        m.put("trusted", "aggregators trusted with un-noised inputs: continental, global, both comma-separated, or"
            + " none (default continental,global)");
        return java.util.Collections.unmodifiableMap(m);
    }
}
