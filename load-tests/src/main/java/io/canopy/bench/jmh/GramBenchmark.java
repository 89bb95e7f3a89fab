package io.canopy.bench.jmh;

import io.canopy.kernel.Ceilings;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.ScalarKernels;
import io.canopy.kernel.VectorKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pairwise squared distances for Multi-Krum: the blocked centred Gram ({@link GramMatrix}) against a per-pair
 * Vector API loop and the scalar double reference, plus the register-resident FMA ceiling they are judged
 * against. GFLOP/s = {@link GramMatrix#flops}(n, d) / time; the ceiling method counts 2 FLOP per lane per FMA.
 *
 * <pre>
 * mvn -q -B -DskipTests package
 * $JAVA_HOME/bin/java --add-modules jdk.incubator.vector \
 *   -cp "load-tests/target/classes:$(cat load-tests/target/runtime-classpath.txt)" \
 *   org.openjdk.jmh.Main GramBenchmark -f 1 -wi 2 -i 3
 * </pre>
 * One call at the large shapes takes about a second (blocked) to tens of seconds (per pair), so iterations are
 * single calls; keep the iteration counts small.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g"})
public class GramBenchmark {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Independent FMA chains: more than latency × FMA ports, fewer than the vector registers. */
    private static final int CHAINS = 10;
    private static final int FMA_ITERATIONS = 10_000_000;

    /** A block of n updates of dimension d; subclasses give the shapes, written "n x d". */
    abstract static class Shaped {
        int n;
        int d;
        float[] x;
        double[] out;

        abstract String shape();

        @Setup(Level.Trial)
        public void setUp() {
            final String[] nd = shape().split("x");
            n = Integer.parseInt(nd[0]);
            d = Integer.parseInt(nd[1]);
            x = randomBlock(n, d);
            out = new double[n * n];
        }
    }

    @State(Scope.Benchmark)
    public static class Block extends Shaped {
        @Param({"1000x100000", "100x1000000", "64x4096"})
        public String shape;

        @Override
        String shape() {
            return shape;
        }
    }

    /**
     * The scalar reference is O(n²d) one double at a time (~2 GFLOP/s here): at 1000×100000 it would take about
     * a minute per call, so it runs on the small shape only; compare it with {@code blocked} and
     * {@code perPairVector} at the same shape.
     */
    @State(Scope.Benchmark)
    public static class SmallBlock extends Shaped {
        @Param({"64x4096"})
        public String shape;

        @Override
        String shape() {
            return shape;
        }
    }

    static float[] randomBlock(final int n, final int d) {
        final SplittableRandom rnd = new SplittableRandom(7);
        final float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return x;
    }

    /** Blocked, centred, both cores. */
    @Benchmark
    public double[] blocked(final Block b) {
        GramMatrix.pairwiseSquaredDistances(b.x, b.n, b.d, b.out);
        return b.out;
    }

    /** The straightforward loop: one Vector API squared distance per pair of rows, one thread, lower triangle. */
    @Benchmark
    public double[] perPairVector(final Block b) {
        perPair(b.x, b.n, b.d, b.out);
        return b.out;
    }

    /** Scalar double reference (centred Gram only, no distances): small shape only, see {@link SmallBlock}. */
    @Benchmark
    public double[] scalarReferenceSmall(final SmallBlock b) {
        ScalarKernels.gram(b.x, b.n, b.d, true, b.out);
        return b.out;
    }

    /**
     * The FMA ceiling: CHAINS independent register-resident FMA chains per thread, two threads. Time per
     * operation is one thread's {@value #FMA_ITERATIONS}·{@value #CHAINS} vector FMAs; both threads run at once,
     * so GFLOP/s (all threads) = 2 · FMA_ITERATIONS · CHAINS · lanes · 2 / time.
     */
    @Benchmark
    @Threads(2)
    public float fmaCeilingTwoThreads() {
        return Ceilings.fmaLoop(FMA_ITERATIONS);
    }

    @Benchmark
    public float fmaCeilingOneThread() {
        return Ceilings.fmaLoop(FMA_ITERATIONS);
    }

    static void perPair(final float[] x, final int n, final int d, final double[] out) {
        for (int i = 0; i < n; i++) {
            out[i * n + i] = 0.0;
            for (int j = 0; j < i; j++) {
                final double v = VectorKernels.squaredDistance(x, i * d, x, j * d, d);
                out[i * n + j] = v;
                out[j * n + i] = v;
            }
        }
    }
}
