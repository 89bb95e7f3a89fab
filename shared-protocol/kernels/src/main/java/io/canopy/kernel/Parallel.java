package io.canopy.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * Splits a range of independent work items over the machine's cores for the large kernels
 * (Gram matrix, coordinate-wise selection).
 *
 * <p>The common {@code ForkJoinPool} has {@code cores - 1} workers, so on a 2-core machine it would
 * leave one core idle unless the caller joins in; here the caller always runs the first chunk itself
 * and the remaining chunks go to a fixed daemon pool of {@code cores - 1} threads.
 *
 * <p>Thread-safe. Chunks must write disjoint outputs.
 */
public final class Parallel {

    /** A piece of work over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
        final Thread t = new Thread(r, "canopy-kernel");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {
    }

    /** Number of threads (the caller included) that {@link #forRange} uses at most. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [from, to)} split into at most {@link #threads()} contiguous chunks,
     * each at least {@code minChunk} items long; returns when every chunk has finished.
     *
     * @throws RuntimeException the first exception a chunk threw, after all chunks ended
     */
    public static void forRange(final int from, final int to, final int minChunk, final RangeBody body) {
        final int total = to - from;
        if (total <= 0) {
            return;
        }
        final int chunks = (int) Math.max(1, Math.min(THREADS, total / Math.max(1L, minChunk)));
        if (chunks == 1 || POOL == null) {
            body.run(from, to);
            return;
        }
        forChunks(from, total, chunks, body);
    }

    /**
     * Runs {@code body} over {@code [from, to)} split into exactly {@code chunks} contiguous pieces
     * (work-balanced by the caller's choice of boundaries through {@code boundaries}).
     * {@code boundaries} has {@code chunks + 1} increasing entries from {@code from} to {@code to}.
     */
    public static void forBoundaries(final int[] boundaries, final RangeBody body) {
        final int chunks = boundaries.length - 1;
        if (chunks <= 0) {
            return;
        }
        if (chunks == 1 || POOL == null) {
            body.run(boundaries[0], boundaries[chunks]);
            return;
        }
        final Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            final int lo = boundaries[c];
            final int hi = boundaries[c + 1];
            futures[c - 1] = POOL.submit(() -> body.run(lo, hi));
        }
        RuntimeException failure = null;
        try {
            body.run(boundaries[0], boundaries[1]);
        } catch (final RuntimeException e) {
            failure = e;
        }
        failure = awaitAll(futures, failure);
        if (failure != null) {
            throw failure;
        }
    }

    private static void forChunks(final int from, final int total, final int chunks, final RangeBody body) {
        final int[] bounds = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) {
            bounds[c] = from + (int) ((long) total * c / chunks);
        }
        forBoundaries(bounds, body);
    }

    private static RuntimeException awaitAll(final Future<?>[] futures, final RuntimeException first) {
        RuntimeException failure = first;
        boolean interrupted = false;
        for (final Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (final InterruptedException e) {
                    interrupted = true;
                } catch (final ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }
}
