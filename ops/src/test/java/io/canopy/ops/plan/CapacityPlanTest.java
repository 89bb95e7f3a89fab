package io.canopy.ops.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.codec.CodecId;
import io.canopy.privacy.plan.TreeShape;
import io.canopy.straggler.QuorumMath;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The planner's arithmetic on fleets small enough to compute by hand. */
class CapacityPlanTest {

    /** Round numbers, so every expected figure below can be checked with pencil and paper. */
    static KernelRates handRates() {
        final Map<CodecId, Double> decode = new EnumMap<>(CodecId.class);
        for (final CodecId c : CodecId.values()) {
            decode.put(c, 0.1);
        }
        return new KernelRates(0.05, 10, 1, 100, 10, 1000, decode, "hand");
    }

    /**
     * 1,000 leaves in 10 clusters of 100, 5 clusters per continent (2 continents); d = 1,000; everyone invited
     * (q = 1), over-selection 1.25 (expects 80), quorum 0.5 (40), everyone answers after exactly 100 ms; fp32 with
     * 64-byte signatures; 5 cluster nodes and 1 continental node of 2 cores, 8 GiB, 1 Gbit/s; the Multi-Krum release.
     */
    static Fleet handFleet(final String... more) {
        final Map<String, String> m = new HashMap<>(Map.ofEntries(Map.entry("leaves", "1000"),
            Map.entry("cluster-size", "100"), Map.entry("clusters-per-continent", "5"), Map.entry("dimension", "1000"),
            Map.entry("q", "1"), Map.entry("over-selection", "1.25"), Map.entry("quorum", "0.5"),
            Map.entry("response-probability", "1"), Map.entry("latency-median-ms", "100"),
            Map.entry("latency-sigma", "0"), Map.entry("cluster-deadline-ms", "1000"), Map.entry("cores-per-node", "2"),
            Map.entry("memory-per-node-gib", "8"), Map.entry("nic-gbps", "1"), Map.entry("cluster-nodes", "5"),
            Map.entry("continental-nodes", "1"), Map.entry("release", "multikrum")));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return Fleet.parse(m);
    }

    @Test
    void the_defaults_are_the_privacy_plans_10M_leaf_tree() {
        final Fleet f = Fleet.defaults();
        final TreeShape t = TreeShape.defaults();
        assertEquals(t.leaves(), f.leaves());
        assertEquals(t.samplingRate(), f.samplingRate());
        assertEquals(t.clusterSize(), f.clusterSize());
        assertEquals(t.clustersPerContinent(), f.clustersPerContinent());
        assertEquals(t.continents(), f.continents());
        assertEquals(t.dimension(), f.dimension());
        assertEquals(t.quorum(), f.quorum());
        assertEquals(t.multiKrumF(), f.krumF());
        assertEquals(t.epsilon(), f.epsilon());
        assertEquals(t.delta(), f.delta());
        assertEquals(t.rounds(), f.rounds());
        assertEquals(10_000, f.clusters());
    }

    @Test
    void a_fleet_written_as_text_reads_back_the_same() {
        final Fleet f = handFleet("codec", "int8", "embedded", "false");
        assertEquals(f, Fleet.parse(f.toMap()));
    }

    @Test
    void counts_of_a_hand_computed_cluster_round() {
        final ClusterRound c = ClusterRound.of(handFleet());
        assertEquals(100, c.invited());
        assertEquals(80, c.expected());
        assertEquals(40, c.quorum());
        assertEquals(100.0, c.answering());
        assertEquals(1.0, c.inTime());
        assertEquals(80, c.accepted());
        assertEquals(0.1, c.collectS(), 1e-15);
    }

