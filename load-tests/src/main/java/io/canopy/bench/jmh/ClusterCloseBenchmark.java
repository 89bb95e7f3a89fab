package io.canopy.bench.jmh;

import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.privacy.release.CentreSum;
import io.canopy.privacy.release.ClusterPasses;

import java.util.Arrays;
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
 * A cluster's work once its deadline has passed, under the gated release, one cluster on one thread (issue 17's
 * overlap with arrival): n = 100 accepted updates (q = 0.1 of a 1,000-leaf cluster) of dimension d.
 * <ul>
 *   <li>{@code passOneOverTheBlock}: pass 1 as the cluster ran it after its deadline before 2026-12-03
 *       ({@link ClusterPasses#centre}, one pass over the block);</li>
 *   <li>{@code passOneFinish}: what is left of it now that its sums are taken as updates arrive
 *       ({@link CentreSum#finish}, one division over d);</li>
 *   <li>{@code keepForPassTwo}: the copy of the accepted rows kept for pass 2 (both then and now);</li>
 *   <li>{@code multiKrum}: the detector, in the clusters the detector sample picks.</li>
 * </ul>
 * A cluster's post-deadline work was passOneOverTheBlock + keepForPassTwo + s·multiKrum at detector share s, and is
 * now passOneFinish + keepForPassTwo + s·multiKrum; the pass-1 sums moved to the ingest thread, one row per update
 * as it arrives.
 *
 * <pre>
 * J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * CP="load-tests/target/classes:$(cat load-tests/target/runtime-classpath.txt)"
 * $J --add-modules jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main ClusterCloseBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class ClusterCloseBenchmark {

    private static final int N = 100;

    /** One cluster's closed block and the scratch each step reuses. */
    @State(Scope.Thread)
    public static class Cluster {
        @Param({"100", "10000", "100000"})
        public int d;

        float[] rows;
        float[] v0;
        double[] acc;
        float[] out;
        CentreSum arrived;
        UpdateBlock block;
        MultiKrum.Workspace workspace;
        final MultiKrum krum = MultiKrum.withDefaultM(N / 4);

        @Setup(Level.Trial)
        public void setUp() {
            final SplittableRandom rnd = new SplittableRandom(17);
            rows = new float[N * d];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) (rnd.nextGaussian() / Math.sqrt(d));
            }
            v0 = new float[d];
            acc = new double[d];
            out = new float[d];
            arrived = new CentreSum();
            arrived.reset(1, v0, d, 1.0);
            for (int i = 0; i < N; i++) {
                arrived.add(rows, i * d); // as the ingest thread did while the updates arrived
            }
            block = new UpdateBlock(rows, N, d);
            workspace = new MultiKrum.Workspace(1);
        }
    }

    @Benchmark
    public float[] passOneOverTheBlock(final Cluster c) {
        ClusterPasses.centre(c.rows, N, c.d, c.v0, 1.0, 1000, c.acc, c.out);
        return c.out;
    }

    @Benchmark
    public float[] passOneFinish(final Cluster c) {
        c.arrived.finish(1000, c.out);
        return c.out;
    }

    @Benchmark
    public float[] keepForPassTwo(final Cluster c) {
        return Arrays.copyOf(c.rows, N * c.d);
    }

    @Benchmark
    public Object multiKrum(final Cluster c) {
        return c.krum.aggregate(c.block, c.workspace);
    }
}
