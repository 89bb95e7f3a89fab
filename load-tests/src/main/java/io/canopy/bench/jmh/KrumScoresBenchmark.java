package io.canopy.bench.jmh;

import io.canopy.aggregation.AggregationResult;
import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.KrumScores;
import io.canopy.kernel.VectorKernels;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Multi-Krum's score selection at small d, where it used to cost more than the Gram matrix: the per-row
 * quickselect ({@link KrumScores#scoresByQuickselect}, what Multi-Krum ran before) against the vectorised
 * selection by counting ({@link KrumScores#scores}), over the same distances of n standard-normal updates of
 * d = 100 with f = n/4 (k = n − f − 2 neighbours). Both give the same bits.
 *
 * <p>End to end at n = 1000: {@code multiKrum} is the production rule; {@code pipelineWith*} are its steps (the
 * finiteness scan, Gram distances, scores, the stable order, the mean of the n − f kept rows) written out here
 * with the one kernel swapped, so that their ratio is the old rule against the new one. Everything runs on one
 * thread: at fleet scale a tier aggregates one cluster per core. {@code gram} is the distance step alone (the full
 * symmetric matrix, as Multi-Krum computed it before 2026-12-03), {@code gramLower} and {@code scoresFromLower} the
 * steps Multi-Krum runs now.
 *
 * <pre>
 * J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * CP="load-tests/target/classes:$(cat load-tests/target/runtime-classpath.txt)"
 * $J --add-modules jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main KrumScoresBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class KrumScoresBenchmark {

    private static final int D = 100;

    /** Distances of one block, and the scratch both score kernels reuse. */
    @State(Scope.Thread)
    public static class Distances {
        @Param({"100", "1000"})
        public int n;

        int k;
        double[] dist;
        double[] scores;
        KrumScores.Workspace workspace;

        @Setup(Level.Trial)
        public void setUp() {
            final UpdateBlock block = gaussian(n);
            k = n - n / 4 - 2;
            dist = new double[n * n];
            GramMatrix.pairwiseSquaredDistances(block.data(), n, D, dist, new GramMatrix.Workspace(1));
            scores = new double[n];
            workspace = new KrumScores.Workspace();
        }
    }

    /** One n = 1000 block and the scratch of each end-to-end variant. */
    @State(Scope.Thread)
    public static class Block {
        final int n = 1000;
        final int f = n / 4;
        UpdateBlock block;
        MultiKrum rule;
        MultiKrum.Workspace ruleWorkspace;
        GramMatrix.Workspace gram;
        KrumScores.Workspace scores;
        double[] dist;

        @Setup(Level.Trial)
        public void setUp() {
            block = gaussian(n);
            rule = MultiKrum.withDefaultM(f);
            ruleWorkspace = new MultiKrum.Workspace(1);
            gram = new GramMatrix.Workspace(1);
            scores = new KrumScores.Workspace();
            dist = new double[n * n];
        }
    }

    @Benchmark
    public double[] scoresByQuickselect(final Distances s) {
        KrumScores.scoresByQuickselect(s.dist, s.n, s.k, s.scores, s.workspace);
        return s.scores;
    }

    @Benchmark
    public double[] scoresVectorised(final Distances s) {
        KrumScores.scores(s.dist, s.n, s.k, s.scores, s.workspace);
        return s.scores;
    }

    /** The scores as Multi-Krum now takes them: from the lower triangle, which is all the Gram step writes. */
    @Benchmark
    public double[] scoresFromLower(final Distances s) {
        KrumScores.scoresFromLower(s.dist, s.n, s.k, s.scores, s.workspace);
        return s.scores;
    }

    /** The distance step as Multi-Krum now runs it: lower triangle only, written from the tiles at this d. */
    @Benchmark
    public double[] gramLower(final Block b) {
        GramMatrix.lowerSquaredDistances(b.block.data(), b.n, D, b.dist, b.gram);
        return b.dist;
    }

    @Benchmark
    public AggregationResult.KrumResult multiKrum(final Block b) {
        return b.rule.aggregate(b.block, b.ruleWorkspace);
    }

    @Benchmark
    public float[] pipelineWithQuickselectScores(final Block b) {
        return pipeline(b, false);
    }

    @Benchmark
    public float[] pipelineWithVectorisedScores(final Block b) {
        return pipeline(b, true);
    }

    @Benchmark
    public double[] gram(final Block b) {
        GramMatrix.pairwiseSquaredDistances(b.block.data(), b.n, D, b.dist, b.gram);
        return b.dist;
    }

    /** MultiKrum.aggregate's steps, one kernel swappable; allocates its results as the rule does. */
    private static float[] pipeline(final Block b, final boolean vectorised) {
        final int n = b.n;
        b.block.requireFinite();
        GramMatrix.pairwiseSquaredDistances(b.block.data(), n, D, b.dist, b.gram);
        final double[] scores = new double[n];
        if (vectorised) {
            KrumScores.scores(b.dist, n, n - b.f - 2, scores, b.scores);
        } else {
            KrumScores.scoresByQuickselect(b.dist, n, n - b.f - 2, scores, b.scores);
        }
        final int[] order = io.canopy.aggregation.IndexOrder.ascending(scores);
        final double[] acc = new double[D];
        for (int r = 0; r < n - b.f; r++) {
            VectorKernels.addIntoDouble(acc, 0, b.block.data(), order[r] * D, D);
        }
        final float[] mean = new float[D];
        VectorKernels.scaleToFloat(acc, 0, 1.0 / (n - b.f), mean, 0, D);
        return mean;
    }


    static UpdateBlock gaussian(final int n) {
        final SplittableRandom random = new SplittableRandom(7);
        final float[] x = new float[n * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return new UpdateBlock(x, n, D);
    }
}