    @Test
    void memory_network_and_nodes_of_a_hand_computed_fleet_are_exact() {
        final RoundModel m = CapacityPlan.of(handFleet(), handRates()).model();
        final long baseline = 512L << 20;
        // Frames: 64 + 4·1000 + 64 from a leaf, 64 + 4·1000 between tiers.
        assertEquals(4128, CostModel.leafFrameBytes(CodecId.FP32, 1000, 64));
        assertEquals(4064, CostModel.aggregateFrameBytes(1000));

        final TierLoad t1 = m.tier(1);
        assertEquals(10, t1.aggregators());
        assertEquals(5, t1.nodes());
        assertEquals(2, t1.perNode());
        // Block: the 80 planned rows (q = 1: every cluster plans 80), 80·1000·4 = 320,000; Gram scratch for 80:
        // 8·80² + 8·(80·81/2) = 51,200 + 25,920; per core a cluster aggregation's 12·1000 bytes of vectors.
        assertEquals(320_000 + 77_120, t1.memoryPerAggregator());
        assertEquals(2 * 320_000 + 2 * 77_120 + 2 * 12_000 + baseline, t1.memoryPerNode());
        assertEquals(2 * 100 * 4128.0, t1.bytesInPerNode());
        assertEquals(2 * 4064.0, t1.bytesOutPerNode());
        assertEquals(10 * 100 * 4128.0, t1.bytesInTier());
        assertEquals(2 * 100 * 4128 / 125e6, t1.networkS(), 1e-15);

        final TierLoad t2 = m.tier(2);
        assertEquals(2, t2.aggregators());
        assertEquals(1, t2.nodes());
        assertEquals(2, t2.perNode());
        assertEquals(5 * 1000 * 4 + 4000, t2.memoryPerAggregator());
        assertEquals(2 * 24_000 + baseline, t2.memoryPerNode());
        assertEquals(2 * 5 * 4064.0, t2.bytesInPerNode());

        final TierLoad t3 = m.tier(3);
        assertEquals(2 * 1000 * 4 + 8000, t3.memoryPerAggregator());
        assertEquals(16_000 + baseline, t3.memoryPerNode());
        assertEquals(2 * 4064.0, t3.bytesInTier());
    }

    @Test
    void cpu_and_round_time_of_a_hand_computed_fleet() {
        final RoundModel m = CapacityPlan.of(handFleet(), handRates()).model();
        // Multi-Krum of 80 x 1000: 3240·1000 FMAs at 0.05 ns + 6400 pairs at 10 ns = 226 µs; no cluster noise.
        assertEquals(226e-6, m.tier(1).ruleS(), 1e-15);
        // Decode 2 clusters · 80 · 1000 values at 0.1 ns, plus 2 · 100 frames at 1 µs.
        assertEquals(16e-6 + 200e-6, m.tier(1).decodeS(), 1e-15);
        assertEquals(216e-6 + 2 * 226e-6, m.tier(1).cpuPerNodeS(), 1e-15);
        // Stage 1: the 80th of 100 answers at 100 ms dominates the wait; one wave of Multi-Krum on 2 cores.
        assertEquals("collection", m.tier(1).waitBound());
        assertEquals(0.1 + 226e-6, m.tier(1).stageS(), 1e-12);
        // Stage 2: 10 aggregate frames into the continental node, 40,640 bytes at 125 MB/s; trimmed mean 5·1000 at 1 ns.
        assertEquals(40_640 / 125e6 + 5e-6, m.tier(2).stageS(), 1e-12);
        // Stage 3: 2 frames in; trimmed mean 2·1000 at 1 ns plus noise 1000 at 100 ns.
        assertEquals(8128 / 125e6 + 2e-6 + 1e-4, m.tier(3).stageS(), 1e-12);
        assertEquals(0.1 + 226e-6 + 40_640 / 125e6 + 5e-6 + 8128 / 125e6 + 102e-6, m.roundS(), 1e-12);
    }

    @Test
    void a_detector_sample_scales_the_clusters_multi_krum_time_under_a_planned_release_and_is_refused_under_multikrum() {
        final CapacityPlan all = CapacityPlan.of(handFleet("release", "gated"), handRates());
        final CapacityPlan quarter = CapacityPlan.of(handFleet("release", "gated", "detector-sample", "0.25"), handRates());
        final double krum = CostModel.krumSeconds(all.cluster().accepted(), 1000, handRates());
        assertEquals(0.75 * krum, all.model().tier(1).ruleS() - quarter.model().tier(1).ruleS(), 1e-15);
        assertEquals("detector-sample must be 1 under release multikrum (Multi-Krum is the release there), got 0.5",
            assertThrows(IllegalArgumentException.class, () -> handFleet("detector-sample", "0.5")).getMessage());
        assertEquals("detector-sample must be in (0, 1], got 0",
            assertThrows(IllegalArgumentException.class, () -> handFleet("release", "gated", "detector-sample", "0"))
                .getMessage());
    }

