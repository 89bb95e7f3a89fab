package io.canopy.topology;

import java.math.BigInteger;

/**
 * Which leaf belongs to which cluster and which cluster to which continent: seeded, balanced and
 * stored nowhere. The platform assigns, not the leaves, so an adversary cannot choose its cluster and
 * its share per cluster concentrates around its global share (DESIGN.md, "Robustness, honestly").
 *
 * <p>Leaves are shuffled by one {@link FeistelPermutation} and cut into K = ceil(N / c) clusters whose
 * sizes differ by at most one; clusters are shuffled by a second permutation and cut into
 * M = ceil(K / m) continents the same way. Every lookup is O(1) time and memory, so ten million
 * leaves cost nothing to lay out.
 *
 * @param leaves               N, at least 1
 * @param clusterSize          c, the largest cluster; at least 1 and at most N
 * @param clustersPerContinent m, the largest continent in clusters; at least 1
 * @param seed                 the platform's assignment seed
 */
public record FleetLayout(long leaves, int clusterSize, int clustersPerContinent, long seed) {

    public FleetLayout {
        if (leaves < 1) {
            throw new IllegalArgumentException("leaves must be at least 1, was " + leaves);
        }
        if (clusterSize < 1 || clusterSize > leaves) {
            throw new IllegalArgumentException("clusterSize must be between 1 and leaves (" + leaves + "), was " + clusterSize);
        }
        if (clustersPerContinent < 1) {
            throw new IllegalArgumentException("clustersPerContinent must be at least 1, was " + clustersPerContinent);
        }
        if (ceilDiv(leaves, clusterSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("leaves / clusterSize gives more than 2^31 clusters");
        }
    }

    public int clusters() {
        return (int) ceilDiv(leaves, clusterSize);
    }

    public int continents() {
        return (int) ceilDiv(clusters(), clustersPerContinent);
    }

    /** Leaves in cluster k. */
    public int clusterSizeOf(int cluster) {
        checkIndex("cluster", cluster, clusters());
        return (int) (start(cluster + 1L, leaves, clusters()) - start(cluster, leaves, clusters()));
    }

    /** The i-th leaf of cluster k. */
    public long leafAt(int cluster, int i) {
        checkIndex("leaf position", i, clusterSizeOf(cluster));
        return FeistelPermutation.apply(leaves, seed, start(cluster, leaves, clusters()) + i);
    }

    /** The cluster leaf {@code leafId} is assigned to. */
    public int clusterOf(long leafId) {
        long position = FeistelPermutation.invert(leaves, seed, leafId);
        return (int) bucketOf(position, leaves, clusters());
    }

    /** Clusters in continent j. */
    public int continentSizeOf(int continent) {
        checkIndex("continent", continent, continents());
        return (int) (start(continent + 1L, clusters(), continents()) - start(continent, clusters(), continents()));
    }

    /** The i-th cluster of continent j. */
    public int clusterOf(int continent, int i) {
        checkIndex("cluster position", i, continentSizeOf(continent));
        return (int) FeistelPermutation.apply(clusters(), ~seed, start(continent, clusters(), continents()) + i);
    }

    /** The continent cluster k reports to. */
    public int continentOf(int cluster) {
        checkIndex("cluster", cluster, clusters());
        long position = FeistelPermutation.invert(clusters(), ~seed, cluster);
        return (int) bucketOf(position, clusters(), continents());
    }

    /** First position of bucket b when `total` items are cut into `buckets` near-equal runs. */
    private static long start(long bucket, long total, long buckets) {
        long product = bucket * total;
        if (Math.multiplyHigh(bucket, total) == 0 && product >= 0) {
            return product / buckets;
        }
        return BigInteger.valueOf(bucket).multiply(BigInteger.valueOf(total)).divide(BigInteger.valueOf(buckets)).longValueExact();
    }

    /** The bucket holding a position: the largest b with start(b) ≤ position. */
    private static long bucketOf(long position, long total, long buckets) {
        long guess = (long) ((double) position * buckets / total);
        while (guess > 0 && start(guess, total, buckets) > position) {
            guess--;
        }
        while (guess + 1 < buckets && start(guess + 1, total, buckets) <= position) {
            guess++;
        }
        return guess;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static void checkIndex(String what, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(what + " " + index + " is outside [0, " + size + ")");
        }
    }
}
