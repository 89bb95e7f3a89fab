package io.canopy.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class FleetLayoutTest {

    @Property(tries = 200)
    void the_feistel_permutation_is_a_bijection_with_a_working_inverse(
        @ForAll @IntRange(min = 1, max = 5000) int n, @ForAll long seed) {
        FeistelPermutation permutation = new FeistelPermutation(n, seed);
        BitSet seen = new BitSet(n);
        for (int x = 0; x < n; x++) {
            long y = permutation.apply(x);
            assertTrue(y >= 0 && y < n);
            seen.set((int) y);
            assertEquals(x, permutation.invert(y));
        }
        assertEquals(n, seen.cardinality());
    }

    @Property(tries = 100)
    void every_leaf_lands_in_exactly_one_cluster_and_every_cluster_in_one_continent(
        @ForAll @LongRange(min = 1, max = 20_000) long leaves,
        @ForAll @IntRange(min = 1, max = 500) int clusterSize,
        @ForAll @IntRange(min = 1, max = 40) int perContinent,
        @ForAll long seed) {
        if (clusterSize > leaves) {
            clusterSize = (int) leaves;
        }
        FleetLayout layout = new FleetLayout(leaves, clusterSize, perContinent, seed);
        BitSet seen = new BitSet((int) leaves);
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int k = 0; k < layout.clusters(); k++) {
            int size = layout.clusterSizeOf(k);
            smallest = Math.min(smallest, size);
            largest = Math.max(largest, size);
            for (int i = 0; i < size; i++) {
                long leaf = layout.leafAt(k, i);
                assertTrue(!seen.get((int) leaf), "leaf " + leaf + " assigned twice");
                seen.set((int) leaf);
                assertEquals(k, layout.clusterOf(leaf));
            }
        }
        assertEquals(leaves, seen.cardinality());
        assertTrue(largest <= clusterSize && largest - smallest <= 1, "sizes " + smallest + ".." + largest);

        BitSet clusters = new BitSet(layout.clusters());
        for (int j = 0; j < layout.continents(); j++) {
            for (int i = 0; i < layout.continentSizeOf(j); i++) {
                int cluster = layout.clusterOf(j, i);
                assertTrue(!clusters.get(cluster));
                clusters.set(cluster);
                assertEquals(j, layout.continentOf(cluster));
            }
        }
        assertEquals(layout.clusters(), clusters.cardinality());
    }

    @Test
    void the_default_ten_million_leaf_tree_has_ten_thousand_clusters_in_a_hundred_continents() {
        FleetLayout layout = new FleetLayout(10_000_000L, 1000, 100, 7L);
        assertEquals(10_000, layout.clusters());
        assertEquals(100, layout.continents());
        assertEquals(1000, layout.clusterSizeOf(9_999));
        long leaf = layout.leafAt(1234, 567);
        assertEquals(1234, layout.clusterOf(leaf));
        assertNotEquals(leaf, new FleetLayout(10_000_000L, 1000, 100, 8L).leafAt(1234, 567), "the seed matters");
    }

    @Test
    void an_assignment_is_a_shuffle_not_a_stripe() {
        FleetLayout layout = new FleetLayout(100_000, 1000, 10, 1L);
        // Under a stripe (leaf i in cluster i / c) cluster 0 would hold leaves 0..999; count how many it does.
        int lowIds = 0;
        for (int i = 0; i < 1000; i++) {
            if (layout.leafAt(0, i) < 1000) {
                lowIds++;
            }
        }
        assertTrue(lowIds < 40, "cluster 0 holds " + lowIds + " of leaves 0..999; expected about 10");
    }

    @Test
    void a_cluster_larger_than_the_fleet_is_refused_by_name() {
        var e = assertThrows(IllegalArgumentException.class, () -> new FleetLayout(10, 11, 1, 0));
        assertEquals("clusterSize must be between 1 and leaves (10), was 11", e.getMessage());
    }

    @Test
    void lookups_on_the_per_frame_path_allocate_nothing() {
        FleetLayout layout = new FleetLayout(10_000_000L, 1000, 100, 7L);
        long[] leaf = {0};
        long bytes = io.canopy.testing.AllocationMeter.steadyStateBytesPerCall(() -> {
            long id = (leaf[0]++ * 7919) % 10_000_000L;
            if (layout.leafAt(layout.clusterOf(id), 0) < 0) {
                throw new AssertionError();
            }
        }, 100_000, 50, 0);
        assertEquals(0, bytes);
    }
}