    @Test
    void the_held_codec_sizes_the_gated_release_rows_kept_between_the_passes_and_needs_two_passes() {
        final CapacityPlan fp32 = CapacityPlan.of(handFleet("release", "gated"), handRates());
        final CapacityPlan bf16 = CapacityPlan.of(handFleet("release", "gated", "held-codec", "bf16"), handRates());
        final CapacityPlan int8 = CapacityPlan.of(handFleet("release", "gated", "held-codec", "int8"), handRates());
        final int n = fp32.cluster().accepted();
        final long clusters = fp32.model().tier(1).memoryPerNode() - bf16.model().tier(1).memoryPerNode();
        // Each of the node's clusters keeps n rows of 1000 values: 4 bytes a value, 2 as bf16, 1000 + 4·4 as int8.
        assertEquals(0, clusters % (2L * n * 1000), "fp32 - bf16 = clusters x n x 1000 x 2 bytes");
        assertTrue(clusters > 0);
        final long perCluster = clusters / (2L * n * 1000);
        assertEquals(perCluster * n * (4L * 1000 - (1000 + 4 * 4)),
            fp32.model().tier(1).memoryPerNode() - int8.model().tier(1).memoryPerNode());
        assertEquals("held-codec must be fp32 under release fixed (only the gated release holds rows between two passes),"
            + " got int8", assertThrows(IllegalArgumentException.class,
                () -> handFleet("release", "fixed", "held-codec", "int8")).getMessage());
        assertEquals("held-codec must be one of fp32, bf16, int8, got fp16", assertThrows(IllegalArgumentException.class,
            () -> handFleet("release", "gated", "held-codec", "fp16")).getMessage());
    }

    @Test
    void quorum_figures_are_quorum_maths() {
        final Fleet f = handFleet("response-probability", "0.6");
        final QuorumRisk q = CapacityPlan.of(f, handRates()).quorum();
        assertEquals(QuorumMath.missProbability(100, 0.6, 40), q.clusterMiss(), 0);
        assertEquals(QuorumMath.chernoffMissBound(100, 0.6, 39 / 100.0), q.clusterMissChernoff(), 0);
        assertEquals(QuorumMath.fleetMissProbability(QuorumMath.logProbabilityBelow(100, 0.6, 40), 10), q.fleetMiss(), 0);
        assertEquals(Math.exp(QuorumMath.logProbabilityAtLeast(100, 0.6, 80)), q.clusterComplete(), 0);
        // Completing (80 of the invitations) with probability 0.99 needs the fewest n with P[Bin(n, 0.6) >= 80] >= 0.99.
        assertEquals(QuorumMath.invitationsFor(80, 0.6, 0.99, 100_000) / 80.0, q.overSelectionComplete(), 0);
        assertTrue(q.clusterMissChernoff() >= q.clusterMiss());
    }

    @Test
    void answers_after_the_deadline_do_not_count_towards_the_quorum() {
        // Median 1 s, deadline 1 s, sigma 0.5: half the answers are late.
        final ClusterRound c = ClusterRound.of(handFleet("latency-median-ms", "1000", "latency-sigma", "0.5"));
        assertEquals(0.5, c.inTime(), 1e-7);
        assertEquals(50, c.accepted());
        assertEquals(1.0, c.collectS(), 0, "80 expected but 50 in time: it closes at the deadline");
    }

    @Test
    void nodes_left_at_zero_are_the_fewest_that_fit_memory() {
        final CapacityPlan p = CapacityPlan.of(Fleet.defaults(), KernelRates.defaults());
        final long free = Fleet.defaults().memoryPerNodeBytes() - CostModel.NODE_BASELINE_BYTES;
        final long fit = CapacityPlan.clustersFitting(p.fleet(), p.cluster(), free, p.model().tier(1).perNode());
        assertEquals((10_000 + fit - 1) / fit, p.model().tier(1).nodes());
        assertFalse(p.checks().stream().anyMatch(Check::breaks), p.checks().toString());
        final Fleet fewer = Fleet.defaults().with(Map.of("cluster-nodes", Integer.toString(p.model().tier(1).nodes() - 1),
            "continental-nodes", Integer.toString(p.model().tier(2).nodes())));
        final Check first = CapacityPlan.of(fewer, KernelRates.defaults()).first();
        assertTrue(first.breaks(), first.toString());
    }

    @Test
    void a_block_past_the_java_array_limit_breaks_first_with_a_block_rows_suggestion() {
        final CapacityPlan p = CapacityPlan.of(Fleet.defaults().with(Map.of("dimension", "3000000", "block-rows", "1000")),
            KernelRates.defaults());
        assertEquals("array", p.first().resource());
        assertEquals("cluster block", p.first().where());
        assertEquals("BREAKS FIRST: array of the cluster block: 3000000000 floats needed, 2147483631 floats available"
            + " (1.40x over)", Verdict.headline(p));
        assertEquals("a block of rows x d floats must fit one Java array (2147483631 floats): keep cluster block rows"
            + " <= 715; size cluster blocks by invitations (block-rows 120) rather than by cluster-size",
            Verdict.suggestion(p));
    }

