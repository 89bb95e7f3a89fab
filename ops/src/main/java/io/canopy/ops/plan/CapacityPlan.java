package io.canopy.ops.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A whole capacity plan: the fleet, the rates used, the tiers' loads at the chosen node counts, the quorum risk,
 * the privacy noise, every limit checked and the one that breaks (or binds) first with a suggestion.
 *
 * <p>Node counts not given are sized: tier 2 to the fewest nodes whose memory holds their continents, tier 1 to
 * the fewest whose memory holds their clusters and with which the round meets its target (the round time only
 * falls as nodes are added, so a bisection finds it); if no count of tier-1 nodes meets the target, tier 2 is
 * grown the same way; if nothing does, the memory-fitting counts are kept and the deadline check breaks.
 *
 * @param fleet    the description planned for
 * @param rates    the kernel costs used
 * @param cluster  one cluster's average round
 * @param model    loads and round time at the chosen node counts
 * @param quorum   quorum-failure probabilities and over-selection
 * @param privacy  noise for the privacy target
 * @param checks   every limit, busiest first
 */
public record CapacityPlan(Fleet fleet, KernelRates rates, ClusterRound cluster, RoundModel model, QuorumRisk quorum,
                           PrivacyFigures privacy, List<Check> checks) {

    public CapacityPlan {
        checks = List.copyOf(checks);
    }

    public static CapacityPlan of(final Fleet f, final KernelRates r) {
        final ClusterRound c = ClusterRound.of(f);
        final PrivacyFigures pf = PrivacyFigures.of(f);
        final RoundModel model = f.embedded() ? RoundModel.of(f, c, r, pf, 1, 1) : sized(f, c, r, pf);
        return new CapacityPlan(f, r, c, model, QuorumRisk.of(f, c), pf, checks(f, c, model));
    }

    /** The check that breaks by the most, or when none breaks the one closest to its limit. */
    public Check first() {
        return checks.get(0);
    }

    /** Accepted updates per second of round time. */
    public double updatesPerSecond() {
        return (double) fleet.clusters() * cluster.accepted() / model.roundS();
    }

    private static RoundModel sized(final Fleet f, final ClusterRound c, final KernelRates r, final PrivacyFigures pf) {
        final int clusters = f.clusters();
        final int continents = f.continents();
        final long free = f.memoryPerNodeBytes() - CostModel.NODE_BASELINE_BYTES;
        int n2 = f.continentalNodes();
        if (n2 == 0) {
            final RoundModel one = RoundModel.of(f, c, r, pf, 1, 1);
            n2 = nodesFor(continents, free / Math.max(1, one.tier(2).memoryPerAggregator()));
        }
        int n1 = f.clusterNodes();
        final boolean auto1 = n1 == 0;
        if (auto1) {
            // Rows grow (slowly) with the clusters a node serves: size for all, then once more for the share found.
            n1 = nodesFor(clusters, clustersFitting(f, c, free, clusters));
            n1 = nodesFor(clusters, clustersFitting(f, c, free, RoundModel.ceilDiv(clusters, n1)));
        }
        final int memN1 = n1;
        final int memN2 = n2;
        if (auto1 && !meets(f, c, r, pf, n1, n2)) {
            final int fixedN2 = n2;
            n1 = smallest(memN1, clusters, x -> meets(f, c, r, pf, x, fixedN2));
            if (n1 < 0 && f.continentalNodes() == 0) {
                n2 = smallest(memN2, continents, x -> meets(f, c, r, pf, clusters, x));
                final int grownN2 = n2;
                n1 = n2 < 0 ? -1 : smallest(memN1, clusters, x -> meets(f, c, r, pf, x, grownN2));
            }
            if (n1 < 0) {
                n1 = memN1;
                n2 = memN2;
            }
        }
        return RoundModel.of(f, c, r, pf, n1, n2);
    }

    /**
     * Clusters one node holds when all are open at once: the largest A with A·block + min(cores, A)·gram within
     * {@code free}; unbounded when open-clusters caps the blocks in memory.
     */
    static long clustersFitting(final Fleet f, final ClusterRound c, final long free) {
        return clustersFitting(f, c, free, f.clusters());
    }

    /** {@link #clustersFitting(Fleet, ClusterRound, long)} with blocks sized for a node serving {@code served}. */
    static long clustersFitting(final Fleet f, final ClusterRound c, final long free, final int served) {
        if (f.openClusters() > 0) {
            return Integer.MAX_VALUE;
        }
        final long block = CostModel.blockBytes(f.clusterBlockRows(c, served), f.dimension())
            + CostModel.gatedCopyBytes(c, 1, f.dimension(), f.heldCodec());
        final long gram = CostModel.gramBytes(c.expected());
        final long room = free - CostModel.vectorBytes(f.dimension(), f.coresPerNode(), f.embedded());
        final long withAllCores = (room - f.coresPerNode() * gram) / block;
        return withAllCores >= f.coresPerNode() ? withAllCores : room / (block + gram);
    }

    private static boolean meets(final Fleet f, final ClusterRound c, final KernelRates r, final PrivacyFigures pf,
                                 final int n1, final int n2) {
        return RoundModel.of(f, c, r, pf, n1, n2).roundS() <= f.targetRoundS();
    }

    /** Nodes for {@code aggregators} when one node holds at most {@code fit} (at least one node per aggregator). */
    private static int nodesFor(final int aggregators, final long fit) {
        return fit < 1 ? aggregators : (int) Math.min(aggregators, (aggregators + fit - 1) / fit);
    }

    /** The smallest x in [lo, hi] with ok(x), ok being monotone; −1 if none. */
    static int smallest(final int lo, final int hi, final IntPredicate ok) {
        if (!ok.test(hi)) {
            return -1;
        }
        int a = lo;
        int b = hi;
        while (a < b) {
            final int mid = a + (b - a) / 2;
            if (ok.test(mid)) {
                b = mid;
            } else {
                a = mid + 1;
            }
        }
        return a;
    }

    private static List<Check> checks(final Fleet f, final ClusterRound c, final RoundModel m) {
        final List<Check> list = new ArrayList<>();
        final double target = f.targetRoundS();
        final String[] where = f.embedded() ? new String[] {"node", "node", "node"}
            : new String[] {"cluster node", "continental node", "global node"};
        for (final TierLoad t : m.tiers()) {
            if (!f.embedded() || t.tier() == 1) {
                list.add(new Check("memory", where[t.tier() - 1], t.memoryPerNode(), f.memoryPerNodeBytes(), "bytes"));
            }
            if (!f.embedded()) {
                list.add(new Check("network", where[t.tier() - 1], t.networkS(), target, "s"));
                list.add(new Check("cpu", where[t.tier() - 1], t.cpuPerNodeS(), f.coresPerNode() * target, "core-s"));
            }
        }
        if (f.embedded()) {
            final double cpu = m.tiers().stream().mapToDouble(TierLoad::cpuPerNodeS).sum();
            list.add(new Check("cpu", "node", cpu, f.coresPerNode() * target, "core-s"));
        }
        list.add(new Check("deadline", "round", m.roundS(), target, "s"));
        list.add(new Check("array", "cluster block", (double) f.clusterBlockRows(c, m.tier(1).perNode()) * f.dimension(),
            CostModel.MAX_BLOCK_FLOATS, "floats"));
        list.add(new Check("array", "continental block", (double) f.clustersPerContinent() * f.dimension(),
            CostModel.MAX_BLOCK_FLOATS, "floats"));
        list.add(new Check("array", "global block", (double) f.continents() * f.dimension(), CostModel.MAX_BLOCK_FLOATS,
            "floats"));
        list.sort(Comparator.comparingDouble(Check::ratio).reversed());
        return list;
    }
}
