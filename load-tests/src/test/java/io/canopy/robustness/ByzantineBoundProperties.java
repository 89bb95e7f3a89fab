package io.canopy.robustness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.kernel.VectorKernels;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The robustness bound the tree states, checked on the production rules (Multi-Krum at the clusters,
 * trimmed means at the continents and the global tier) fed by the synthetic swarm's real attacks.
 *
 * <p>The bound. In a cluster with n updates clipped to C, of which b ≤ f are Byzantine and n ≥ 2f + 3,
 * let H be the honest updates, μ their mean, R = max over h in H of ‖h − μ‖, and S the largest Multi-Krum
 * score among H. Multi-Krum keeps the n − f lowest scores; since |H| ≥ n − f, every kept update scores at
 * most S. A kept Byzantine update has at least n − 2f − 1 ≥ 1 honest updates among its n − f − 2 nearest,
 * each within √S of it, so it lies within R + √S of μ; at most f of the n − f kept updates are Byzantine,
 * so their average lies within r = R + f/(n − f)·√S of μ. A coordinate-wise trimmed mean lies in its inputs'
 * coordinate-wise range, so the global update's coordinate j lies in [min over clusters k of (μ_k,j − r_k), max over
 * k of (μ_k,j + r_k)] — for every attack. With b > f nothing holds, and the demo's report says so for each round.
 *
 * <p>Honest updates here are tight (spread ≤ 0.05 against a gradient of norm 0.8), so the box is narrow
 * and an aggregator that is not robust (a plain mean) falls outside it.
 */
class ByzantineBoundProperties {

    private static final float CLIP = 1.0f;

    @Property(tries = 40)
    void below_every_clusters_bound_the_global_update_stays_inside_the_stated_box(
        @ForAll @LongRange(min = 1, max = 1_000_000) long seed,
        @ForAll Attack attack,
        @ForAll @DoubleRange(min = 0.1, max = 0.3) double byzantineShare,
        @ForAll @IntRange(min = 11, max = 30) int clusterSize,
        @ForAll @IntRange(min = 2, max = 24) int dim,
        @ForAll @IntRange(min = 1, max = 3) int clustersPerContinent,
        @ForAll @IntRange(min = 1, max = 4) int continents,
        @ForAll @DoubleRange(min = 0.01, max = 0.05) double honestSpread) {
        int f = (clusterSize - 3) / 2 / 2 + 1; // about a quarter of the cluster, and n >= 2f + 3
        SyntheticSwarm swarm = new SyntheticSwarm(new SwarmSpec(seed, dim, 0.8, honestSpread, honestSpread, byzantineShare, attack,
            Double.NaN, clusterSize, 0.0, 100.0, 0.3));
        int clusters = clustersPerContinent * continents;
        float[][] aggregates = new float[clusters][];
        double[][] low = new double[clusters][];
        double[][] high = new double[clusters][];
        for (int k = 0; k < clusters; k++) {
            float[][] rows = new float[clusterSize][dim];
            boolean[] honest = new boolean[clusterSize];
            int byzantine = 0;
            for (int i = 0; i < clusterSize; i++) {
                long leaf = (long) k * clusterSize + i;
                swarm.update(1, leaf, rows[i], 0);
                VectorKernels.clipToNorm(rows[i], 0, dim, CLIP);
                honest[i] = !swarm.isByzantine(leaf) || attack == Attack.NONE;
                byzantine += honest[i] ? 0 : 1;
            }
            Assume.that(byzantine <= f);
            UpdateBlock block = UpdateBlock.of(rows);
            aggregates[k] = MultiKrum.withDefaultM(f).aggregate(block).aggregate();
            double[][] box = clusterBox(block, honest, f);
            low[k] = box[0];
            high[k] = box[1];
        }
        float[][] continental = new float[continents][];
        for (int c = 0; c < continents; c++) {
            float[][] members = new float[clustersPerContinent][];
            System.arraycopy(aggregates, c * clustersPerContinent, members, 0, clustersPerContinent);
            continental[c] = TrimmedMean.ofBeta(0.1).aggregate(UpdateBlock.of(members)).aggregate();
        }
        float[] global = TrimmedMean.ofBeta(0.1).aggregate(UpdateBlock.of(continental)).aggregate();

        for (int j = 0; j < dim; j++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < clusters; k++) {
                lo = Math.min(lo, low[k][j]);
                hi = Math.max(hi, high[k][j]);
            }
            double slack = 1e-5 * (1 + Math.abs(lo) + Math.abs(hi)); // float rounding in the kernels
            assertTrue(global[j] >= lo - slack && global[j] <= hi + slack, "coordinate " + j + " = " + global[j]
                + " outside [" + lo + ", " + hi + "] under " + attack);
        }
    }

    /** [μ − r, μ + r] coordinate-wise for one cluster, r = R + f/(n − f)·√S from the honest rows (see the class doc). */
    private static double[][] clusterBox(UpdateBlock block, boolean[] honest, int f) {
        int n = block.rows();
        int d = block.dim();
        double[] mu = new double[d];
        int h = 0;
        for (int i = 0; i < n; i++) {
            if (honest[i]) {
                float[] row = block.row(i);
                for (int j = 0; j < d; j++) {
                    mu[j] += row[j];
                }
                h++;
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= h;
        }
        double radius = 0;
        double maxScore = 0;
        for (int i = 0; i < n; i++) {
            if (!honest[i]) {
                continue;
            }
            radius = Math.max(radius, Math.sqrt(squaredDistance(block.row(i), mu)));
            double[] toOthers = new double[n - 1];
            int o = 0;
            for (int l = 0; l < n; l++) {
                if (l != i) {
                    toOthers[o++] = squaredDistance(block.row(i), block.row(l));
                }
            }
            java.util.Arrays.sort(toOthers);
            double score = 0;
            for (int l = 0; l < n - f - 2; l++) {
                score += toOthers[l];
            }
            maxScore = Math.max(maxScore, score);
        }
        double r = radius + (double) f / (n - f) * Math.sqrt(maxScore);
        double[][] box = new double[2][d];
        for (int j = 0; j < d; j++) {
            box[0][j] = mu[j] - r;
            box[1][j] = mu[j] + r;
        }
        return box;
    }

    private static double squaredDistance(float[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double x = a[j] - b[j];
            s += x * x;
        }
        return s;
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double x = (double) a[j] - b[j];
            s += x * x;
        }
        return s;
    }
}
