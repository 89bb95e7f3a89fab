package io.canopy.ops.plan;

import io.canopy.codec.CodecId;
import java.util.List;

/**
 * The three tiers' loads and the predicted round time for given node counts, by the formulas of
 * {@link CostModel}. Per stage (fleet): wait = max(collection, network in/out, decode), then ceil(A/P) rule
 * waves; round = the sum of the stages. Embedded: one node, round = max(total CPU / cores, bytes / IPC rate) plus a fixed
 * latency per pass through the tiers ({@link CostModel#PASS_FIXED_S}).
 *
 * @param tiers      tiers 1, 2, 3
 * @param roundS     predicted round time, seconds
 * @param heapBytes  the live heap of the busiest cluster node (embedded: the node): its memory less
 *                   {@link CostModel#OFF_HEAP_BYTES}; what docs/planner.md validates against the demo's GC log
 */
public record RoundModel(List<TierLoad> tiers, double roundS, long heapBytes) {

    public static RoundModel of(final Fleet f, final ClusterRound c, final KernelRates r, final PrivacyFigures pf,
                                final int clusterNodes, final int continentalNodes) {
        final int d = f.dimension();
        final int cores = f.coresPerNode();
        final double bw = f.embedded() ? CostModel.IPC_BYTES_PER_S : f.nicBytesPerSecond();
        final long agg = CostModel.aggregateFrameBytes(d);

        // Tier 1: clusters.
        final int clusters = f.clusters();
        final int a1 = ceilDiv(clusters, clusterNodes);
        // Embedded, the swarm keeps the demo's window of clusters in flight and a closed block goes back to the pool's
        // stack of idle blocks once aggregated, so the window's blocks serve cluster after cluster (the pool of
        // window + cores + 1 is the most, when aggregation falls behind the swarm).
        final int open = f.openClusters() > 0 ? Math.min(f.openClusters(), a1)
            : f.embedded() ? Math.min(a1, Fleet.DEMO_WINDOW) : a1;
        final long gram = CostModel.gramBytes(c.expected());
        final long block1 = CostModel.blockBytes(f.clusterBlockRows(c, a1), d);
        final long held1 = CostModel.gatedCopyBytes(c, a1, d, f.heldCodec());
        final long mem1 = open * block1 + Math.min(cores, a1) * gram + held1
            + CostModel.vectorBytes(d, cores, f.embedded());
        final double in1 = c.answering() * CostModel.leafFrameBytes(f.codec(), d, f.signatureBytes());
        final double decode1 = CostModel.decodeSeconds((double) a1 * c.accepted() * d, f.codec(), r)
            + CostModel.frameSeconds(a1 * c.answering(), r, f.verifyUs());
        // Under a planned release Multi-Krum is a detector, run in a sampled share of the clusters (expected cost).
        final double detected = c.rule() == ReleaseRule.MULTIKRUM ? 1 : f.detectorSample();
        final double rule1 = detected * CostModel.krumSeconds(c.accepted(), d, r) + CostModel.noiseSeconds(d, pf.noisy(1), r);
        final double net1 = CostModel.transferSeconds(a1 * in1, bw);
        final double out1 = CostModel.transferSeconds((double) a1 * agg, bw);

        // Tier 2: continents.
        final int continents = f.continents();
        final int k = f.clustersPerContinent();
        final int a2 = ceilDiv(continents, continentalNodes);
        final long per2 = CostModel.blockBytes(k, d) + 4L * d;
        final double decode2 = CostModel.decodeSeconds((double) a2 * k * d, CodecId.FP32, r);
        final double rule2 = CostModel.trimmedMeanSeconds(k, d, r) + CostModel.noiseSeconds(d, pf.noisy(2), r);
        final double net2in = CostModel.transferSeconds((double) a2 * k * agg, bw);
        final double out2 = CostModel.transferSeconds((double) a2 * agg, bw);

        // Tier 3: the global coordinator, which also holds the model.
        final long per3 = CostModel.blockBytes(continents, d) + 8L * d;
        final double decode3 = CostModel.decodeSeconds((double) continents * d, CodecId.FP32, r);
        final double rule3 = CostModel.trimmedMeanSeconds(continents, d, r) + CostModel.noiseSeconds(d, pf.noisy(3), r);
        final double net3in = CostModel.transferSeconds((double) continents * agg, bw);

        final double cpu1 = decode1 + a1 * rule1;
        final double cpu2 = decode2 + a2 * rule2;
        final double cpu3 = decode3 + rule3;
        final double tierCpu1 = CostModel.decodeSeconds((double) clusters * c.accepted() * d, f.codec(), r)
            + CostModel.frameSeconds(clusters * c.answering(), r, f.verifyUs()) + clusters * rule1;
        final double tierCpu2 = CostModel.decodeSeconds((double) continents * k * d, CodecId.FP32, r) + continents * rule2;
        if (f.embedded()) {
            // The synthetic swarm signs every frame it sends, at about what a verification costs (SignatureBenchmark).
            // Past the last-level cache every pass over a value streams from memory (CostModel.SPILL_NS_PER_VALUE); counted
            // with the swarm, whose passes are most of them. The working set is the blocks in flight and, under the gated
            // release, every cluster's rows held for pass 2, which stream through memory all round.
            final double swarm = (double) clusters * c.answering() * (d * r.swarmNsPerValue() + f.verifyUs() * 1e3) * 1e-9
                + (double) clusters * c.accepted() * d * (CostModel.spillNsPerValue((double) open * block1 + held1)
                + (c.rule() == ReleaseRule.GATED ? CostModel.GATED_NS_PER_VALUE : 0)) * 1e-9
                + clusters * CostModel.CLUSTER_ROUND_NS * 1e-9;
            // EmbeddedFleet's continental pool: every continent if their blocks fit 512 MiB, else cores + 1.
            final long pool2 = Math.min(continents, Math.max(cores + 1L, (512L << 20) / CostModel.blockBytes(k, d)));
            final long heap = CostModel.HEAP_BASELINE_BYTES + mem1 + pool2 * per2 + per3;
            final long mem = heap + CostModel.OFF_HEAP_BYTES;
            final double bytes = clusters * in1 + (double) clusters * agg + (double) continents * agg;
            final double s1 = (swarm + cpu1) / cores;
            final double s2 = cpu2 / cores;
            final double s3 = cpu3 / cores;
            final double round = Math.max(s1 + s2 + s3, CostModel.transferSeconds(bytes, bw))
                + CostModel.passes(c.rule()) * CostModel.PASS_FIXED_S;
            return new RoundModel(List.of(
                new TierLoad(1, "cluster", clusters, 1, clusters, c.accepted(), block1 + gram, mem, clusters * in1,
                    out1 * bw, clusters * in1, net1, decode1, rule1, swarm + cpu1, swarm + tierCpu1, 0,
                    "swarm+decode", s1),
                new TierLoad(2, "continental", continents, 1, continents, k, per2, mem, a2 * k * (double) agg,
                    out2 * bw, (double) continents * k * agg, net2in, decode2, rule2, cpu2, tierCpu2, 0, "decode", s2),
                new TierLoad(3, "global", 1, 1, 1, continents, per3, mem, continents * (double) agg, 0,
                    continents * (double) agg, net3in, decode3, rule3, cpu3, cpu3, 0, "decode", s3)), round, heap);
        }
        final Wait w1 = Wait.of(new String[] {"collection", "network", "decode"}, c.collectS(), net1, decode1);
        final double s1 = w1.seconds + waves(a1, cores) * rule1;
        final Wait w2 = Wait.of(new String[] {"network out of tier 1", "network", "decode"}, out1, Math.max(net2in, out2),
            decode2);
        final double s2 = w2.seconds + waves(a2, cores) * rule2;
        final Wait w3 = Wait.of(new String[] {"network out of tier 2", "network", "decode"}, out2, net3in, decode3);
        final double s3 = w3.seconds + rule3;
        return new RoundModel(List.of(
            new TierLoad(1, "cluster", clusters, clusterNodes, a1, c.accepted(), block1 + gram,
                CostModel.NODE_BASELINE_BYTES + mem1, a1 * in1, (double) a1 * agg, clusters * in1, Math.max(net1, out1),
                decode1, rule1, cpu1, tierCpu1, w1.seconds, w1.bound, s1),
            new TierLoad(2, "continental", continents, continentalNodes, a2, k, per2,
                CostModel.NODE_BASELINE_BYTES + a2 * per2, (double) a2 * k * agg, (double) a2 * agg,
                (double) continents * k * agg, Math.max(net2in, out2), decode2, rule2, cpu2, tierCpu2, w2.seconds,
                w2.bound, s2),
            new TierLoad(3, "global", 1, 1, 1, continents, per3, CostModel.NODE_BASELINE_BYTES + per3,
                (double) continents * agg, 0, (double) continents * agg, net3in, decode3, rule3, cpu3, cpu3, w3.seconds,
                w3.bound, s3)), s1 + s2 + s3, CostModel.HEAP_BASELINE_BYTES + mem1);
    }

    public TierLoad tier(final int tier) {
        return tiers.get(tier - 1);
    }

    static int ceilDiv(final int a, final int b) {
        return (a + b - 1) / b;
    }

    private static int waves(final int aggregators, final int cores) {
        return ceilDiv(aggregators, cores);
    }

    /** The longest of overlapping waits, and its name. */
    private record Wait(double seconds, String bound) {
        static Wait of(final String[] names, final double... seconds) {
            int best = 0;
            for (int i = 1; i < seconds.length; i++) {
                if (seconds[i] > seconds[best]) {
                    best = i;
                }
            }
            return new Wait(seconds[best], names[best]);
        }
    }
}
