package io.canopy.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's own ceilings, measured in the same process as the kernels they judge: FMA
 * throughput on register-resident data (one and all threads) and streaming read bandwidth from
 * main memory (one and all threads).
 */
public final class Ceilings {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Independent FMA chains: enough to cover FMA latency × ports (4 cycles × 2 on Zen 4). */
    private static final int CHAINS = 12;
    private static final long FMA_ITERATIONS = 20_000_000L;
    private static final int STREAM_FLOATS = 64 << 20; // 256 MiB: well past any last-level cache here

    /** Measured ceilings: GFLOP/s and GB/s. */
    public record Figures(double fma1, double fmaAll, double stream1, double streamAll, int threads) {
    }

    private static volatile float sink;

    private Ceilings() {
    }

    public static Figures measure(final int runs) {
        return measure(runs, FMA_ITERATIONS, STREAM_FLOATS);
    }

    /**
     * As {@link #measure(int)} with smaller work per run: {@code fmaIterations} per FMA loop and a read stream of
     * {@code streamFloats} floats (keep it past the last-level cache), for callers that can spare a second, not ten.
     */
    public static Figures measure(final int runs, final long fmaIterations, final int streamFloats) {
        final int tries = Math.max(runs, 7);
        final int threads = Parallel.threads();
        final double flopsPerRun = fmaLoopFlops(fmaIterations);
        final Timing.Samples f1 = Timing.measure(2, tries, () -> sink += fmaLoop(fmaIterations));
        final Timing.Samples fAll = Timing.measure(2, tries, () -> Parallel.forRange(0, threads, 1,
            (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    sink += fmaLoop(fmaIterations);
                }
            }));
        final float[] big = new float[streamFloats];
        for (int i = 0; i < big.length; i += 1024) {
            big[i] = 1f;
        }
        final double bytes = 4.0 * big.length;
        final Timing.Samples s1 = Timing.measure(2, tries, () -> sink += sum(big, 0, big.length));
        final Timing.Samples sAll = Timing.measure(2, tries, () -> Parallel.forRange(0, big.length, 1 << 20,
            (lo, hi) -> sink += sum(big, lo, hi)));
        // A ceiling is a peak: take the fastest run, so that a kernel's fraction of it is never flattered
        // by a ceiling run that was slowed down by a neighbour on a shared host.
        return new Figures(flopsPerRun / f1.min() / 1e6, flopsPerRun * threads / fAll.min() / 1e6,
            bytes / s1.min() / 1e6, bytes / sAll.min() / 1e6, threads);
    }

    /** CHAINS independent FMA dependency chains on registers: the FMA units' peak, no memory traffic. */
    public static float fmaLoop(final long iterations) {
        final FloatVector a = FloatVector.broadcast(S, 0.999999f);
        final FloatVector b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        FloatVector c8 = c0;
        FloatVector c9 = c0;
        FloatVector c10 = c0;
        FloatVector c11 = c0;
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
            .reduceLanes(VectorOperators.ADD);
    }

    /** The floating-point operations one {@link #fmaLoop} call of {@code iterations} does (an FMA is two). */
    public static double fmaLoopFlops(final long iterations) {
        return (double) iterations * CHAINS * S.length() * 2;
    }

    /** Sums x[from, to) with four vector accumulators: a read stream limited by memory, not by adds. */
    public static float sum(final float[] x, final int from, final int to) {
        final int l = S.length();
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int i = from;
        for (; i <= to - 4 * l; i += 4 * l) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
            s1 = s1.add(FloatVector.fromArray(S, x, i + l));
            s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * l));
        }
        float s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s += x[i];
        }
        return s;
    }
}
