package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The claimed Δ1 = C·λ and Δ2 = τ·λ·√(1 + s²) against the real kernels run through a whole tree, with the centre
 * of pass 2 held fixed (it is a DP release, public to the analysis): neighbouring datasets built to attain the
 * bound move the noise-free release by at least 0.99·Δ, and no pair (adversarial or random, whatever the other
 * clusters' arrival counts) moves it by more than Δ. Kernels round to float, hence the 1e-5 relative slack.
 */
class ReleaseSensitivityTest {

    private static final double SLACK = 1 + 1e-5;
    private static final int D = 4;
    private static final int K = 5;
    private static final int K2 = 1;
    private static final int M = 3;
    private static final double MC = 4.0;
    private static final double C = 1.0;
    private static final double RHO = 0.7;
    private static final double S = TwoPassRelease.DEFAULT_COUNT_SCALE;

    private static final TreeScale SCALE = new TreeScale(MC, K, K2, M);

    /** Cluster (continent j, index i) holds two leaves at v + a_i·(1, …, 1), a_i = (i − 2)·step. */
    private static float[][] ladder(final float[] v, final double step) {
        final float[][] blocks = new float[K * M][];
        for (int j = 0; j < M; j++) {
            for (int i = 0; i < K; i++) {
                final float[] b = new float[2 * D];
                for (int t = 0; t < b.length; t++) {
                    b[t] = (float) (v[t % D] + (i - 2) * step);
                }
                blocks[j * K + i] = b;
            }
        }
        return blocks;
    }

    private static float[][] withLeaf(final float[][] blocks, final int cluster, final float[] leaf) {
        final float[][] out = blocks.clone();
        out[cluster] = Arrays.copyOf(blocks[cluster], blocks[cluster].length + leaf.length);
        System.arraycopy(leaf, 0, out[cluster], blocks[cluster].length, leaf.length);
        return out;
    }

    private static float[] along(final float[] v, final double length) {
        final float[] x = new float[v.length];
        for (int t = 0; t < v.length; t++) {
            x[t] = (float) (v[t] + length / Math.sqrt(v.length));
        }
        return x;
    }

    private static NoiseFreeTree.Releases run(final float[][] blocks, final float[] v0, final float[] v1) {
        return NoiseFreeTree.run(blocks, D, K, K2, M, v0, v1, C, RHO, RHO, MC);
    }

    /** ‖(A2, s·τ·λ·W) − (A2', s·τ·λ·W')‖: the pass-2 release with its count coordinate. */
    private static double pass2Move(final NoiseFreeTree.Releases a, final NoiseFreeTree.Releases b, final double lambda) {
        final double da = NoiseFreeTree.distance(a.a2(), b.a2());
        final double dw = S * RHO * lambda * (a.w() - b.w());
        return Math.sqrt(da * da + dw * dw);
    }

    @Test
    void a_leaf_clipped_at_c_in_the_middle_cluster_moves_the_centre_release_by_delta_1() {
        final float[] v0 = {0.25f, -0.5f, 0f, 1f};
        final float[][] base = ladder(v0, 0.3);
        final float[] leaf = along(v0, 2 * C);
        final double delta1 = TwoPassRelease.centreSensitivity(C, SCALE.lambda());
        assertEquals(C / 36, delta1, 1e-15);
        for (int j = 0; j < M; j++) {
            final double moved = NoiseFreeTree.distance(run(base, v0, v0).a1(), run(withLeaf(base, j * K + 2, leaf), v0, v0).a1());
            assertTrue(moved >= 0.99 * delta1 && moved <= delta1 * SLACK, "continent " + j + ": moved " + moved + ", delta " + delta1);
        }
    }

    @Test
    void a_leaf_just_inside_the_gate_moves_the_update_release_and_count_by_delta_2() {
        final float[] v0 = {0f, 0f, 0f, 0f};
        final float[] v1 = {0.1f, 0.2f, -0.3f, 0.05f};
        final float[][] base = ladder(v1, 0.15);
        final float[] leaf = along(v1, 0.999 * RHO);
        final double delta2 = TwoPassRelease.updateSensitivity(RHO, SCALE.lambda(), S);
        final NoiseFreeTree.Releases before = run(base, v0, v1);
        final NoiseFreeTree.Releases after = run(withLeaf(base, 2, leaf), v0, v1);
        assertEquals(before.w() + 1, after.w());
        final double moved = pass2Move(before, after, SCALE.lambda());
        assertTrue(moved >= 0.99 * delta2 && moved <= delta2 * SLACK, "moved " + moved + ", delta " + delta2);
        // Just outside the gate the same leaf changes nothing at all.
        final NoiseFreeTree.Releases outside = run(withLeaf(base, 2, along(v1, 1.001 * RHO)), v0, v1);
        assertArrayEquals(before.a2(), outside.a2());
        assertEquals(before.w(), outside.w());
    }

    @Test
    void an_empty_cluster_reports_its_centre() {
        final float[] v = {1f, 2f, 3f};
        final float[] out = new float[3];
        ClusterPasses.centre(new float[0], 0, 3, v, C, MC, new double[3], out);
        assertArrayEquals(v, out);
        assertEquals(0, ClusterPasses.gated(new float[0], 0, 3, v, RHO, RHO, MC, new double[3], out));
        assertArrayEquals(v, out);
    }

    @Test
    void a_row_that_is_not_finite_contributes_nothing_to_either_pass() {
        final float[] v = {0f, 0f};
        final float[] block = {0.1f, 0.2f, Float.NaN, 1f, Float.POSITIVE_INFINITY, 0f};
        final float[] out = new float[2];
        final double[] acc = new double[2];
        assertEquals(2, ClusterPasses.centre(block, 3, 2, v, C, 1, acc, out));
        assertArrayEquals(new float[] {0.1f, 0.2f}, out);
        assertEquals(1, ClusterPasses.gated(block, 3, 2, v, RHO, RHO, 1, acc, out));
        assertArrayEquals(new float[] {0.1f, 0.2f}, out);
        FixedDenominatorMean.reset(acc, 2);
        FixedDenominatorMean.accumulate(block, 3, 2, C, acc);
        assertEquals(0.1f, acc[0], 0.0);
    }

    @Test
    void varying_another_clusters_arrival_count_never_moves_the_release_further_than_claimed() {
        final float[] v0 = {0.25f, -0.5f, 0f, 1f};
        final float[][] base = ladder(v0, 0.3);
        final float[] leaf = along(v0, 2 * C);
        final SplittableRandom rnd = new SplittableRandom(7);
        final float[] crowd = new float[40 * D];
        for (int t = 0; t < crowd.length; t++) {
            crowd[t] = (float) (v0[t % D] + rnd.nextGaussian() * 0.4);
        }
        final double delta1 = C * SCALE.lambda();
        final double delta2 = TwoPassRelease.updateSensitivity(RHO, SCALE.lambda(), S);
        for (final int other : new int[] {1, 3, 0, 4, K + 2}) {
            for (int rows = 0; rows <= 40; rows++) {
                final float[][] b = base.clone();
                b[other] = Arrays.copyOf(crowd, rows * D);
                final NoiseFreeTree.Releases x = run(b, v0, v0);
                final NoiseFreeTree.Releases y = run(withLeaf(b, 2, leaf), v0, v0);
                assertTrue(NoiseFreeTree.distance(x.a1(), y.a1()) <= delta1 * SLACK, "other=" + other + " rows=" + rows);
                assertTrue(pass2Move(x, y, SCALE.lambda()) <= delta2 * SLACK, "other=" + other + " rows=" + rows);
            }
        }
    }

    /**
     * The old path's flip terms came from counts: one leaf could carry a cluster over its quorum (or its grace) and
     * make it appear. Here the leaf's own cluster holds every count from empty to three times its planned count —
     * including the count a 60% quorum of m_c would need, one below it and one past it — and adding the leaf never
     * moves either release further than its Δ: counts are not in the release path.
     */
    @Test
    void a_leaf_added_at_any_arrival_count_of_its_own_cluster_including_a_former_quorum_boundary_moves_at_most_delta() {
        final float[] v0 = {0.25f, -0.5f, 0f, 1f};
        final float[] v1 = {0.3f, -0.45f, 0.05f, 0.9f};
        final float[][] base = ladder(v0, 0.3);
        final SplittableRandom rnd = new SplittableRandom(11);
        final float[] crowd = new float[(int) (3 * MC) * D];
        for (int t = 0; t < crowd.length; t++) {
            crowd[t] = (float) (v1[t % D] + rnd.nextGaussian() * 0.2);
        }
        final double delta1 = C * SCALE.lambda();
        final double delta2 = TwoPassRelease.updateSensitivity(RHO, SCALE.lambda(), S);
        final int quorum = io.canopy.straggler.QuorumPolicy.of((int) MC, java.time.Duration.ofSeconds(1),
            java.time.Duration.ofSeconds(2), java.time.Duration.ZERO).quorumCount();
        assertTrue(quorum > 1 && quorum < MC, "the sweep crosses a quorum boundary: " + quorum);
        for (final float[] leaf : new float[][] {along(v0, 2 * C), along(v1, 0.999 * RHO)}) {
            for (int rows = 0; rows <= 3 * MC; rows++) {
                final float[][] b = base.clone();
                b[2] = Arrays.copyOf(crowd, rows * D);
                final NoiseFreeTree.Releases x = run(b, v0, v1);
                final NoiseFreeTree.Releases y = run(withLeaf(b, 2, leaf), v0, v1);
                assertTrue(NoiseFreeTree.distance(x.a1(), y.a1()) <= delta1 * SLACK, "rows=" + rows);
                assertTrue(pass2Move(x, y, SCALE.lambda()) <= delta2 * SLACK, "rows=" + rows);
            }
        }
    }

    @Property(tries = 200, seed = "20261202")
    void random_neighbouring_rounds_never_move_either_release_further_than_its_delta(
        @ForAll @IntRange(min = 1, max = 3) final int m, @ForAll @IntRange(min = 1, max = 6) final int k,
        @ForAll @IntRange(min = 1, max = 12) final int d, @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int k2 = rnd.nextInt((k - 1) / 2 + 1);
        final double mc = 1 + rnd.nextDouble() * 7;
        final double clip = 0.2 + rnd.nextDouble() * 2;
        final double rho = clip * (0.2 + rnd.nextDouble());
        final double tau = rho * (0.3 + 0.7 * rnd.nextDouble());
        final float[] v0 = gaussian(rnd, d, 0.5);
        final float[] v1 = gaussian(rnd, d, 0.5);
        final float[][] blocks = new float[k * m][];
        for (int c = 0; c < blocks.length; c++) {
            final int rows = rnd.nextInt(9);
            blocks[c] = new float[rows * d];
            for (int t = 0; t < blocks[c].length; t++) {
                blocks[c][t] = (float) (v1[t % d] + rnd.nextGaussian() * rho * 1.2 / Math.sqrt(d));
            }
        }
        final float[] leaf = switch (rnd.nextInt(3)) {
            case 0 -> gaussian(rnd, d, 3 * clip);
            case 1 -> towards(v1, gaussian(rnd, d, 1), rho * (1 - 1e-3 * rnd.nextDouble()));
            default -> towards(v0, gaussian(rnd, d, 1), clip * (1 + rnd.nextDouble()));
        };
        final int target = rnd.nextInt(blocks.length);
        final NoiseFreeTree.Releases x = NoiseFreeTree.run(blocks, d, k, k2, m, v0, v1, clip, rho, tau, mc);
        final NoiseFreeTree.Releases y = NoiseFreeTree.run(withLeaf(blocks, target, leaf), d, k, k2, m, v0, v1, clip, rho, tau, mc);
        final double lambda = new TreeScale(mc, k, k2, m).lambda();
        final double delta1 = TwoPassRelease.centreSensitivity(clip, lambda);
        final double moved1 = NoiseFreeTree.distance(x.a1(), y.a1());
        assertTrue(moved1 <= delta1 * SLACK + 1e-7, "pass 1 moved " + moved1 + " > " + delta1);
        final double da = NoiseFreeTree.distance(x.a2(), y.a2());
        final double dw = TwoPassRelease.DEFAULT_COUNT_SCALE * tau * lambda * (y.w() - x.w());
        final double delta2 = TwoPassRelease.updateSensitivity(tau, lambda, TwoPassRelease.DEFAULT_COUNT_SCALE);
        assertTrue(Math.sqrt(da * da + dw * dw) <= delta2 * SLACK + 1e-7, "pass 2 moved " + Math.hypot(da, dw) + " > " + delta2);
        assertTrue(y.w() - x.w() <= 1 && y.w() >= x.w());
    }

    @Test
    void lambda_of_a_mixed_tree_is_the_worst_clusters_product_of_factors() {
        // Continent 0: clusters 0, 1, 2 (trim 0); continent 1: clusters 3..7 (trim 1). M = 2.
        final double[] planned = {10, 5, 10, 20, 20, 2, 20, 20};
        final int[] continentOf = {0, 0, 0, 1, 1, 1, 1, 1};
        final double lambda = TreeScale.lambda(planned, continentOf, new int[] {0, 1});
        assertEquals(Math.max(1.0 / (5 * 3 * 2), 1.0 / (2 * 3 * 2)), lambda, 1e-15);
        assertEquals(new TreeScale(7, 3, 1, 3).lambda(), TreeScale.lambda(new double[] {7, 7, 7, 7, 7, 7, 7, 7, 7},
            new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2}, new int[] {1, 1, 1}), 1e-15);
    }

    private static float[] gaussian(final SplittableRandom rnd, final int d, final double norm) {
        final float[] x = new float[d];
        for (int j = 0; j < d; j++) {
            x[j] = (float) (rnd.nextGaussian() * norm / Math.sqrt(d));
        }
        return x;
    }

    private static float[] towards(final float[] v, final float[] dir, final double length) {
        double n = 0;
        for (final float f : dir) {
            n += (double) f * f;
        }
        n = Math.sqrt(n);
        final float[] x = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            x[j] = (float) (v[j] + dir[j] * length / n);
        }
        return x;
    }
}
