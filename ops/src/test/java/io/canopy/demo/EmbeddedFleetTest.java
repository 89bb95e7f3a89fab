package io.canopy.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.canopy.aggregation.UpdateBlock;
import io.canopy.aggregation.reference.ReferenceKrum;
import io.canopy.aggregation.reference.ReferenceTrimmedMean;
import io.canopy.codec.CodecId;
import io.canopy.global.RoundResult;
import io.canopy.node.metrics.TierMetricsBridge;
import io.canopy.ops.metrics.MetricsSettings;
import io.canopy.ops.metrics.NodeMetrics;
import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.global.ledger.ModelCheckpoint;
import io.canopy.global.ledger.RoundJournal;
import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.kernel.VectorKernels;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole tree in one JVM: real Aeron IPC, real actors, a small synthetic swarm. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedFleetTest {
    private static final int D = 16;
    private static final double KRUM_SHARE = 0.2;
    private static final double BETA = 0.25;

    /** 4 continents of 3 clusters of 20 leaves: 240 leaves. */
    private final FleetLayout layout = new FleetLayout(240, 20, 3, 7L);

    private RoundPlan plan(QuorumPolicy clusterPolicy) {
        QuorumPolicy upper = new QuorumPolicy(3, 0.6, Duration.ofSeconds(60), Duration.ofSeconds(90), Duration.ofSeconds(60), 1.0);
        return new RoundPlan(1, 0, D, 1.0, 1.0f, CodecId.FP32, layout,
            new TierSpec(clusterPolicy, KRUM_SHARE, 0, 0, 1.0),
            new TierSpec(upper, BETA, 0, 0, 1.0),
            new TierSpec(upper.withExpectedCount(layout.continents()), BETA, 0, 0, 1.0), false, 1L);
    }

    private static RoundResult runOneRound(RoundPlan plan, SwarmSpec spec, List<RoundStats> stats) throws Exception {
        return runOneRound(plan, spec, stats, RoundJournal.none());
    }

    private static RoundResult runOneRound(RoundPlan plan, SwarmSpec spec, List<RoundStats> stats, RoundJournal journal)
        throws Exception {
        return runOneRound(plan, spec, stats, journal, fleet -> {
        });
    }

    /** One round; {@code started} sees the fleet before the round opens (to attach meters, say). */
    private static RoundResult runOneRound(RoundPlan plan, SwarmSpec spec, List<RoundStats> stats, RoundJournal journal,
                                           java.util.function.Consumer<EmbeddedFleet> started) throws Exception {
        return runOneRound(plan, spec, stats, journal, started, () -> true);
    }

    /**
     * One round; before the fleet closes, polls {@code settled} (every 20 ms, at most 30 s): what watches the fleet
     * asynchronously (a metrics bridge) has caught up.
     */
    private static RoundResult runOneRound(RoundPlan plan, SwarmSpec spec, List<RoundStats> stats, RoundJournal journal,
                                           java.util.function.Consumer<EmbeddedFleet> started,
                                           java.util.function.BooleanSupplier settled) throws Exception {
        return runOneRound(plan, spec, stats, journal, started, settled, io.canopy.enroll.LeafAuthentication.off(), null);
    }

    /** One round whose clusters check leaf frames by {@code authentication}, the leaves signing with {@code keys}. */
    private static RoundResult runOneRound(RoundPlan plan, SwarmSpec spec, List<RoundStats> stats, RoundJournal journal,
                                           java.util.function.Consumer<EmbeddedFleet> started,
                                           java.util.function.BooleanSupplier settled,
                                           io.canopy.enroll.LeafAuthentication authentication,
                                           io.canopy.enroll.LeafKeys keys) throws Exception {
        try (EmbeddedFleet fleet = new EmbeddedFleet(plan.layout(), plan.dimension(), 4, 2, new FedAvgStep(1f), new float[D], 1e-5,
                 journal, authentication);
             SwarmDriver driver = new SwarmDriver(fleet, new SyntheticSwarm(spec), 2, 3, keys)) {
            fleet.awaitReady(30_000);
            started.accept(fleet);
            // The leaves sign over the plan the coordinator opened, which carries its journal's run id.
            RoundFeed feed = RoundFeed.start(fleet, plan, 1);
            stats.add(driver.run(feed.opened(0, 60, TimeUnit.SECONDS), 60_000));
            RoundResult r = feed.result(0, 60, TimeUnit.SECONDS);
            long until = System.nanoTime() + 30_000_000_000L;
            while (!settled.getAsBoolean() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            return r;
        }
    }

    @Test
    void signed_leaves_are_verified_through_the_tree_and_unsigned_ones_never_count_where_signatures_are_required()
        throws Exception {
        QuorumPolicy everyone = new QuorumPolicy(20, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), 1.0);
        RoundPlan plan = plan(everyone);
        SwarmSpec spec = new SwarmSpec(3L, D, 1.0, 0.5, 0.5, 0.1, Attack.SIGN_FLIP, Double.NaN, 20, 0.0, 100.0, 0.3);
        io.canopy.enroll.DerivedKeys keys = new SyntheticSwarm(spec).keys(io.canopy.frame.SignatureScheme.ED25519,
            plan.layout());
        io.canopy.enroll.LeafAuthentication required = io.canopy.enroll.LeafAuthentication.required(keys);
        List<RoundStats> stats = new ArrayList<>();
        EmbeddedFleet[] running = new EmbeddedFleet[1];
        long[][] rejected = new long[1][];
        java.util.function.BooleanSupplier counted = () -> {
            rejected[0] = running[0].framesRejected();
            return true;
        };
        RoundResult unsigned = runOneRound(plan, spec, stats, RoundJournal.none());
        RoundResult signed = runOneRound(plan, spec, stats, RoundJournal.none(), fleet -> running[0] = fleet, counted,
            required, keys);
        assertEquals(240, stats.get(1).accepted, "every signed leaf verified and counted");
        assertEquals(0, rejected[0][io.canopy.frame.RejectReason.BAD_SIGNATURE.ordinal()]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(unsigned.update(), signed.update(), "the same update either way");

        // Signatures required, the leaves send unsigned frames: nothing counts, each refused as UNSIGNED.
        runOneRound(plan, spec, stats, RoundJournal.none(), fleet -> running[0] = fleet, counted, required, null);
        assertEquals(0, stats.get(2).accepted);
        assertEquals(240, rejected[0][io.canopy.frame.RejectReason.UNSIGNED.ordinal()]);
    }

    @Test
    void without_noise_the_global_update_is_multi_krum_then_two_trimmed_means_of_the_same_updates(@TempDir Path ledger)
        throws Exception {
        // Every leaf answers well inside the soft deadline and the cluster expects all of them, so each
        // cluster aggregates exactly its leaves' clipped updates.
        QuorumPolicy everyone = new QuorumPolicy(20, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), 1.0);
        RoundPlan plan = plan(everyone);
        SwarmSpec spec = new SwarmSpec(3L, D, 1.0, 0.5, 0.5, 0.1, Attack.SIGN_FLIP, Double.NaN, 20, 0.0, 100.0, 0.3);
        List<RoundStats> stats = new ArrayList<>();
        RoundResult result;
        try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
            result = runOneRound(plan, spec, stats, journal);
        }

        assertEquals(QuorumOutcome.COMPLETE, result.outcome());
        assertEquals(layout.continents(), result.continentsAccepted());
        float[] expected = reference(plan, new SyntheticSwarm(spec));
        float[] actual = result.update();
        for (int j = 0; j < D; j++) {
            assertEquals(expected[j], actual[j], 2e-6, "coordinate " + j);
        }
        assertEquals(240, stats.get(0).accepted);

        // The round was made durable before it was announced: record, privacy entry and checkpoint agree with it.
        RoundRecord record = RoundLedger.read(ledger).records().getFirst();
        assertEquals(1, record.round());
        assertEquals(1, record.modelVersion());
        assertEquals(QuorumOutcome.COMPLETE, record.outcome());
        assertEquals(layout.clusters(), record.clustersReleased());
        assertEquals(240, record.leavesInvited());
        assertEquals(240, record.leavesAccepted());
        assertEquals(stats.get(0).truePositives + stats.get(0).falsePositives, record.krumRejected());
        assertEquals(Double.POSITIVE_INFINITY, record.epsilon(), "no tier-3 noise: no guarantee, said so");
        assertArrayEquals(result.model(), ModelCheckpoint.read(ledger.resolve(record.checkpoint()), record.modelCrc32c()));
        List<LedgerEntry> privacy = PrivacyLedger.read(ledger.resolve(DirectoryJournal.PRIVACY_FILE)).entries();
        assertEquals(1, privacy.size());
        assertEquals(0.0, privacy.getFirst().publishedZ());
    }

    @Test
    void more_byzantine_leaves_than_multi_krum_assumes_is_reported_as_no_guarantee() throws Exception {
        QuorumPolicy everyone = new QuorumPolicy(20, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), 1.0);
        RoundPlan plan = plan(everyone); // f = 0.2 x 20 = 4 per cluster
        SwarmSpec spec = new SwarmSpec(3L, D, 1.0, 0.5, 0.5, 0.45, Attack.CONSTANT_DIRECTION, Double.NaN, 20, 0.0, 100.0, 0.3);
        List<RoundStats> stats = new ArrayList<>();
        runOneRound(plan, spec, stats);
        RoundStats round = stats.getFirst();
        SyntheticSwarm swarm = new SyntheticSwarm(spec);
        int over = 0;
        int most = 0;
        for (int c = 0; c < layout.clusters(); c++) {
            int byzantine = 0;
            for (int l = 0; l < 20; l++) {
                byzantine += swarm.isByzantine(layout.leafAt(c, l)) ? 1 : 0;
            }
            over += byzantine > 4 ? 1 : 0;
            most = Math.max(most, byzantine);
        }
        assertTrue(over > 0, "the swarm must put more than f attackers into some cluster for this test to mean anything");
        assertEquals(over, round.clustersOverKrumF);
        assertEquals(most, round.mostByzantineInOneCluster);
        assertEquals(4, round.krumF);
    }

    /** The composition computed from scratch with the scalar reference rules. */
    @Test
    void without_noise_the_gated_release_through_the_tiers_equals_a_plain_two_pass_reference_on_the_same_updates()
        throws Exception {
        QuorumPolicy everyone = new QuorumPolicy(20, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), 1.0);
        float rho = 0.7f;
        int k = 0; // floor(0.25 x 3)
        double minCount = 24;
        RoundPlan plan = plan(everyone).withRelease(new io.canopy.round.ReleaseSpec(io.canopy.round.ReleaseSpec.Rule.GATED,
            20, k, rho, 0, 0, minCount, "test"));
        SwarmSpec spec = new SwarmSpec(3L, D, 1.0, 0.5, 0.5, 0.1, Attack.SIGN_FLIP, Double.NaN, 20, 0.0, 100.0, 0.3);
        List<RoundStats> stats = new ArrayList<>();
        RoundResult result = runOneRound(plan, spec, stats);

        assertEquals(QuorumOutcome.COMPLETE, result.outcome());
        assertEquals(240, stats.get(0).accepted);
        // Multi-Krum still ran in every cluster, as a detector: its rejections are reported, not released.
        assertTrue(stats.get(0).truePositives + stats.get(0).falsePositives > 0);
        SyntheticSwarm swarm = new SyntheticSwarm(spec);
        float[][][] rows = new float[layout.clusters()][][];
        for (int c = 0; c < layout.clusters(); c++) {
            rows[c] = new float[layout.clusterSizeOf(c)][D];
            for (int l = 0; l < rows[c].length; l++) {
                swarm.update(plan.roundId(), layout.leafAt(c, l), rows[c][l], 0);
                VectorKernels.clipToNorm(rows[c][l], 0, D, plan.clipNorm());
            }
        }
        double m = 20;
        // Pass 1 around v0 = 0: every row is within C already, so O1 = (1/m) Σ x_i.
        double[] v1 = twoTierMean(rows, null, Double.POSITIVE_INFINITY, m, k, new long[1]);
        long[] w = new long[1];
        double[] a2 = twoTierMean(rows, v1, rho, m, k, w);
        double total = m * layout.clusters();
        double factor = total / Math.max(w[0], minCount);
        float[] actual = result.update();
        for (int j = 0; j < D; j++) {
            assertEquals(v1[j] + (a2[j] - v1[j]) * factor, actual[j], 2e-5, "coordinate " + j + " (W = " + w[0] + ")");
        }
        // The gate is what removes the attack: no sign-flipped update lies within rho of the centre.
        long byzantineInside = 0;
        for (int c = 0; c < layout.clusters(); c++) {
            for (int l = 0; l < rows[c].length; l++) {
                if (swarm.isByzantine(layout.leafAt(c, l)) && VectorKernels.squaredDistance(rows[c][l], 0,
                    toFloats(v1), 0, D) <= rho * rho) {
                    byzantineInside++;
                }
            }
        }
        assertEquals(0, byzantineInside, "sign-flipped leaves inside the gate");
        assertTrue(w[0] > 0 && w[0] < 240, "W = " + w[0]);
    }

    @Test
    void rows_held_as_int8_between_the_passes_publish_the_plain_reference_over_the_held_rows() throws Exception {
        QuorumPolicy everyone = new QuorumPolicy(20, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), 1.0);
        float rho = 0.7f;
        double minCount = 24;
        RoundPlan plan = plan(everyone).withRelease(new io.canopy.round.ReleaseSpec(io.canopy.round.ReleaseSpec.Rule.GATED,
            20, 0, rho, 0, 0, minCount, "test").withHeldCodec(io.canopy.codec.CodecId.INT8));
        SwarmSpec spec = new SwarmSpec(3L, D, 1.0, 0.5, 0.5, 0.1, Attack.SIGN_FLIP, Double.NaN, 20, 0.0, 100.0, 0.3);
        RoundResult result = runOneRound(plan, spec, new ArrayList<>());
        assertEquals(QuorumOutcome.COMPLETE, result.outcome());

        SyntheticSwarm swarm = new SyntheticSwarm(spec);
        float[][][] rows = new float[layout.clusters()][][];
        float[][][] held = new float[layout.clusters()][][];
        int blocks = io.canopy.codec.Codecs.int8Blocks(D, io.canopy.codec.Codecs.INT8_DEFAULT_BLOCK);
        for (int c = 0; c < layout.clusters(); c++) {
            rows[c] = new float[layout.clusterSizeOf(c)][D];
            held[c] = new float[rows[c].length][D];
            for (int l = 0; l < rows[c].length; l++) {
                long leaf = layout.leafAt(c, l);
                swarm.update(plan.roundId(), leaf, rows[c][l], 0);
                VectorKernels.clipToNorm(rows[c][l], 0, D, plan.clipNorm());
                float[] scales = new float[blocks];
                byte[] q = new byte[D];
                io.canopy.codec.ScalarCodecs.int8Encode(rows[c][l], io.canopy.codec.Codecs.INT8_DEFAULT_BLOCK,
                    io.canopy.privacy.release.HeldRows.roundingSeed(plan.roundId(), leaf), scales, q);
                io.canopy.codec.ScalarCodecs.int8Decode(scales, q, io.canopy.codec.Codecs.INT8_DEFAULT_BLOCK, held[c][l]);
            }
        }
        double m = 20;
        // Pass 1 is summed as the rows arrive, from the accepted floats; pass 2 from what was held.
        double[] v1 = twoTierMean(rows, null, Double.POSITIVE_INFINITY, m, 0, new long[1]);
        long[] w = new long[1];
        double[] a2 = twoTierMean(held, v1, rho, m, 0, w);
        double[] exact = twoTierMean(rows, v1, rho, m, 0, new long[1]);
        double factor = m * layout.clusters() / Math.max(w[0], minCount);
        float[] actual = result.update();
        double apart = 0;
        for (int j = 0; j < D; j++) {
            assertEquals(v1[j] + (a2[j] - v1[j]) * factor, actual[j], 2e-5, "coordinate " + j + " (W = " + w[0] + ")");
            apart = Math.max(apart, Math.abs((a2[j] - exact[j]) * factor));
        }
        // Otherwise this test could not tell int8 from fp32.
        assertTrue(apart > 1e-4, "int8 moved the update by at most " + apart);
    }

    @Test
    void a_detector_sample_runs_multi_krum_only_in_the_clusters_it_picks_and_the_published_update_is_the_same_bits()
        throws Exception {
        QuorumPolicy everyone = new QuorumPolicy(20, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), 1.0);
        RoundPlan all = plan(everyone).withRelease(new io.canopy.round.ReleaseSpec(io.canopy.round.ReleaseSpec.Rule.GATED,
            20, 0, 0.7f, 0, 0, 24, "test"));
        RoundPlan half = all.withRelease(all.release().withDetectorSample(0.5));
        SwarmSpec spec = new SwarmSpec(3L, D, 1.0, 0.5, 0.5, 0.1, Attack.SIGN_FLIP, Double.NaN, 20, 0.0, 100.0, 0.3);
        List<RoundStats> stats = new ArrayList<>();
        RoundResult everyCluster = runOneRound(all, spec, stats);
        RoundResult sampled = runOneRound(half, spec, stats);

        int picked = 0;
        for (int c = 0; c < layout.clusters(); c++) {
            picked += half.release().detects(half.roundId(), c) ? 1 : 0;
        }
        assertTrue(picked > 0 && picked < layout.clusters(), "picked " + picked + " of " + layout.clusters());
        assertEquals(layout.clusters(), stats.get(0).clustersDetected);
        assertEquals(picked, stats.get(1).clustersDetected);
        assertTrue(stats.get(1).truePositives + stats.get(1).falsePositives
            < stats.get(0).truePositives + stats.get(0).falsePositives, "fewer clusters, fewer rejections scored");
        // The detector never enters the release: the same updates give the same published update at any share. Only
        // the float rounding of sums the tiers take in arrival order may differ, as between two runs at one share.
        assertEquals(QuorumOutcome.COMPLETE, sampled.outcome());
        assertEquals(stats.get(0).accepted, stats.get(1).accepted);
        float[] expected = everyCluster.update();
        float[] actual = sampled.update();
        for (int j = 0; j < D; j++) {
            assertEquals(expected[j], actual[j], 8 * Math.ulp(expected[j]), "coordinate " + j);
        }
    }

    private static float[] toFloats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    /**
     * The plain reference of one gated pass: per cluster c + (1/m)·Σ_{‖x − c‖ ≤ radius} (x − c) (c = 0 when null),
     * per continent the trimmed mean (k per end) over its clusters, then the mean over the continents; W counts the
     * rows inside the gate.
     */
    private double[] twoTierMean(float[][][] rows, double[] centre, double radius, double m, int k, long[] w) {
        float[][] continents = new float[layout.continents()][];
        for (int j = 0; j < layout.continents(); j++) {
            float[][] outputs = new float[layout.continentSizeOf(j)][D];
            for (int i = 0; i < outputs.length; i++) {
                int c = layout.clusterOf(j, i);
                double[] sum = new double[D];
                for (float[] x : rows[c]) {
                    double d2 = 0;
                    for (int t = 0; t < D; t++) {
                        double diff = x[t] - (centre == null ? 0 : centre[t]);
                        d2 += diff * diff;
                    }
                    if (Math.sqrt(d2) <= radius) {
                        w[0]++;
                        for (int t = 0; t < D; t++) {
                            sum[t] += x[t] - (centre == null ? 0 : centre[t]);
                        }
                    }
                }
                for (int t = 0; t < D; t++) {
                    outputs[i][t] = (float) ((centre == null ? 0 : centre[t]) + sum[t] / m);
                }
            }
            continents[j] = ReferenceTrimmedMean.aggregate(UpdateBlock.of(outputs), k);
        }
        double[] mean = new double[D];
        for (float[] c : continents) {
            for (int t = 0; t < D; t++) {
                mean[t] += c[t] / (double) continents.length;
            }
        }
        return mean;
    }

    private float[] reference(RoundPlan plan, SyntheticSwarm swarm) {
        float[][] continental = new float[layout.continents()][];
        for (int j = 0; j < layout.continents(); j++) {
            float[][] clusters = new float[layout.continentSizeOf(j)][];
            for (int i = 0; i < clusters.length; i++) {
                int cluster = layout.clusterOf(j, i);
                int n = layout.clusterSizeOf(cluster);
                long[] order = new long[n];
                for (int l = 0; l < n; l++) {
                    long leaf = layout.leafAt(cluster, l);
                    order[l] = (swarm.latencyNanos(plan.roundId(), leaf) << 20) | l;
                }
                Arrays.sort(order); // the arrival order the block holds
                float[][] rows = new float[n][D];
                for (int l = 0; l < n; l++) {
                    long leaf = layout.leafAt(cluster, (int) (order[l] & ((1 << 20) - 1)));
                    swarm.update(plan.roundId(), leaf, rows[l], 0);
                    VectorKernels.clipToNorm(rows[l], 0, D, plan.clipNorm());
                }
                UpdateBlock block = UpdateBlock.of(rows);
                int f = plan.cluster().krumF(n);
                double[] mean = ReferenceKrum.meanOf(block, ReferenceKrum.select(block, f, n - f));
                clusters[i] = new float[D];
                for (int x = 0; x < D; x++) {
                    clusters[i][x] = (float) mean[x];
                }
            }
            UpdateBlock block = UpdateBlock.of(clusters);
            continental[j] = ReferenceTrimmedMean.aggregate(block, (int) Math.floor(BETA * clusters.length));
        }
        return ReferenceTrimmedMean.aggregate(UpdateBlock.of(continental), (int) Math.floor(BETA * continental.length));
    }

    @Test
    void clusters_that_miss_their_quorum_are_counted_as_stragglers_and_the_round_still_closes() throws Exception {
        QuorumPolicy strict = new QuorumPolicy(20, 0.9, Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofMillis(500), 1.0);
        // Half the leaves drop out: no cluster reaches 18 of 20.
        SwarmSpec spec = new SwarmSpec(5L, D, 1.0, 0.5, 0.5, 0.0, Attack.NONE, Double.NaN, 20, 0.5, 100.0, 0.3);
        List<RoundStats> stats = new ArrayList<>();
        RoundResult result = runOneRound(plan(strict), spec, stats);

        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, result.outcome(), "nothing reached the global tier");
        assertNull(result.update());
        assertEquals(layout.clusters(), stats.get(0).clusterOutcomes[QuorumOutcome.FAILED_NO_QUORUM.ordinal()]);
        assertEquals(layout.continents(), result.continentsFailed(), "every continent failed for lack of clusters");
        assertEquals(0L, result.modelVersion(), "no model was published");
    }

    @Test
    void leaves_slower_than_the_hard_deadline_are_late_and_their_cluster_fails() throws Exception {
        QuorumPolicy quick = new QuorumPolicy(20, 0.6, Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(5), 1.0);
        // A median latency of 10 s: every frame arrives after the 40 ms hard deadline.
        SwarmSpec spec = new SwarmSpec(9L, D, 1.0, 0.5, 0.5, 0.0, Attack.NONE, Double.NaN, 20, 0.0, 10_000.0, 0.1);
        List<RoundStats> stats = new ArrayList<>();
        RoundResult result = runOneRound(plan(quick), spec, stats);
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, result.outcome());
        assertEquals(0, stats.get(0).accepted);
        assertTrue(stats.get(0).sent == 240);
    }

    @Test
    void after_a_round_the_scrape_endpoint_shows_its_frames_quorum_outcomes_krum_rejections_and_epsilon() throws Exception {
        QuorumPolicy everyone = new QuorumPolicy(20, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), 1.0);
        SwarmSpec spec = new SwarmSpec(3L, D, 1.0, 0.5, 0.5, 0.1, Attack.SIGN_FLIP, Double.NaN, 20, 0.0, 100.0, 0.3);
        List<RoundStats> stats = new ArrayList<>();
        try (NodeMetrics metrics = NodeMetrics.start(new MetricsSettings("127.0.0.1", io.canopy.ops.metrics.MetricsEndpoint.PORT_ANY), 0)) {
            // The bridge reads reports and results from the event stream: the fleet closes only once it has them all.
            java.util.function.BooleanSupplier bridged = () -> {
                try {
                    String now = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(metrics.url())).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    return now.contains("canopy_quorum_outcomes_total{continent=\"all\",outcome=\"complete\",tier=\"global\"} 1.0")
                        && now.contains("canopy_quorum_outcomes_total{continent=\"all\",outcome=\"complete\",tier=\"cluster\"} 12.0");
                } catch (java.io.IOException | InterruptedException e) {
                    return false;
                }
            };
            RoundResult result = runOneRound(plan(everyone), spec, stats, RoundJournal.none(), fleet -> {
                // The round starts once the bridge is subscribed: under load its setup could otherwise come after the
                // first cluster reports were published, and it would never count them.
                java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
                fleet.system().systemActorOf(TierMetricsBridge.create(metrics.meters(), new TierMetricsBridge.Sources(
                        fleet.clusterTier().runtime(), fleet.continentalTier().runtime(), fleet.globalTier().runtime()),
                    2.0, 1e-5, subscribed::countDown), "metrics-bridge", org.apache.pekko.actor.typed.Props.empty());
                try {
                    assertTrue(subscribed.await(60, TimeUnit.SECONDS), "the metrics bridge never started");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, bridged);
            assertEquals(QuorumOutcome.COMPLETE, result.outcome());
            // The fleet has stopped: the traffic meters still read the subscribers' and publishers' final counts.
            String scrape = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(metrics.url())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            RoundStats round = stats.getFirst();
            assertTrue(scrape.contains("canopy_quorum_outcomes_total{continent=\"all\",outcome=\"complete\",tier=\"cluster\"} 12.0"),
                scrape);
            assertTrue(scrape.contains("canopy_quorum_outcomes_total{continent=\"all\",outcome=\"complete\",tier=\"global\"} 1.0"),
                scrape);
            assertTrue(scrape.contains("canopy_frames_accepted_total{continent=\"all\",tier=\"cluster\"} 240.0"), scrape);
            assertTrue(scrape.contains("canopy_frames_accepted_total{continent=\"all\",tier=\"continental\"} 12.0"), scrape);
            assertTrue(scrape.contains("canopy_krum_rejected_total{continent=\"all\",tier=\"cluster\"} "
                + (double) (round.truePositives + round.falsePositives)), scrape);
            assertTrue(scrape.contains("canopy_frames_sent_total{continent=\"all\",tier=\"cluster\"} 12.0"), scrape);
            assertTrue(scrape.contains("canopy_frames_sent_total{continent=\"all\",tier=\"continental\"} 4.0"), scrape);
            java.util.regex.Matcher bytesIn = java.util.regex.Pattern.compile(
                "canopy_traffic_in_bytes_total\\{continent=\"all\",tier=\"cluster\"} ([0-9.E]+)").matcher(scrape);
            assertTrue(bytesIn.find(), scrape);
            // 240 leaf frames of a 64-byte header and 16 fp32 values, plus the swarm's watermarks
            assertTrue(Double.parseDouble(bytesIn.group(1)) >= 240 * (64 + 16 * 4), bytesIn.group(1));
            assertTrue(scrape.contains("canopy_privacy_epsilon_budget 2.0"), scrape);
            assertTrue(scrape.contains("canopy_privacy_epsilon_spent +Inf"), "no tier-3 noise in this plan: " + scrape);
            assertTrue(scrape.contains("jvm_memory_used_bytes"), scrape);
        }
    }
}
