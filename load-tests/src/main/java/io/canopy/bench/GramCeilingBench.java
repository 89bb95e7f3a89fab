package io.canopy.bench;

import io.canopy.kernel.Ceilings;
import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The quickest fraction-of-ceiling figure for one Gram shape: {@link GramMatrix#lowerSquaredDistances} at n×d on all
 * threads, round by round beside the all-thread FMA ceiling ({@link Ceilings#fmaLoop}) in the same JVM, so that a
 * neighbour slowing the machine down slows both. FLOPs are n(n+1)/2·d multiply-adds, 2 each, as in
 * {@link KernelBench}; the ceiling is its fastest round, the kernel its median.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx3g \
 *   -cp load-tests/target/classes:shared-protocol/kernels/target/classes \
 *   io.canopy.bench.GramCeilingBench 100 1000000 7
 * </pre>
 */
public final class GramCeilingBench {

    private static final long FMA_ITERATIONS = 20_000_000L;
    private static volatile float sink;

    private GramCeilingBench() {
    }

    public static void main(final String[] args) {
        final int n = Integer.parseInt(args[0]);
        final int d = Integer.parseInt(args[1]);
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        final float[] x = new float[n * d];
        Parallel.forRange(0, n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                final SplittableRandom rnd = new SplittableRandom(7 + i);
                for (int k = 0; k < d; k++) {
                    x[i * d + k] = (float) (rnd.nextDouble() - 0.5);
                }
            }
        });
        final double[] out = new double[n * n];
        final GramMatrix.Workspace ws = new GramMatrix.Workspace(Parallel.threads());
        final int threads = Parallel.threads();
        final double[] gram = new double[rounds];
        final double[] fma = new double[rounds];
        for (int r = -2; r < rounds; r++) {
            long t0 = System.nanoTime();
            Parallel.forRange(0, threads, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    sink += Ceilings.fmaLoop(FMA_ITERATIONS);
                }
            });
            final double f = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            GramMatrix.lowerSquaredDistances(x, n, d, out, ws);
            final double g = (System.nanoTime() - t0) / 1e6;
            if (r >= 0) {
                fma[r] = f;
                gram[r] = g;
            }
        }
        final double ceiling = Ceilings.fmaLoopFlops(FMA_ITERATIONS) * threads / Arrays.stream(fma).min().orElseThrow() / 1e6;
        final double[] sorted = gram.clone();
        Arrays.sort(sorted);
        final double median = sorted[rounds / 2];
        final double gflops = (double) n * (n + 1) * d / median / 1e6;
        System.out.printf("gram n=%d d=%d threads=%d: median %.2f ms (all %s), %.1f GFLOP/s = %.1f%% of the FMA ceiling"
            + " %.1f GFLOP/s%n", n, d, threads, median, Arrays.toString(gram), gflops, 100 * gflops / ceiling, ceiling);
    }
}
