package io.canopy.bench.jmh;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.Segments;
import io.canopy.codec.UpdateEncoder;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does the shared {@link Codecs#decode} switch slow a decoder down once other codecs have gone through it?
 * Each fork is a fresh JVM; with {@code polluted} every other codec is first decoded through the switch
 * ({@link #POLLUTION_CALLS} calls each) before the measured one is ever called, so the switch has been compiled
 * by C2 for the others only and their vector classes are loaded: the measured codec's first calls trap out of
 * that code, as on a tier whose first frames of a codec arrive after other codecs'.
 *
 * <p>{@code decode} is the steady state, ns per value. {@code decodeCold} is one fresh JVM's first
 * {@link #COLD_CALLS} calls of the codec (no warm-up), ns per value over the batch: Vector API kernels run
 * 100–1000× slower in the interpreter and in C1 than in C2, fp16 longest, and a timer started too early
 * measures that (the "fp16 at 150–450 ns a value" figures). Compare polluted and clean within one run only.
 *
 * <p>On the 2-core Zen 4 machines (JDK 25) polluted and clean steady states agree within noise for every codec,
 * and cold polluted runs are faster than cold clean ones (the shared Vector API code is already compiled): the
 * switch costs nothing once compiled. When C2 recompiles it for a new codec it inlines the hot branch and calls
 * the others' separately compiled, intrinsified kernels ({@code -XX:+PrintInlining}: "already compiled into a
 * medium method").
 *
 * <p>Run: {@code java -cp ... org.openjdk.jmh.Main CodecDispatchBenchmark}.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CodecDispatchBenchmark {

    /** Values per decode: payload and output (≤ 384 KiB) stay in L2, so the kernel, not memory, is timed. */
    public static final int D = 65_536;
    /** Calls per codec while polluting: enough for C2 to compile each decoder and the switch (≥ 5000 calls). */
    public static final int POLLUTION_CALLS = 3_000;
    /** Calls timed by {@link #decodeCold}: about what a 300 ms warm-up plus five timed calls gets through. */
    public static final int COLD_CALLS = 10;

    @Param({"fp32", "fp16", "bf16", "int8", "topk"})
    public String codec;

    @Param({"false", "true"})
    public boolean polluted;

    private final float[] y = new float[D];
    private Arena arena;
    private CodecId[] codecs;
    private int[] parameters;
    private long[] payloads;
    private int target;

    @Setup(Level.Trial)
    public void setUp() {
        final SplittableRandom rnd = new SplittableRandom(1);
        final float[] x = new float[D];
        for (int i = 0; i < D; i++) {
            x[i] = (float) (1e-3 * rnd.nextGaussian());
        }
        arena = Arena.ofShared();
        codecs = CodecId.values();
        parameters = new int[codecs.length];
        payloads = new long[codecs.length];
        for (int c = 0; c < codecs.length; c++) {
            final UpdateEncoder encoder = UpdateEncoder.of(codecs[c], D, 5);
            parameters[c] = encoder.parameter();
            payloads[c] = arena.allocate(encoder.payloadLength(D), 64).address();
            encoder.encode(x, 0, D, Segments.NATIVE, payloads[c]);
            if (codecs[c] == CodecId.fromLabel(codec)) {
                target = c;
            }
        }
        if (polluted) {
            for (int c = 0; c < codecs.length; c++) {
                if (c != target) {
                    pollute(c);
                }
            }
        }
    }

    private void pollute(final int c) {
        for (int i = 0; i < POLLUTION_CALLS; i++) {
            if (decode(c) != Codecs.OK) {
                throw new IllegalStateException("codec=" + codecs[c] + " did not decode its own payload");
            }
        }
    }

    private int decode(final int c) {
        return Codecs.decode(codecs[c], parameters[c], Segments.NATIVE, payloads[c], D, y, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @OperationsPerInvocation(D)
    public int decode() {
        return decode(target);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1, batchSize = 1)
    @Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
    @OperationsPerInvocation(COLD_CALLS * D)
    public int decodeCold() {
        int status = 0;
        for (int i = 0; i < COLD_CALLS; i++) {
            status |= decode(target);
        }
        return status;
    }
}
