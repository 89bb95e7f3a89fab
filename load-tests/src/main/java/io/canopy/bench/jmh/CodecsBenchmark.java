package io.canopy.bench.jmh;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.ScalarCodecs;
import io.canopy.codec.Segments;
import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameType;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.RejectReason;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each codec's encode and decode at d = 1e6 into an off-heap buffer, a whole frame's encode and
 * validate+decode (CRC32C included), and the int8 and bf16 encoders' scalar references beside
 * their Vector API versions. Run: {@code java -cp ... org.openjdk.jmh.Main CodecsBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED"})
public class CodecsBenchmark {

    @Param({"1000000"})
    public int d;

    @Param({"fp32", "fp16", "bf16", "int8", "topk"})
    public String codec;

    float[] x;
    float[] y;
    UpdateEncoder encoder;
    Arena arena;
    long payload;
    UnsafeBuffer frame;
    FrameEncoder frameEncoder;
    FrameValidator validator;
    int frameLength;
    short[] bf16;
    float[] scales;
    byte[] q;

    @Setup(Level.Trial)
    public void setUp() {
        final SplittableRandom rnd = new SplittableRandom(1);
        x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) (1e-3 * rnd.nextGaussian());
        }
        y = new float[d];
        encoder = UpdateEncoder.of(CodecId.fromLabel(codec), d, 5);
        arena = Arena.ofShared();
        payload = arena.allocate(encoder.payloadLength(d), 64).address();
        frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            (int) (FrameLayout.HEADER_LENGTH + encoder.payloadLength(d) + 64), 64));
        frameEncoder = new FrameEncoder().wrap(frame, 0).type(FrameType.GRADIENT).roundId(1).senderId(2).groupId(3)
            .inputCount(1);
        frameLength = frameEncoder.encode(encoder, x, 0, d);
        validator = new FrameValidator(FrameLimits.of(FrameType.GRADIENT, 1, 3, d));
        encoder.encode(x, 0, d, Segments.NATIVE, payload);
        bf16 = new short[d];
        scales = new float[Codecs.int8Blocks(d, Codecs.INT8_DEFAULT_BLOCK)];
        q = new byte[d];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void encode() {
        encoder.encode(x, 0, d, Segments.NATIVE, payload);
    }

    @Benchmark
    public int decode() {
        return Codecs.decode(encoder.codec(), encoder.parameter(), Segments.NATIVE, payload, d, y, 0);
    }

    @Benchmark
    public int frameEncode() {
        return frameEncoder.encode(encoder, x, 0, d);
    }

    @Benchmark
    public RejectReason frameValidateAndDecode() {
        // top-k frames are re-encoded by frameEncode with a changing residual; validate the last one.
        return validator.validate(frame, 0, frameLength, y, 0);
    }

    @Benchmark
    public void scalarReferenceEncode() {
        switch (encoder.codec()) {
            case BF16 -> ScalarCodecs.bf16Encode(x, bf16);
            case INT8 -> ScalarCodecs.int8Encode(x, Codecs.INT8_DEFAULT_BLOCK, 5, scales, q);
            default -> {
                // Only bf16 and int8 have hand-written vector encoders with scalar twins.
            }
        }
    }
}
