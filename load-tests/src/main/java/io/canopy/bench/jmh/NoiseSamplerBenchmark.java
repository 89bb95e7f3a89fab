package io.canopy.bench.jmh;

import io.canopy.privacy.noise.FastGaussianSampler;
import io.canopy.privacy.noise.SecureGaussianSampler;
import java.util.Random;
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
 * Gaussian noise for one release of dimension d = 1e6, one thread: the secure grid sampler (discrete
 * Gaussian, AES-CTR bits from SecureRandom), the fast seeded Vector API Box–Muller, and
 * {@code java.util.Random.nextGaussian} as the textbook baseline. Normals per second = d / (time per op).
 * Run: {@code java -cp ... org.openjdk.jmh.Main NoiseSamplerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class NoiseSamplerBenchmark {

    @Param({"1000000"})
    public int d;

    float[] release;
    SecureGaussianSampler secure;
    FastGaussianSampler fast;
    Random random;

    @Setup
    public void setUp() {
        release = new float[d];
        secure = new SecureGaussianSampler();
        fast = new FastGaussianSampler(1);
        random = new Random(1);
    }

    @Benchmark
    public float[] secureAddNoise() {
        secure.addNoise(release, 0.77);
        return release;
    }

    @Benchmark
    public float[] fastAddNoise() {
        fast.addNoise(release, 0.77);
        return release;
    }

    @Benchmark
    public float[] randomNextGaussian() {
        final float[] x = release;
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) (0.77 * random.nextGaussian());
        }
        return x;
    }
}
