package io.canopy.bench.jmh;

import io.canopy.kernel.ScalarKernels;
import io.canopy.kernel.VectorKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each Vector API kernel against its scalar reference at d = 1e6.
 *
 * <p>C2 auto-vectorizes the scalar element-wise loops (axpy, scale, addInto) but not float
 * reductions, so those scalar references are not really scalar. {@link ScalarNoSuperWord} reruns
 * the same references in a fork with {@code -XX:-UseSuperWord}: the one-element-at-a-time baseline.
 * Run: {@code java -cp ... org.openjdk.jmh.Main KernelsBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelsBenchmark {

    @Param({"1000000"})
    public int d;

    float[] a;
    float[] b;
    float[] y;
    double[] acc;

    @Setup
    public void setUp() {
        final SplittableRandom rnd = new SplittableRandom(1);
        a = new float[d];
        b = new float[d];
        for (int i = 0; i < d; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        y = b.clone();
        acc = new double[d];
    }

    @Benchmark
    public float dotVector() {
        return VectorKernels.dot(a, 0, b, 0, d);
    }

    @Benchmark
    public float dotScalar() {
        return ScalarKernels.dot(a, 0, b, 0, d);
    }

    @Benchmark
    public float squaredDistanceVector() {
        return VectorKernels.squaredDistance(a, 0, b, 0, d);
    }

    @Benchmark
    public float squaredDistanceScalar() {
        return ScalarKernels.squaredDistance(a, 0, b, 0, d);
    }

    @Benchmark
    public float normVector() {
        return VectorKernels.norm(a, 0, d);
    }

    @Benchmark
    public float normScalar() {
        return ScalarKernels.norm(a, 0, d);
    }

    @Benchmark
    public float[] axpyVector() {
        VectorKernels.axpy(1e-9f, a, 0, y, 0, d);
        return y;
    }

    @Benchmark
    public float[] axpyScalar() {
        ScalarKernels.axpy(1e-9f, a, 0, y, 0, d);
        return y;
    }

    @Benchmark
    public float[] scaleVector() {
        VectorKernels.scale(1.0000001f, y, 0, d);
        return y;
    }

    @Benchmark
    public float[] scaleScalar() {
        ScalarKernels.scale(1.0000001f, y, 0, d);
        return y;
    }

    @Benchmark
    public float[] addIntoVector() {
        VectorKernels.addInto(y, 0, a, 0, d);
        return y;
    }

    @Benchmark
    public float[] addIntoScalar() {
        ScalarKernels.addInto(y, 0, a, 0, d);
        return y;
    }

    @Benchmark
    public float clipToNormVector() {
        return VectorKernels.clipToNorm(y, 0, d, Float.MAX_VALUE);
    }

    @Benchmark
    public float clipToNormScalar() {
        return ScalarKernels.clipToNorm(y, 0, d, Float.MAX_VALUE);
    }

    /** The scalar references with the JIT's auto-vectorization off: one element per instruction. */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:-UseSuperWord"})
    public static class ScalarNoSuperWord extends KernelsBenchmark {
    }
}
