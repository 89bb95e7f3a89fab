package io.canopy.demo;

import io.canopy.kernel.Ceilings;
import io.canopy.kernel.Parallel;
import io.canopy.kernel.Timing;
import io.canopy.leaf.synthetic.SyntheticSwarm;

/**
 * The least time one demo round's work could take on this machine, printed beside the round's wall time so the
 * distance to it is a measured ratio, not a guess. Three costs, each at a rate measured in the same process after the
 * fleet has stopped (so its idle agents do not slow the measurement and make the floor look higher than it is):
 * <ul>
 *   <li><b>generate</b>: the swarm makes every sent update's d floats, at the synthetic generator's best rate on all
 *       threads (the generator this demo uses; a faster one would lower the floor);</li>
 *   <li><b>Gram</b>: Multi-Krum's pairwise distances need, per cluster of n accepted updates, the lower triangle of the
 *       n×n Gram matrix with its diagonal, n(n+1)/2 · d multiply-adds (2 FLOP each), at the register-resident FMA
 *       ceiling on all threads ({@link Ceilings#fmaLoop});</li>
 *   <li><b>move</b>: each float written once by a leaf and read once by its cluster, 8 bytes, at the all-thread
 *       streaming read bandwidth from main memory (writes are not faster, so this understates the time).</li>
 * </ul>
 * Generating and the Gram matrix both need the cores, so they add; moving may overlap with them, so the floor is
 * {@code max(generate + Gram, move)}. Every rate is the fastest of its runs, so the floor is never overstated.
 */
final class PhysicalFloor {

    /** Bytes a float costs at the least: written once by its leaf, read once by its cluster. */
    static final int BYTES_MOVED_PER_FLOAT = 8;
    private static final int STREAM_FLOATS = 32 << 20; // 128 MiB: past the last-level cache, small beside a demo's heap
    private static final long FMA_ITERATIONS = 5_000_000L;
    private static final int TRIES = 5;
    /** Leaves each thread generates per timed run of the generator. */
    private static final int SYNTH_LEAVES = 2_000;

    /** Measured rates on all threads: FLOP/s at the FMA ceiling, bytes/s read from memory, floats/s generated. */
    record Rates(double flopsPerSecond, double bytesPerSecond, double floatsPerSecond, int threads) {
    }

    /** One round's floor and its parts, in seconds. */
    record Floor(double generateSeconds, double gramSeconds, double moveSeconds) {
        double seconds() {
            return Math.max(generateSeconds + gramSeconds, moveSeconds);
        }
    }

    private static volatile float sink;

    private PhysicalFloor() {
    }

    /**
     * The floor of a round that sent {@code floats} floats and whose clusters' Multi-Krum took in updates whose
     * n(n+1)/2 sum is {@code gramPairs}, at dimension {@code d}.
     */
    static Floor of(long floats, long gramPairs, int dimension, Rates rates) {
        return new Floor(floats / rates.floatsPerSecond(), 2.0 * gramPairs * dimension / rates.flopsPerSecond(),
            (double) BYTES_MOVED_PER_FLOAT * floats / rates.bytesPerSecond());
    }

    /** n(n+1)/2: the Gram entries, diagonal included, that the lower triangle of n updates holds. */
    static long gramPairs(long n) {
        return n * (n + 1) / 2;
    }

    /** Measures the three rates on every thread of this machine with the demo's own generator (about a second). */
    static Rates measure(SyntheticSwarm swarm, int dimension) {
        int threads = Parallel.threads();
        // The ceilings' own measurement, smaller per run; the floor uses its all-thread figures.
        Ceilings.Figures ceilings = Ceilings.measure(TRIES, FMA_ITERATIONS, STREAM_FLOATS);
        Timing.Samples synth = Timing.measure(1, TRIES, () -> Parallel.forRange(0, threads, 1, (lo, hi) -> {
            float[] out = new float[dimension];
            for (int t = lo; t < hi; t++) {
                for (int leaf = 0; leaf < SYNTH_LEAVES; leaf++) {
                    swarm.update(1, (long) t * SYNTH_LEAVES + leaf, out, 0);
                }
                sink += out[0];
            }
        }));
        return new Rates(ceilings.fmaAll() * 1e9, ceilings.streamAll() * 1e9,
            (double) SYNTH_LEAVES * dimension * threads / (synth.min() / 1e3), threads);
    }
}
