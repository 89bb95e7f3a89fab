package io.canopy.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapPeakTest {

    private static volatile Object live;

    @Test
    void thePeakCountsAnArrayLiveAtACollectionAndNeverExceedsTheHeapsMaximum() throws InterruptedException {
        final long size = 96L << 20;
        try (HeapPeak heap = HeapPeak.start()) {
            live = new byte[(int) size];
            System.gc(); // a collection while the array is live: the reading before it includes the array
            live = null;
            System.gc(); // and one after it is garbage, so that the heap in use at the end is below the peak
            final long peak = heap.peakBytes(10_000);
            assertTrue(heap.collectionsSeen() >= 2, "collections seen: " + heap.collectionsSeen());
            assertTrue(peak >= size, "peak " + peak + " below the " + size + "-byte array that was live");
            assertTrue(peak <= Runtime.getRuntime().maxMemory(), "peak " + peak + " above the heap's maximum "
                + Runtime.getRuntime().maxMemory());
        }
    }

    @Test
    void anArrayCollectedBeforeTheStartIsNotCounted() throws InterruptedException {
        final long size = 96L << 20;
        live = new byte[(int) size];
        live = null;
        System.gc();
        final long usedAfter = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        try (HeapPeak heap = HeapPeak.start()) {
            final long peak = heap.peakBytes(10_000);
            assertTrue(peak < usedAfter + size / 2, "peak " + peak + " counts the array collected before the start"
                + " (heap in use after that collection: " + usedAfter + ")");
        }
    }
}
