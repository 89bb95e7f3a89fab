package io.canopy.ops.plan;

import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.codec.CodecId;
import io.canopy.codec.Bf16Codec;
import io.canopy.codec.Fp16Codec;
import io.canopy.codec.Fp32Codec;
import io.canopy.codec.Int8Codec;
import io.canopy.codec.TopKCodec;
import io.canopy.codec.UpdateEncoder;
import io.canopy.privacy.noise.SecureGaussianSampler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times the real kernels of a round on this machine, one thread each (tiers run one block per core), and turns
 * the times into {@link KernelRates}. Each kernel is timed in batches until two batch medians
 * agree (see {@link #median}); about 15 s in all on two busy cores.
 *
 * <p>Multi-Krum is timed whole ({@link MultiKrum#aggregate}) at two shapes and split into its two terms by
 * solving t = a·F + b·P for both, F = n(n+1)/2·d multiply-adds and P = n² pairs: (n, d) = (256, 8192), where
 * the Gram matrix dominates, and (512, 16), where the distances and scores do. The trimmed mean runs at
 * n = 100 (a continent of 100 clusters), d = 16,384; the noise sampler at d = 16,384; the decoders at d = 65,536.
 */
public final class Calibration {

    private static final int REPS = 5;
    private static final long BATCH_NS = 60_000_000L;
    private static final long MAX_NS = 4_000_000_000L;
    private static final int MIN_CALLS = 120;

    private Calibration() {
    }

    /** Measures every rate but the swarm's and the per-frame cost, which keep their defaults (see KernelRates). */
    public static KernelRates measure(final String source) {
        final SplittableRandom rnd = new SplittableRandom(42);
        final int d = 65_536;
        // Decoders first: later kernels' Vector API calls can leave shared library code compiled for other shapes.
        final Map<CodecId, Double> decode = new EnumMap<>(CodecId.class);
        try (Arena arena = Arena.ofConfined()) {
            for (final CodecId c : CodecId.values()) {
                decode.put(c, median(decode(c, d, arena, rnd)) * 1e9 / d);
            }
        }
        final double[] gramShape = {256, 8192};
        final double[] pairShape = {512, 16};
        final double tGram = krumSeconds((int) gramShape[0], (int) gramShape[1], rnd) * 1e9;
        final double tPair = krumSeconds((int) pairShape[0], (int) pairShape[1], rnd) * 1e9;
        final double f1 = gramShape[0] * (gramShape[0] + 1) / 2 * gramShape[1];
        final double p1 = gramShape[0] * gramShape[0];
        final double f2 = pairShape[0] * (pairShape[0] + 1) / 2 * pairShape[1];
        final double p2 = pairShape[0] * pairShape[0];
        // Cramer's rule on [f1 p1; f2 p2]·[a b] = [tGram tPair]; a floor keeps a noisy split positive.
        final double det = f1 * p2 - f2 * p1;
        final double perFma = Math.max(1e-4, (tGram * p2 - tPair * p1) / det);
        final double perPair = Math.max(1e-2, (f1 * tPair - f2 * tGram) / det);

        final int n = 100;
        final int dm = 16_384;
        final TrimmedMean tm = TrimmedMean.ofBeta(0.1);
        final UpdateBlock block = new UpdateBlock(uniform(n * dm, rnd), n, dm);
        final double perTrimmed = median(() -> tm.aggregate(block)) * 1e9 / ((double) n * dm);

        final float[] x = new float[dm];
        final SecureGaussianSampler sampler = new SecureGaussianSampler();
        final double perNoise = median(() -> sampler.addNoise(x, 1.0)) * 1e9 / dm;

        final KernelRates d0 = KernelRates.defaults();
        return new KernelRates(perFma, perPair, perTrimmed, perNoise, d0.swarmNsPerValue(), d0.frameNsPerUpdate(), decode,
            source);
    }

    private static double krumSeconds(final int n, final int d, final SplittableRandom rnd) {
        return median(krum(n, d, rnd));
    }

    private static Runnable krum(final int n, final int d, final SplittableRandom rnd) {
        final UpdateBlock block = new UpdateBlock(uniform(n * d, rnd), n, d);
        final MultiKrum rule = MultiKrum.withDefaultM(Math.max(0, (n - 3) / 4));
        final MultiKrum.Workspace ws = new MultiKrum.Workspace(1);
        return () -> rule.aggregate(block, ws);
    }

    /** Encodes d values with the codec's default parameter and returns a decode of them into a row. */
    private static Runnable decode(final CodecId c, final int d, final Arena arena, final SplittableRandom rnd) {
        final UpdateEncoder enc = UpdateEncoder.of(c, d, 7);
        final MemorySegment seg = arena.allocate(enc.payloadLength(d), 8);
        enc.encode(uniform(d, rnd), 0, d, seg, 0);
        final int param = enc.parameter();
        final float[] dst = new float[d];
        // One call site per codec: each kernel is timed once the JIT has compiled it (timing a Vector API kernel
        // before C2 has, as an earlier version did, gave 150-450 ns a value; see CodecDispatchBenchmark).
        return switch (c) {
            case FP32 -> () -> Fp32Codec.decode(seg, 0, d, dst, 0);
            case FP16 -> () -> Fp16Codec.decode(seg, 0, d, dst, 0);
            case BF16 -> () -> Bf16Codec.decode(seg, 0, d, dst, 0);
            case INT8 -> () -> Int8Codec.decode(seg, 0, d, param, dst, 0);
            case TOPK -> () -> TopKCodec.decode(seg, 0, d, param, dst, 0);
        };
    }

    private static float[] uniform(final int length, final SplittableRandom rnd) {
        final float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /**
     * The median seconds of one call once the JIT has settled: calls run in batches of at least {@link #BATCH_NS}
     * and {@link #REPS} calls; after at least {@link #MIN_CALLS} calls, once two batches in a row agree within 10%
     * (or after {@link #MAX_NS}), the fastest batch median is kept. Interpreted, a Vector API kernel runs hundreds
     * of times slower and two slow batches agree too, so agreement alone is not enough: C2 needs about a hundred
     * calls of a decoder before it compiles it.
     */
    private static double median(final Runnable kernel) {
        final long giveUp = System.nanoTime() + MAX_NS;
        final long[] calls = new long[1];
        double previous = batchMedian(kernel, calls);
        double best = previous;
        while (true) {
            final double m = batchMedian(kernel, calls);
            best = Math.min(best, m);
            if (calls[0] >= MIN_CALLS && Math.abs(m - previous) <= 0.1 * previous || System.nanoTime() > giveUp) {
                return best;
            }
            previous = m;
        }
    }

    private static double batchMedian(final Runnable kernel, final long[] calls) {
        double[] t = new double[16];
        int count = 0;
        final long end = System.nanoTime() + BATCH_NS;
        while (count < REPS || System.nanoTime() < end) {
            final long t0 = System.nanoTime();
            kernel.run();
            if (count == t.length) {
                t = Arrays.copyOf(t, 2 * count);
            }
            t[count++] = (System.nanoTime() - t0) / 1e9;
        }
        calls[0] += count;
        Arrays.sort(t, 0, count);
        return t[count / 2];
    }
}