    @Test
    void a_tight_target_breaks_on_the_deadline_and_names_the_largest_term() {
        final CapacityPlan p = CapacityPlan.of(handFleet("target-round-s", "0.05"), handRates());
        assertEquals("deadline", p.first().resource());
        assertTrue(Verdict.suggestion(p).contains("its largest term is collection in the cluster tier"),
            Verdict.suggestion(p));
    }

    @Test
    void signature_verification_costs_its_microseconds_per_answering_frame_on_the_receive_thread() {
        final RoundModel m = CapacityPlan.of(handFleet("verify-us", "550"), handRates()).model();
        // As cpu_and_round_time_of_a_hand_computed_fleet, plus 2 clusters · 100 frames · 550 µs on the decode thread.
        assertEquals(16e-6 + 200e-6 + 200 * 550e-6, m.tier(1).decodeS(), 1e-12);
        assertEquals("decode", m.tier(1).waitBound(), "110 ms of verification outlasts the 100 ms collection");
        assertEquals(10 * 100 * (1e-6 + 550e-6) + 10 * 80 * 1000 * 0.1e-9 + 10 * 226e-6, m.tier(1).cpuTierS(), 1e-12);
        // Embedded, the synthetic swarm signs each frame at the same cost.
        final Fleet embedded = handFleet("embedded", "true", "cluster-nodes", "0", "continental-nodes", "0", "verify-us", "550");
        final double cpu1 = 10e-3 + 1000 * 550e-6 + 10 * 80 * 1000 * 0.1e-9 + 10 * 100 * (1e-6 + 550e-6) + 10 * 226e-6
            + 10 * 55.5e-6;
        assertEquals(cpu1 / 2, CapacityPlan.of(embedded, handRates()).model().tier(1).stageS(), 1e-12);
    }

