package io.canopy.ops.release;

import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.kernel.VectorKernels;
import io.canopy.privacy.noise.GaussianMechanism;
import io.canopy.privacy.noise.TierNoise;
import io.canopy.privacy.release.ClusterPasses;
import io.canopy.privacy.release.FixedDenominatorMean;
import io.canopy.privacy.release.MultiKrumRelease;
import io.canopy.privacy.release.ReleasePasses;
import io.canopy.privacy.release.ReleaseRule;
import io.canopy.privacy.release.TreeScale;
import io.canopy.privacy.release.TwoPassRelease;
import io.canopy.privacy.release.UpperTiers;
import java.util.ArrayList;
import java.util.List;

/**
 * One round of a release rule over a {@link ReleaseInput}, through dp-noise's kernels: every pass's claimed Δ, z
 * and σ, its noise-free aggregate and its release, W and W̃, and the published update.
 */
final class ReleaseRun {

    /** One Gaussian release: its noise-free vector and the released one (equal with noise off). */
    record PassResult(ReleasePasses.Pass pass, float[] noiseFree, float[] released) {
    }

    /**
     * @param w         the noise-free count of leaves inside the gate (-1 unless gated)
     * @param wNoisy    W̃ (NaN unless gated)
     * @param published whether the round publishes
     * @param scale     m_tot/max(W̃, W_min) for gated, 1 otherwise
     * @param update    the published update (null when not published)
     */
    record Result(ReleaseRule rule, double lambda, double plannedTotal, int[] trims, List<PassResult> passes,
                  boolean centreHeld, long w, double wNoisy, double countSigma, double minCount, boolean published,
                  double scale, float[] update, String sampler) {
    }

    private final ReleaseInput in;
    private final boolean noise;
    private final int d;
    private final int[] trims;
    private final double lambda;
    private final double plannedTotal;

    ReleaseRun(final ReleaseInput in, final boolean noise) {
        this.in = in;
        this.noise = noise;
        this.d = in.d();
        final int m = in.continents().size();
        this.trims = new int[m];
        final double[] planned = new double[in.clusters()];
        final int[] continentOf = new int[in.clusters()];
        int c = 0;
        for (int j = 0; j < m; j++) {
            trims[j] = TrimmedMean.trimCount(in.beta2(), in.continents().get(j).length);
            for (int i = 0; i < in.continents().get(j).length; i++, c++) {
                planned[c] = in.plannedPerCluster();
                continentOf[c] = j;
            }
        }
        this.lambda = TreeScale.lambda(planned, continentOf, trims);
        this.plannedTotal = in.plannedPerCluster() * in.clusters();
    }

    Result run(final ReleaseRule rule) {
        return switch (rule) {
            case GATED -> gated();
            case MULTIKRUM -> multiKrum();
            case FIXED -> fixed();
        };
    }

    private Result gated() {
        // lambda is the general tree's (K may differ per continent), so the passes are built from it directly.
        final ReleasePasses two = ReleasePasses.twoPass(in.z(), in.centreShare(),
            TwoPassRelease.centreSensitivity(in.clip(), lambda), TwoPassRelease.updateSensitivity(in.tau(), lambda,
                in.countScale()));
        final double[] acc = new double[d];
        final float[] a1 = tree((block, rows, out) -> ClusterPasses.centre(block, rows, d, in.v0(), in.clip(),
            in.plannedPerCluster(), acc, out), acc);
        final float[] v1Released = a1.clone();
        final String sampler = addNoise(v1Released, two.passes().get(0), 1);
        final boolean held = in.v1() != null;
        final float[] v1 = held ? in.v1() : v1Released;
        final long[] w = {0};
        final float[] a2 = tree((block, rows, out) -> w[0] += ClusterPasses.gated(block, rows, d, v1, in.rho(), in.tau(),
            in.plannedPerCluster(), acc, out), acc);
        final float[] a2c = java.util.Arrays.copyOf(a2, d + 1);
        final double unit = in.countScale() * in.tau() * lambda;
        a2c[d] = (float) (w[0] * unit);
        final float[] a2Released = a2c.clone();
        addNoise(a2Released, two.passes().get(1), 2);
        // With noise off the release is the aggregate itself: W~ = W exactly, not W through a float coordinate.
        final double wNoisy = noise ? a2Released[d] / unit : w[0];
        final double minCount = in.minCountFraction() * plannedTotal;
        final boolean published = wNoisy >= minCount;
        final double scale = plannedTotal / Math.max(wNoisy, minCount);
        float[] update = null;
        if (published) {
            update = new float[d];
            for (int j = 0; j < d; j++) {
                update[j] = (float) (v1[j] + ((double) a2Released[j] - v1[j]) * scale);
            }
        }
        return new Result(ReleaseRule.GATED, lambda, plannedTotal, trims,
            List.of(new PassResult(two.passes().get(0), a1, v1Released), new PassResult(two.passes().get(1), a2c, a2Released)), held,
            w[0], wNoisy, two.passes().get(1).sigma() / unit, minCount, published, scale, update, sampler);
    }

