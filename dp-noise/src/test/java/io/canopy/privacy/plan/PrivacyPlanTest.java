package io.canopy.privacy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.privacy.accounting.RdpAccountant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrivacyPlanTest {

    @Test
    void the_default_plan_chains_the_sensitivities_and_meets_the_target_with_tier_three_noise_only() {
        final PrivacyPlan p = PrivacyPlan.of(TreeShape.defaults());
        final TierPlan t1 = p.tiers().get(0);
        final TierPlan t2 = p.tiers().get(1);
        final TierPlan t3 = p.tiers().get(2);
        assertEquals(2.0, t1.sensitivity());
        // 60 of 100 clusters at quorum, trimming floor(0.1*60) = 6 per end: 2C / 48.
        assertEquals(2.0 / 48, t2.ordinary(), 1e-15);
        assertEquals(Math.max(t2.ordinary(), t2.quorumFlip()), t2.sensitivity());
        assertEquals(t2.sensitivity() / 48, t3.ordinary(), 1e-15);
        assertEquals(0, t1.z());
        assertEquals(0, t2.z());
        assertNull(t1.guarantee());
        assertEquals(t3.z() * t3.sensitivity(), t3.sigma(), 0);
        final double eps = p.endToEnd().epsilon();
        assertTrue(eps <= 2.0 && eps >= 0.99 * 2.0, "end to end " + eps);
        assertEquals(eps, new RdpAccountant().compose(0.1, t3.z(), 1000).spent(1e-5).epsilon(), 0);
    }

    @Test
    void with_no_trusted_aggregator_every_tier_adds_noise_that_meets_the_target_against_its_receiver() {
        final TreeShape d = TreeShape.defaults();
        final TreeShape untrusted = new TreeShape(d.leaves(), d.samplingRate(), d.clusterSize(), d.clustersPerContinent(),
            d.continents(), d.clip(), d.multiKrumF(), d.beta2(), d.beta3(), d.quorum(), d.rounds(), d.epsilon(),
            d.delta(), d.dimension(), Set.of());
        final PrivacyPlan p = PrivacyPlan.of(untrusted);
        for (final TierPlan t : p.tiers()) {
            assertTrue(t.z() > 0 && t.guarantee().epsilon() <= 2.0, t.toString());
        }
        // Noisy cluster outputs must be projected onto a ball that holds them: C + sigma1 (sqrt(d) + 8).
        assertEquals(1.0 + p.tiers().get(0).sigma() * (1000 + 8), p.tiers().get(1).inputNormBound(), 1e-9);
    }

    @Test
    void config_keys_override_defaults_and_bad_values_name_the_key() {
        final Properties p = new Properties();
        p.setProperty("q", "0.05");
        p.setProperty("multikrum-f", "5");
        p.setProperty("trusted", "global");
        final TreeShape s = TreeShape.fromProperties(p);
        assertEquals(0.05, s.samplingRate());
        assertEquals(50, s.expectedPerCluster());
        assertEquals(Set.of("global"), s.trusted());
        p.setProperty("leaves", "999");
        assertEquals("leaves must equal cluster-size x clusters-per-continent x continents = 10000000, got 999",
            assertThrows(IllegalArgumentException.class, () -> TreeShape.fromProperties(p)).getMessage());
        p.remove("leaves");
        p.setProperty("beta2", "0.5");
        assertEquals("beta2 must be in [0, 0.5), got 0.5",
            assertThrows(IllegalArgumentException.class, () -> TreeShape.fromProperties(p)).getMessage());
    }

    /**
     * The whole chain checked on a small tree run with Canopy's own rules: removing one leaf (chosen to tip its
     * cluster's quorum in half the trials) never moves the global aggregate further than the plan's Δ3.
     * Receivers project inputs onto the C-ball, as the plan requires; trials whose publication outcome changes
     * are the case the plan states it does not cover and are skipped.
     */
    @Test
    void removing_one_leaf_never_moves_a_small_trees_global_aggregate_beyond_the_planned_sensitivity() {
        final int clusters = 5;
        final int continents = 5;
        final int clusterSize = 10;
        final TreeShape shape = new TreeShape((long) clusters * continents * clusterSize, 1.0, clusterSize, clusters,
            continents, 1.0, 1, 0.2, 0.2, 0.6, 10, 2.0, 1e-5, 4, Set.of("continental", "global"));
        final double bound = PrivacyPlan.of(shape).tiers().get(2).sensitivity();
        final SplittableRandom rnd = new SplittableRandom(99);
        double worst = 0;
        int compared = 0;
        for (int trial = 0; trial < 400; trial++) {
            final List<List<List<float[]>>> tree = new ArrayList<>();
            for (int m = 0; m < continents; m++) {
                final List<List<float[]>> cont = new ArrayList<>();
                for (int k = 0; k < clusters; k++) {
                    final List<float[]> leaves = new ArrayList<>();
                    final int count = 5 + rnd.nextInt(6); // 5..10 leaves: quorum is 6
                    final double bias = rnd.nextDouble() * 2 - 1;
                    for (int i = 0; i < count; i++) {
                        leaves.add(update(rnd, bias));
                    }
                    cont.add(leaves);
                }
                tree.add(cont);
            }
            final float[] before = global(tree, shape);
            final int m = rnd.nextInt(continents);
            int k = rnd.nextInt(clusters);
            if (trial % 2 == 0) {
                for (int j = 0; j < clusters; j++) {
                    if (tree.get(m).get(j).size() == 6) {
                        k = j; // removing a leaf here makes the cluster vanish
                    }
                }
            }
            final List<float[]> leaves = tree.get(m).get(k);
            if (leaves.isEmpty()) {
                continue;
            }
            leaves.remove(rnd.nextInt(leaves.size()));
            final float[] after = global(tree, shape);
            if ((before == null) != (after == null)) {
                continue;
            }
            if (before != null) {
                worst = Math.max(worst, distance(before, after));
                compared++;
            }
        }
        assertTrue(compared > 200, "compared " + compared);
        assertTrue(worst <= bound * (1 + 1e-5), "moved " + worst + " > planned " + bound);
    }

    private static float[] update(final SplittableRandom rnd, final double bias) {
        final float[] v = new float[4];
        double s = 0;
        for (int j = 0; j < 4; j++) {
            v[j] = (float) (rnd.nextGaussian() + (j == 0 ? 3 * bias : 0));
            s += v[j] * v[j];
        }
        final double scale = Math.min(1, 0.999999 / Math.sqrt(s)); // clip to C = 1
        for (int j = 0; j < 4; j++) {
            v[j] *= (float) scale;
        }
        return v;
    }

    /** The global aggregate, or null when the global misses its quorum (nothing published). */
    private static float[] global(final List<List<List<float[]>>> tree, final TreeShape s) {
        final List<float[]> continentOut = new ArrayList<>();
        for (final List<List<float[]>> cont : tree) {
            final List<float[]> clusterOut = new ArrayList<>();
            for (final List<float[]> leaves : cont) {
                if (leaves.size() >= TreeShape.minInputs(s.clusterSize(), s.quorum())) {
                    clusterOut.add(project(MultiKrum.withDefaultM(s.multiKrumF())
                        .aggregate(UpdateBlock.of(leaves.toArray(float[][]::new))).aggregate()));
                }
            }
            if (clusterOut.size() >= TreeShape.minInputs(s.clustersPerContinent(), s.quorum())) {
                continentOut.add(project(TrimmedMean.ofBeta(s.beta2())
                    .aggregate(UpdateBlock.of(clusterOut.toArray(float[][]::new))).aggregate()));
            }
        }
        if (continentOut.size() < TreeShape.minInputs(s.continents(), s.quorum())) {
            return null;
        }
        return TrimmedMean.ofBeta(s.beta3()).aggregate(UpdateBlock.of(continentOut.toArray(float[][]::new))).aggregate();
    }

    /** The receiver's projection onto the C-ball (C = 1). */
    private static float[] project(final float[] v) {
        double s = 0;
        for (final float x : v) {
            s += x * x;
        }
        final double n = Math.sqrt(s);
        if (n > 1) {
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (v[j] / n * 0.999999);
            }
        }
        return v;
    }

    private static double distance(final float[] a, final float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += ((double) a[j] - b[j]) * ((double) a[j] - b[j]);
        }
        return Math.sqrt(s);
    }
}
