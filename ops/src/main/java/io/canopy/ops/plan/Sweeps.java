package io.canopy.ops.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data behind the HTML page's charts: the plan re-run with one thing changed. Leaves and dimension sweeps
 * keep the plan's node counts (the hardware stays, the load moves; capped at one node per aggregator); the
 * cluster-size sweep keeps everything else and reports one cluster's quorum-failure probability.
 *
 * @param x       the swept values
 * @param series  named y values, one per x (NaN where the plan is invalid, e.g. past the Java array limit)
 */
public record Sweeps(String xName, double[] x, Map<String, double[]> series) {

    static final long[] CONTINENT_STEPS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    static final int[] DIMENSIONS = {1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000};
    static final int[] CLUSTER_SIZES = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000};

    /** Round time and memory per cluster node against the number of leaves (continents of the plan's shape). */
    public static Sweeps leaves(final CapacityPlan p) {
        final Fleet f = p.fleet();
        final List<Fleet> fleets = new ArrayList<>();
        final double[] x = new double[CONTINENT_STEPS.length];
        for (int i = 0; i < x.length; i++) {
            final long leaves = CONTINENT_STEPS[i] * f.clusterSize() * f.clustersPerContinent();
            x[i] = leaves;
            fleets.add(fixedNodes(p, Map.of("leaves", Long.toString(leaves)), leaves / f.clusterSize(),
                CONTINENT_STEPS[i]));
        }
        return timeAndMemory("leaves", x, fleets, p);
    }

    /** Round time and memory per cluster node against the model dimension. */
    public static Sweeps dimension(final CapacityPlan p) {
        final List<Fleet> fleets = new ArrayList<>();
        final double[] x = new double[DIMENSIONS.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = DIMENSIONS[i];
            fleets.add(fixedNodes(p, Map.of("dimension", Integer.toString(DIMENSIONS[i])), p.fleet().clusters(),
                p.fleet().continents()));
        }
        return timeAndMemory("dimension", x, fleets, p);
    }

    /** One cluster's quorum-failure probability, exact and Chernoff, against the cluster size. */
    public static Sweeps clusterSize(final CapacityPlan p) {
        final Fleet f = p.fleet();
        final double[] x = new double[CLUSTER_SIZES.length];
        final double[] exact = new double[x.length];
        final double[] chernoff = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = CLUSTER_SIZES[i];
            final Fleet g = f.with(Map.of("cluster-size", Integer.toString(CLUSTER_SIZES[i]), "leaves",
                Long.toString((long) CLUSTER_SIZES[i] * f.clustersPerContinent() * f.continents()), "cluster-nodes", "0",
                "continental-nodes", "0"));
            final QuorumRisk q = QuorumRisk.of(g, ClusterRound.of(g));
            exact[i] = q.clusterMiss();
            chernoff[i] = q.clusterMissChernoff();
        }
        return new Sweeps("cluster size", x, Map.of("exact", exact, "chernoff", chernoff));
    }

    private static Fleet fixedNodes(final CapacityPlan p, final Map<String, String> change, final long clusters,
                                    final long continents) {
        final Map<String, String> m = new java.util.HashMap<>(change);
        if (!p.fleet().embedded()) {
            m.put("cluster-nodes", Long.toString(Math.min(clusters, p.model().tier(1).nodes())));
            m.put("continental-nodes", Long.toString(Math.min(continents, p.model().tier(2).nodes())));
        }
        return p.fleet().with(m);
    }

    private static Sweeps timeAndMemory(final String name, final double[] x, final List<Fleet> fleets,
                                        final CapacityPlan p) {
        final KernelRates r = p.rates();
        final PrivacyFigures privacy = p.privacy();
        final double[] round = new double[x.length];
        final double[] memory = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            final Fleet g = fleets.get(i);
            final ClusterRound c = ClusterRound.of(g);
            final RoundModel m = RoundModel.of(g, c, r, privacy, Math.max(1, g.clusterNodes()),
                Math.max(1, g.continentalNodes()));
            round[i] = m.roundS();
            memory[i] = m.tier(1).memoryPerNode() / (double) (1L << 30);
        }
        return new Sweeps(name, x, Map.of("round_s", round, "memory_gib", memory));
    }
}