    private Result multiKrum() {
        final double[] acc = new double[d];
        final MultiKrum rule = MultiKrum.withDefaultM(in.multiKrumF());
        final float[] a = tree((block, rows, out) -> {
            java.util.Arrays.fill(out, 0, d, 0f);
            if (rows > 2 * in.multiKrumF() + 2) {
                final float[] clipped = java.util.Arrays.copyOf(block, rows * d);
                for (int i = 0; i < rows; i++) {
                    VectorKernels.clipToNorm(clipped, i * d, d, (float) (in.clip() * 0.99999));
                }
                System.arraycopy(rule.aggregate(new UpdateBlock(clipped, rows, d)).aggregate(), 0, out, 0, d);
            }
        }, acc);
        // 2C times the tree's factor above the cluster: lambda * m_c = max_j 1/((K_j - 2k_j) M).
        final ReleasePasses.Pass pass = ReleasePasses.onePass("mean", in.z(),
            MultiKrumRelease.clusterSensitivity(in.clip()) * lambda * in.plannedPerCluster()).passes().get(0);
        final float[] released = a.clone();
        final String sampler = addNoise(released, pass, 1);
        return new Result(ReleaseRule.MULTIKRUM, lambda, plannedTotal, trims, List.of(new PassResult(pass, a, released)),
            false, -1, Double.NaN, Double.NaN, Double.NaN, true, 1, released, sampler);
    }

    private Result fixed() {
        final double[] acc = new double[d];
        for (final float[] block : in.blocks().values()) {
            FixedDenominatorMean.accumulate(block, block.length / d, d, in.clip(), acc);
        }
        final float[] a = new float[d];
        FixedDenominatorMean.finish(acc, d, plannedTotal, a);
        final ReleasePasses.Pass pass = ReleasePasses.onePass("mean", in.z(),
            FixedDenominatorMean.sensitivity(in.clip(), plannedTotal)).passes().get(0);
        final float[] released = a.clone();
        final String sampler = addNoise(released, pass, 1);
        return new Result(ReleaseRule.FIXED, 1 / plannedTotal, plannedTotal, new int[0],
            List.of(new PassResult(pass, a, released)), false, -1, Double.NaN, Double.NaN, Double.NaN, true, 1, released,
            sampler);
    }

    /** Clusters, then each continent's trimmed mean over exactly its mapped clusters, then the mean over M. */
    private float[] tree(final UpperTiers.ClusterStep step, final double[] acc) {
        return UpperTiers.tree(in.continents().toArray(int[][]::new), id -> in.blocks().get(id), d, trims, step, acc);
    }

    /** Adds the pass's noise unless noise is off; returns the sampler's name ("off" when none). */
    private String addNoise(final float[] release, final ReleasePasses.Pass pass, final int passIndex) {
        if (!noise) {
            return "off";
        }
        final GaussianMechanism g = TierNoise.forRelease(in.seed() == null, pass.z(), pass.sensitivity(), release.length,
            in.seed() == null ? 0 : in.seed(), 0, passIndex, 0);
        g.apply(release);
        return g.samplerName();
    }

    static List<String> names(final List<PassResult> passes) {
        final List<String> out = new ArrayList<>();
        passes.forEach(p -> out.add(p.pass().name()));
        return out;
    }
}
