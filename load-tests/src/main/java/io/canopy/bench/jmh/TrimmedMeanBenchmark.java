package io.canopy.bench.jmh;

import io.canopy.aggregation.CoordinateMedian;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.aggregation.reference.ReferenceMedian;
import io.canopy.aggregation.reference.ReferenceTrimmedMean;
import io.canopy.kernel.CoordinateSelection;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Coordinate-wise trimmed mean and median (Yin et al. 2018) of an n×d block of standard-normal floats,
 * the shape of a continental aggregator's input: ours against the per-column {@code Arrays.sort}
 * references. The NumPy peer for the same job is {@code numpy_aggregators.py trimmed-mean 100 1000000}
 * ({@code np.partition} along axis 0).
 *
 * <p>{@code *Kernel} times {@link CoordinateSelection} alone into a preallocated output; {@code *Rule}
 * the whole {@link io.canopy.aggregation.AggregationRule}, which also scans the block for non-finite
 * values and allocates the output. Sample mode, so that JMH reports the median (p0.50) as well as the
 * mean: another job on the same 2-core machine shows up as outliers. Run:
 * {@code java --add-modules jdk.incubator.vector -cp ... org.openjdk.jmh.Main TrimmedMeanBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class TrimmedMeanBenchmark {

    @Param("100")
    int n;

    @Param("1000000")
    int d;

    @Param("0.1")
    double beta;

    private UpdateBlock block;
    private int k;
    private float[] out;
    private TrimmedMean trimmedMean;
    private CoordinateMedian median;

    @Setup(Level.Trial)
    public void setUp() {
        final SplittableRandom random = new SplittableRandom(7);
        final float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        block = new UpdateBlock(data, n, d);
        k = TrimmedMean.trimCount(beta, n);
        out = new float[d];
        trimmedMean = TrimmedMean.ofBeta(beta);
        median = new CoordinateMedian();
    }

    @Benchmark
    public float[] trimmedMeanKernel() {
        CoordinateSelection.trimmedMean(block.data(), n, d, k, out);
        return out;
    }

    @Benchmark
    public Object trimmedMeanRule() {
        return trimmedMean.aggregate(block);
    }

    @Benchmark
    public float[] trimmedMeanScalarPath() {
        CoordinateSelection.trimmedMeanScalar(block.data(), n, d, k, out);
        return out;
    }

    @Benchmark
    public float[] trimmedMeanReference() {
        return ReferenceTrimmedMean.aggregate(block, k);
    }

    @Benchmark
    public float[] medianKernel() {
        CoordinateSelection.median(block.data(), n, d, out);
        return out;
    }

    @Benchmark
    public Object medianRule() {
        return median.aggregate(block);
    }

    @Benchmark
    public float[] medianReference() {
        return ReferenceMedian.aggregate(block);
    }
}
