package io.canopy.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes a piece of code allocates per call once the JIT has settled. Vector API code allocates its
 * vectors until C2 compiles it, and in a JVM shared with hundreds of other tests that can take a
 * while, so this measures repeatedly and keeps the smallest figure: code that truly allocates never
 * reaches zero however long it runs; code that does not, gets there.
 */
public final class AllocationMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    /** The least bytes per call over up to {@code attempts} measurements of {@code calls} calls each. */
    public static long steadyStateBytesPerCall(Runnable body, int calls, int attempts, long goodEnough) {
        return leastBytes(() -> {
            for (int i = 0; i < calls; i++) {
                body.run();
            }
        }, attempts, goodEnough * calls + calls - 1) / calls;
    }

    /**
     * The least bytes {@code work} allocates in total over up to {@code attempts} runs, stopping at the first at or
     * under {@code goodEnough}: for "nothing at all" over many calls, where a per-call figure would round a rare
     * allocation down to zero.
     */
    public static long leastBytes(Runnable work, int attempts, long goodEnough) {
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < attempts && best > goodEnough; attempt++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            work.run();
            best = Math.min(best, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        return best;
    }
}
