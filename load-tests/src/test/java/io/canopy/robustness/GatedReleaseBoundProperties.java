package io.canopy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import io.canopy.kernel.VectorKernels;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.privacy.release.ClusterPasses;
import io.canopy.privacy.release.GateRadius;
import io.canopy.privacy.release.TreeScale;
import io.canopy.privacy.release.TwoPassRelease;
import io.canopy.privacy.release.UpperTiers;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The gated release's robustness bound (docs/privacy.md; proof in dp-noise's {@code EdgePushRobustnessTest}) over the
 * whole attack catalogue of the synthetic swarm, through the real cluster passes and upper tiers with the release's
 * noise (seeded): ‖ũ − μ‖ ≤ ‖u_H − μ‖ + (|B_G|/W)·(‖v1 − μ‖ + τ) + τ·|W/max(W̃, W_min) − 1| + 3σ√d, with μ the honest
 * leaves' mean, u_H the release over the honest leaves alone at the same (noisy, public) centre v1, B_G the
 * Byzantine leaves inside the gate and σ the published update's noise per coordinate. No trimming (k2 = 0), the
 * case the bound is stated for.
 */
class GatedReleaseBoundProperties {
    private static final double C = 1.0;
    private static final double RHO = 0.7;

    @Property(tries = 60)
    void every_attack_of_the_catalogue_stays_within_the_gated_releases_stated_bound(
        @ForAll @LongRange(min = 1, max = 1_000_000) long seed,
        @ForAll Attack attack,
        @ForAll @DoubleRange(min = 0.1, max = 0.3) double byzantineShare,
        @ForAll @IntRange(min = 11, max = 40) int clusterSize,
        @ForAll @IntRange(min = 16, max = 48) int dim,
        @ForAll @IntRange(min = 2, max = 5) int clustersPerContinent,
        @ForAll @IntRange(min = 1, max = 3) int continents,
        @ForAll @DoubleRange(min = 0.01, max = 0.05) double honestSpread) {
        SyntheticSwarm swarm = new SyntheticSwarm(new SwarmSpec(seed, dim, 0.8, honestSpread, honestSpread, byzantineShare,
            attack, Double.NaN, clusterSize, 0.0, 100.0, 0.3));
        int clusters = clustersPerContinent * continents;
        float[][] blocks = new float[clusters][];
        float[][] honestBlocks = new float[clusters][];
        double[] mu = new double[dim];
        long honestLeaves = 0;
        for (int k = 0; k < clusters; k++) {
            float[] all = new float[clusterSize * dim];
            float[] honest = new float[clusterSize * dim];
            int h = 0;
            float[] row = new float[dim];
            for (int i = 0; i < clusterSize; i++) {
                long leaf = (long) k * clusterSize + i;
                swarm.update(1, leaf, row, 0);
                VectorKernels.clipToNorm(row, 0, dim, (float) C); // the leaf clips before it sends
                System.arraycopy(row, 0, all, i * dim, dim);
                if (!swarm.isByzantine(leaf) || attack == Attack.NONE) {
                    System.arraycopy(row, 0, honest, h * dim, dim);
                    h++;
                    for (int j = 0; j < dim; j++) {
                        mu[j] += row[j];
                    }
                }
            }
            blocks[k] = all;
            honestBlocks[k] = java.util.Arrays.copyOf(honest, h * dim);
            honestLeaves += h;
        }
        for (int j = 0; j < dim; j++) {
            mu[j] /= honestLeaves;
        }
        int[][] tree = new int[continents][clustersPerContinent];
        for (int k = 0; k < clusters; k++) {
            tree[k / clustersPerContinent][k % clustersPerContinent] = k;
        }
        int[] noTrim = new int[continents];
        TreeScale scale = new TreeScale(clusterSize, clustersPerContinent, 0, continents);
        TwoPassRelease release = TwoPassRelease.of(C, GateRadius.planConstant(RHO / C, C), 1.0, scale);
        SplittableRandom noise = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double[] acc = new double[dim];

        float[] v1 = UpperTiers.tree(tree, k -> blocks[k], dim, noTrim,
            (block, rows, out) -> ClusterPasses.centre(block, rows, dim, new float[dim], C, scale.plannedPerCluster(), acc, out),
            acc);
        for (int j = 0; j < dim; j++) {
            v1[j] += (float) (release.centre().sigma() * noise.nextGaussian());
        }
        long[] w = {0};
        float[] a2 = UpperTiers.tree(tree, k -> blocks[k], dim, noTrim, (block, rows, out) ->
            w[0] += ClusterPasses.gated(block, rows, dim, v1, RHO, RHO, scale.plannedPerCluster(), acc, out), acc);
        long[] wHonest = {0};
        float[] a2Honest = UpperTiers.tree(tree, k -> honestBlocks[k], dim, noTrim, (block, rows, out) ->
            wHonest[0] += ClusterPasses.gated(block, rows, dim, v1, RHO, RHO, scale.plannedPerCluster(), acc, out), acc);
        Assume.that(wHonest[0] > 0);
        long byzantineInGate = 0;
        for (int k = 0; k < clusters; k++) {
            for (int i = 0; i < clusterSize; i++) {
                long leaf = (long) k * clusterSize + i;
                if (swarm.isByzantine(leaf) && attack != Attack.NONE
                    && Math.sqrt(ClusterPasses.distanceSquared(blocks[k], i * dim, v1, dim)) <= RHO) {
                    byzantineInGate++;
                }
            }
        }
        assertEquals(wHonest[0] + byzantineInGate, w[0], "the gate counts each leaf on its own distance to v1");

        float[] noisyA2 = a2.clone();
        for (int j = 0; j < dim; j++) {
            noisyA2[j] += (float) (release.update().sigma() * noise.nextGaussian());
        }
        double wNoisy = w[0] + release.update().sigma() * noise.nextGaussian() / release.countUnit();
        float[] published = new float[dim];
        if (!release.publish(noisyA2, v1, dim, wNoisy, published)) {
            return; // the release refused to publish: nothing to bound
        }
        double honestError = 0;
        double centreOffset = 0;
        double error = 0;
        for (int j = 0; j < dim; j++) {
            double uh = v1[j] + ((double) a2Honest[j] - v1[j]) * scale.plannedTotal() / wHonest[0];
            honestError += (uh - mu[j]) * (uh - mu[j]);
            centreOffset += (v1[j] - mu[j]) * (v1[j] - mu[j]);
            error += (published[j] - mu[j]) * (published[j] - mu[j]);
        }
        double bound = Math.sqrt(honestError) + (double) byzantineInGate / w[0] * (Math.sqrt(centreOffset) + RHO)
            + RHO * Math.abs(w[0] / Math.max(wNoisy, release.minCount()) - 1) + 3 * release.updateSigma(wNoisy) * Math.sqrt(dim);
        assertTrue(Math.sqrt(error) <= bound * (1 + 1e-5) + 1e-6, attack + " at " + byzantineShare + ": error "
            + Math.sqrt(error) + " > bound " + bound + " (" + byzantineInGate + " of " + w[0] + " gated leaves Byzantine)");
    }
}
