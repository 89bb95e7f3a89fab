package io.canopy.demo;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap a run had in use at once, as the collector saw it: the largest heap in use just before a collection,
 * or at the end if that is larger.
 *
 * <p>Why this reading. Only a collection frees heap, so between two collections the heap in use only grows, and its
 * maxima are the instants just before collections: the largest of those readings (and the last one) is the peak.
 * The sum of the heap pools' own peaks, which the demo printed before, adds each pool's largest value at a different
 * instant; with a large pre-touched young generation it exceeded -Xmx (12,250 MiB at -Xmx8g, 2026-12-03).
 */
final class HeapPeak implements AutoCloseable {

    private final Set<String> heapPools = new HashSet<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::collected;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong seen = new AtomicLong();
    private final long collectionsBefore;

    private HeapPeak() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        collectionsBefore = collections();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    /** Starts watching the collections from now. */
    static HeapPeak start() {
        return new HeapPeak();
    }

    private void collected(final Notification n, final Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
        peak.accumulateAndGet(heapUsed(info.getMemoryUsageBeforeGc()), Math::max);
        seen.incrementAndGet();
    }

    private long heapUsed(final Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        return used;
    }

    private static long collections() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    /**
     * The peak in bytes so far. The notifications come on their own thread, so this first waits (at most
     * {@code waitMillis}) until every collection counted since {@link #start} has been seen.
     */
    long peakBytes(final long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (seen.get() < collections() - collectionsBefore && System.nanoTime() < deadline) {
            Thread.sleep(1); // polling a condition with a hard deadline
        }
        long now = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                now += pool.getUsage().getUsed();
            }
        }
        return Math.max(peak.get(), now);
    }

    /** Collections seen since {@link #start}. */
    long collectionsSeen() {
        return seen.get();
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone: nothing to remove
            }
        }
    }
}
