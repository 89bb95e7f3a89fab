package io.canopy.kernel;

import java.util.Arrays;

/** Wall-clock samples of a repeated action: warm-up runs first, then the median of the measured ones. */
public final class Timing {

    /** Milliseconds of each measured run, sorted. */
    public record Samples(double[] ms) {
        public double median() {
            final int n = ms.length;
            return n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
        }

        public double min() {
            return ms[0];
        }

        public double max() {
            return ms[ms.length - 1];
        }
    }

    private Timing() {
    }

    /** Runs {@code action} {@code warmup} times unmeasured, then {@code runs} times measured. */
    public static Samples measure(final int warmup, final int runs, final Runnable action) {
        for (int i = 0; i < warmup; i++) {
            action.run();
        }
        final double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            final long t0 = System.nanoTime();
            action.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new Samples(ms);
    }
}