    @Test
    void a_negative_verification_cost_is_refused_naming_the_key() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> handFleet("verify-us", "-1"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("verify-us"), e.getMessage());
    }

    @Test
    void embedded_mode_puts_every_tier_and_the_swarm_on_one_nodes_cores() {
        final Fleet f = handFleet("embedded", "true", "cluster-nodes", "0", "continental-nodes", "0");
        final RoundModel m = CapacityPlan.of(f, handRates()).model();
        // Swarm: 10 clusters · 100 answering · 1000 values at 10 ns = 10 ms, plus decode, frames and 10 Multi-Krums,
        // plus 55.5 µs of fixed work a cluster; the blocks in flight (1.3 MB) fit the last-level cache: nothing spills.
        final double cpu1 = 10e-3 + 10 * 80 * 1000 * 0.1e-9 + 10 * 100 * 1e-6 + 10 * 226e-6 + 10 * 55.5e-6;
        assertEquals(cpu1 / 2, m.tier(1).stageS(), 1e-12);
        // The round: the three stages one after the other, plus the fixed latency of its one pass (multikrum).
        assertEquals(m.tier(1).stageS() + m.tier(2).stageS() + m.tier(3).stageS() + 0.081, m.roundS(), 1e-12);
        final RoundModel gated = CapacityPlan.of(handFleet("embedded", "true", "cluster-nodes", "0", "continental-nodes", "0",
            "release", "gated"), handRates()).model();
        assertEquals(gated.tier(1).stageS() + gated.tier(2).stageS() + gated.tier(3).stageS() + 2 * 0.081, gated.roundS(),
            1e-12, "the gated release goes down and up the tiers twice");
        assertEquals(0, ClusterRound.of(f).collectS(), "the demo's clusters run on a simulated clock");
        // Blocks: the demo's window of 4 clusters in flight, 80 planned rows each; vectors (12·2 + 12·2 + 24)·1000;
        // both continents' blocks (EmbeddedFleet's pool holds every continent when they fit 512 MiB); the global's.
        assertEquals(CostModel.HEAP_BASELINE_BYTES + 4 * 320_000L + 2 * 77_120L + 72_000L + 2 * 24_000L + 16_000L,
            m.heapBytes());
        assertEquals(m.heapBytes() + CostModel.OFF_HEAP_BYTES, m.tier(1).memoryPerNode());
    }

    /**
     * The demo at d = 10^6 (docs/planner.md's validation: 10^4 leaves, q = 0.1, clusters of 1,000, 10 per continent,
     * 2 cores, the fixed release), by hand. Invited 100 a cluster (planned: every invitation), 90 accepted (p = 0.9).
     * The largest of 10 clusters' invitations: 100 + Φ⁻¹(9.625/10.25)·√(1000·0.1·0.9) = 100 + 1.5466·9.4868 = 114.67,
     * so 115 planned, 120 rows in chunks of 8 (the demo's pool allocated 4 blocks of 120 rows, 480 rows, in two of
     * three runs). Heap: 20 MiB + 4 blocks in flight × 120 × 4·10^6 + 2 Gram scratches for 100 (8·100² + 8·5050)
     * + vectors (12·2 + 12·2 + 24)·10^6 + one continental block (10 rows + 1)·4·10^6 + the global's (1 + 2)·4·10^6.
     */
    @Test
    void the_heap_of_the_demo_at_a_million_coordinates_is_the_hand_computed_sum_of_its_allocations() {
        final Fleet f = Fleet.parse(Map.ofEntries(Map.entry("embedded", "true"), Map.entry("leaves", "10000"),
            Map.entry("dimension", "1000000"), Map.entry("q", "0.1"), Map.entry("cluster-size", "1000"),
            Map.entry("clusters-per-continent", "10"), Map.entry("cores-per-node", "2"), Map.entry("signature-bytes", "0"),
            Map.entry("release", "fixed"), Map.entry("memory-per-node-gib", "24")));
        final ClusterRound c = ClusterRound.of(f);
        assertEquals(100, c.expected());
        assertEquals(90, c.accepted());
        assertEquals(120, f.clusterBlockRows(c, 10));
        final RoundModel m = CapacityPlan.of(f, KernelRates.defaults()).model();
        assertEquals((20L << 20) + 4 * 120 * 4_000_000L + 2 * 120_400L + 72_000_000L + 44_000_000L + 12_000_000L,
            m.heapBytes());
        assertEquals(2_069_212_320L, m.heapBytes()); // 1,973 MiB; the three runs' live heap: a median 2,046 MiB
    }

    @Test
    void the_gated_release_holds_every_clusters_accepted_rows_and_multikrum_plans_fewer_rows() {
        final Map<String, String> at = Map.of("embedded", "true", "leaves", "100000", "dimension", "100000", "q", "0.1",
            "cluster-size", "1000", "clusters-per-continent", "10", "cores-per-node", "2", "signature-bytes", "0");
        final Fleet fixed = Fleet.defaults().with(at).with(Map.of("release", "fixed"));
        final Fleet gated = fixed.with(Map.of("release", "gated"));
        // 100 clusters · 90 accepted rows · 4·10^5 bytes kept from pass 1 to pass 2.
        assertEquals(100 * 90 * 400_000L, CapacityPlan.of(gated, KernelRates.defaults()).model().heapBytes()
            - CapacityPlan.of(fixed, KernelRates.defaults()).model().heapBytes());
        // The largest of 100 clusters' plans: 100 + 2.499·9.4868 = 123.7 → 128 rows; under Multi-Krum 77 + 2.499·7.298
        // = 95.2 → 96.
        assertEquals(128, fixed.clusterBlockRows(ClusterRound.of(fixed), 100));
        final Fleet krum = fixed.with(Map.of("release", "multikrum"));
        assertEquals(96, krum.clusterBlockRows(ClusterRound.of(krum), 100));
        assertEquals("release must be one of auto, gated, fixed, multikrum, got bogus",
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> fixed.with(Map.of("release", "bogus"))).getMessage());
    }

    @Property(tries = 200)
    void the_chernoff_bound_is_never_below_the_exact_miss_probability(
        @ForAll @IntRange(min = 10, max = 5000) final int clusterSize,
        @ForAll @DoubleRange(min = 0.05, max = 1) final double p,
        @ForAll @DoubleRange(min = 0.05, max = 1) final double quorum) {
        final Fleet f = handFleet("cluster-size", Integer.toString(clusterSize), "leaves",
            Long.toString(5L * clusterSize * 2), "response-probability", Double.toString(p), "quorum",
            Double.toString(quorum), "cluster-nodes", "0", "continental-nodes", "0");
        final QuorumRisk q = QuorumRisk.of(f, ClusterRound.of(f));
        assertTrue(q.clusterMissChernoff() >= q.clusterMiss() * (1 - 1e-12), q.toString());
        assertTrue(q.fleetMissChernoff() >= q.fleetMiss() * (1 - 1e-12), q.toString());
    }
}
