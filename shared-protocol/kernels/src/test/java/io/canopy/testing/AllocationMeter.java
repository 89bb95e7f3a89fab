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
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < attempts && best > goodEnough; attempt++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                body.run();
            }
            best = Math.min(best, (THREADS.getCurrentThreadAllocatedBytes() - before) / calls);
        }
        return best;
    }
}
