package io.canopy.ops.plan;

import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
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
 * the times into {@link KernelRates}. Each kernel is warmed up (the first calls of a Vector API kernel run 10-20×
 * slower, PERF-NOTES.md) and then timed five times; the median is kept. About five seconds in all.
 *
 * <p>Multi-Krum is timed whole ({@link MultiKrum#aggregate}) at two shapes and split into its two terms by
 * solving t = a·F + b·P for both, F = n(n+1)/2·d multiply-adds and P = n² pairs: (n, d) = (256, 8192), where
 * the Gram matrix dominates, and (1024, 16), where the distances and scores do. The trimmed mean runs at
 * n = 100 (a continent of 100 clusters), d = 65,536.
 */
public final class Calibration {

    private static final int REPS = 5;
    private static final long WARMUP_NS = 300_000_000L;

    private Calibration() {
    }

    /** Measures every rate; {@code swarmNsPerValue} keeps its default (it lives in tier0-leaf). */
    public static KernelRates measure(final String source) {
        final SplittableRandom rnd = new SplittableRandom(42);
        final double[] gramShape = {256, 8192};
        final double[] pairShape = {1024, 16};
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
        final int d = 65_536;
        final UpdateBlock block = new UpdateBlock(uniform(n * d, rnd), n, d);
        final TrimmedMean tm = TrimmedMean.ofBeta(0.1);
        final double perTrimmed = median(() -> tm.aggregate(block)) * 1e9 / ((double) n * d);

        final float[] x = new float[d];
        final SecureGaussianSampler sampler = new SecureGaussianSampler();
        final double perNoise = median(() -> sampler.addNoise(x, 1.0)) * 1e9 / d;

        final Map<CodecId, Double> decode = new EnumMap<>(CodecId.class);
        final float[] src = Arrays.copyOf(uniform(d, rnd), d);
        final float[] dst = new float[d];
        try (Arena arena = Arena.ofConfined()) {
            for (final CodecId c : CodecId.values()) {
                final UpdateEncoder enc = UpdateEncoder.of(c, d, 7);
                final MemorySegment seg = arena.allocate(enc.payloadLength(d), 8);
                enc.encode(src, 0, d, seg, 0);
                final int param = enc.parameter();
                decode.put(c, median(() -> Codecs.decode(c, param, seg, 0, d, dst, 0)) * 1e9 / d);
            }
        }
        return new KernelRates(perFma, perPair, perTrimmed, perNoise, KernelRates.defaults().swarmNsPerValue(), decode,
            source);
    }

    private static double krumSeconds(final int n, final int d, final SplittableRandom rnd) {
        final UpdateBlock block = new UpdateBlock(uniform(n * d, rnd), n, d);
        final MultiKrum rule = MultiKrum.withDefaultM(Math.max(0, (n - 3) / 4));
        final MultiKrum.Workspace ws = new MultiKrum.Workspace(1);
        return median(() -> rule.aggregate(block, ws));
    }

    private static float[] uniform(final int length, final SplittableRandom rnd) {
        final float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Median seconds of {@link #REPS} timed calls after a warm-up of {@link #WARMUP_NS}. */
    private static double median(final Runnable kernel) {
        final long warmEnd = System.nanoTime() + WARMUP_NS;
        do {
            kernel.run();
        } while (System.nanoTime() < warmEnd);
        final double[] t = new double[REPS];
        for (int i = 0; i < REPS; i++) {
            final long t0 = System.nanoTime();
            kernel.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[REPS / 2];
    }
}
