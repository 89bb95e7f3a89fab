package io.canopy.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the frame-authentication benchmarks share ({@link SignatureBenchmark}, a leaf's signature;
 * {@link LinkSignatureBenchmark}, an aggregate's between tiers): their JMH settings (inherited: JMH's annotations are
 * {@code @Inherited}), the fp32 update every frame carries and the buffers frames are written into. Signatures cost
 * hundreds of microseconds, so two warm-up and three measured one-second iterations settle them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED"})
public abstract class FrameAuthenticationBenchmark {

    /** The update the frames carry: {@code d} standard normals from seed 7. */
    static float[] update(int d) {
        float[] x = new float[d];
        SplittableRandom random = new SplittableRandom(7);
        for (int j = 0; j < d; j++) {
            x[j] = (float) random.nextGaussian();
        }
        return x;
    }

    /** An off-heap buffer of {@code capacity} bytes, 64-byte aligned as a publication's term buffer is. */
    static UnsafeBuffer frameBuffer(int capacity) {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
    }
}
