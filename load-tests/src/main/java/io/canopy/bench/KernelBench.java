package io.canopy.bench;

import io.canopy.aggregation.AggregationRule;
import io.canopy.aggregation.CoordinateMedian;
import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import io.canopy.kernel.Ceilings;
import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.Parallel;
import io.canopy.kernel.ScalarKernels;
import io.canopy.kernel.Timing;
import io.canopy.kernel.VectorKernels;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code ./canopy bench kernels}: the aggregation kernels at the sizes the tiers see, each judged
 * against this machine's own ceilings measured in the same run, and every Vector API kernel against
 * its scalar reference.
 */
public final class KernelBench {

    /** One timed case; {@code rate} is GFLOP/s or GB/s ({@code unit}), {@code ceiling} the matching measured peak. */
    public record Case(String name, int n, int d, Timing.Samples samples, double rate, String unit, double ceiling,
                       String ceilingName) {
        public double fractionOfCeiling() {
            return rate / ceiling;
        }
    }

    /** One Vector API kernel vs its scalar reference at dimension d (nanoseconds per call, medians). */
    public record KernelRatio(String kernel, int d, double vectorNs, double scalarNs) {
        public double speedup() {
            return scalarNs / vectorNs;
        }
    }

    public record Report(Ceilings.Figures ceilings, List<Case> cases, List<KernelRatio> kernels) {
    }

    private final int runs;
    private final boolean quick;
    private final PrintStream progress;

    /**
     * @param runs  measured runs per case (after two warm-up runs); the median is reported
     * @param quick smaller sizes (a smoke test, minutes become seconds); the figures are then not the README's
     */
    public KernelBench(final int runs, final boolean quick, final PrintStream progress) {
        this.runs = runs;
        this.quick = quick;
        this.progress = progress;
    }

    public Report run() {
        progress.println("bench: measuring this machine's ceilings (FMA and memory bandwidth) ...");
        final Ceilings.Figures ceil = Ceilings.measure(runs);
        final List<Case> cases = new ArrayList<>();
        final int scale = quick ? 10 : 1;
        krum(cases, ceil, 1000 / scale, 100_000 / scale, 300 / scale);
        krum(cases, ceil, 100, 1_000_000 / scale, 30);
        selection(cases, ceil, 100, 1_000_000 / scale);
        final List<KernelRatio> ratios = kernelRatios(quick ? 100_000 : 1_000_000);
        return new Report(ceil, cases, ratios);
    }

    private void krum(final List<Case> cases, final Ceilings.Figures ceil, final int n, final int d, final int f) {
        progress.printf("bench: Gram and Multi-Krum at n=%d, d=%d, f=%d ...%n", n, d, f);
        final UpdateBlock block = gaussianBlock(n, d, 7);
        final double[] dist = new double[n * n];
        // n(n+1)/2 dot products of length d, one FMA (2 FLOP) per element: what the kernel computes.
        final double flops = (double) n * (n + 1) * d;
        // One workspace for every call, as Multi-Krum keeps one: the kernel's time, not its scratch's first touch.
        final GramMatrix.Workspace ws = new GramMatrix.Workspace(Parallel.threads());
        final Timing.Samples gram = Timing.measure(2, runs,
            () -> GramMatrix.pairwiseSquaredDistances(block.data(), n, d, dist, ws));
        cases.add(new Case("gram", n, d, gram, flops / gram.median() / 1e6, "GFLOP/s", ceil.fmaAll(),
            "FMA, " + ceil.threads() + " threads"));
        final MultiKrum rule = MultiKrum.withDefaultM(f);
        final Timing.Samples mk = Timing.measure(2, runs, () -> rule.aggregate(block));
        cases.add(new Case("multikrum", n, d, mk, flops / mk.median() / 1e6, "GFLOP/s", ceil.fmaAll(),
            "FMA, " + ceil.threads() + " threads"));
    }

    private void selection(final List<Case> cases, final Ceilings.Figures ceil, final int n, final int d) {
        progress.printf("bench: trimmed mean (beta=0.1) and median at n=%d, d=%d ...%n", n, d);
        final UpdateBlock block = gaussianBlock(n, d, 11);
        final double bytes = 4.0 * n * d;
        for (final AggregationRule rule : List.of(TrimmedMean.ofBeta(0.1), new CoordinateMedian())) {
            final Timing.Samples s = Timing.measure(2, runs, () -> rule.aggregate(block));
            cases.add(new Case(rule.name(), n, d, s, bytes / s.median() / 1e6, "GB/s", ceil.streamAll(),
                "memory read, " + ceil.threads() + " threads"));
        }
    }

    private List<KernelRatio> kernelRatios(final int d) {
        progress.printf("bench: each Vector API kernel vs its scalar reference at d=%d ...%n", d);
        final SplittableRandom rnd = new SplittableRandom(3);
        final float[] a = new float[d];
        final float[] b = new float[d];
        for (int i = 0; i < d; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        final float[] y = b.clone();
        final List<KernelRatio> out = new ArrayList<>();
        ratio(out, "dot", d, x -> sink += VectorKernels.dot(a, 0, b, 0, d), x -> sink += ScalarKernels.dot(a, 0, b, 0, d));
        ratio(out, "squaredDistance", d, x -> sink += VectorKernels.squaredDistance(a, 0, b, 0, d),
            x -> sink += ScalarKernels.squaredDistance(a, 0, b, 0, d));
        ratio(out, "norm", d, x -> sink += VectorKernels.norm(a, 0, d), x -> sink += ScalarKernels.norm(a, 0, d));
        ratio(out, "axpy", d, x -> VectorKernels.axpy(1e-7f, a, 0, y, 0, d), x -> ScalarKernels.axpy(1e-7f, a, 0, y, 0, d));
        ratio(out, "scale", d, x -> VectorKernels.scale(1.0000001f, y, 0, d), x -> ScalarKernels.scale(1.0000001f, y, 0, d));
        ratio(out, "addInto", d, x -> VectorKernels.addInto(y, 0, a, 0, d), x -> ScalarKernels.addInto(y, 0, a, 0, d));
        // This clip never binds: it measures the norm pass every leaf pays (a binding clip adds one scale pass).
        ratio(out, "clipToNorm", d, x -> sink += VectorKernels.clipToNorm(y, 0, d, Float.MAX_VALUE),
            x -> sink += ScalarKernels.clipToNorm(y, 0, d, Float.MAX_VALUE));
        return out;
    }

    private static volatile float sink;

    private void ratio(final List<KernelRatio> out, final String name, final int d, final Consumer<Object> vector,
                       final Consumer<Object> scalar) {
        // Enough calls per sample that one sample takes tens of milliseconds.
        final int calls = Math.max(10, 20_000_000 / d);
        final Timing.Samples v = Timing.measure(3, runs, () -> repeat(vector, calls));
        final Timing.Samples s = Timing.measure(3, runs, () -> repeat(scalar, calls));
        out.add(new KernelRatio(name, d, v.median() * 1e6 / calls, s.median() * 1e6 / calls));
    }

    private static void repeat(final Consumer<Object> action, final int calls) {
        for (int i = 0; i < calls; i++) {
            action.accept(null);
        }
    }

    /** n×d i.i.d. standard normal values, filled on all cores with one seeded stream per row. */
    static UpdateBlock gaussianBlock(final int n, final int d, final long seed) {
        final float[] x = new float[Math.multiplyExact(n, d)];
        Parallel.forRange(0, n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                final SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + i);
                for (int k = 0; k < d; k++) {
                    x[i * d + k] = (float) rnd.nextGaussian();
                }
            }
        });
        return new UpdateBlock(x, n, d);
    }
}
