package io.canopy.enroll;

import java.util.Arrays;

import io.canopy.frame.SignatureScheme;

/**
 * The enrolled leaves of one cluster: their ids, strictly increasing, and their raw public keys of one scheme,
 * packed in one array (a million Ed25519 leaves take 40 MB, not a million key objects). Immutable.
 */
public final class EnrollmentShard {
    private final int cluster;
    private final SignatureScheme scheme;
    private final long[] leaves;
    private final byte[] keys;

    EnrollmentShard(int cluster, SignatureScheme scheme, long[] leaves, byte[] keys) {
        if (cluster < 0) {
            throw new IllegalArgumentException("cluster must be >= 0, was " + cluster);
        }
        if (scheme == null || !scheme.isPublicKey()) {
            throw new IllegalArgumentException("a shard's keys need a signature scheme, not " + scheme);
        }
        if ((long) leaves.length * scheme.publicKeyLength() != keys.length) {
            throw new IllegalArgumentException(leaves.length + " leaves need " + (long) leaves.length * scheme.publicKeyLength()
                + " key bytes, not " + keys.length);
        }
        for (int i = 0; i < leaves.length; i++) {
            if (leaves[i] < 0 || i > 0 && leaves[i] <= leaves[i - 1]) {
                throw new IllegalArgumentException("leaf ids must be >= 0 and listed once each, in increasing order: "
                    + (leaves[i] < 0 ? "leaf " + leaves[i] : "leaf " + leaves[i] + " after " + leaves[i - 1]));
            }
        }
        this.cluster = cluster;
        this.scheme = scheme;
        this.leaves = leaves;
        this.keys = keys;
    }

    public static Builder builder(int cluster, SignatureScheme scheme) {
        return new Builder(cluster, scheme);
    }

    public int cluster() {
        return cluster;
    }

    public SignatureScheme scheme() {
        return scheme;
    }

    public int size() {
        return leaves.length;
    }

    /** The i-th enrolled leaf id, in increasing order. */
    public long leaf(int i) {
        return leaves[i];
    }

    /** A copy of the i-th raw public key. */
    public byte[] key(int i) {
        int k = scheme.publicKeyLength();
        return Arrays.copyOfRange(keys, i * k, (i + 1) * k);
    }

    /** Copies {@code leafId}'s raw key into {@code dst}; false when the leaf is not enrolled here. */
    public boolean find(long leafId, byte[] dst) {
        int i = Arrays.binarySearch(leaves, leafId);
        if (i < 0) {
            return false;
        }
        int k = scheme.publicKeyLength();
        System.arraycopy(keys, i * k, dst, 0, k);
        return true;
    }

    long[] leaves() {
        return leaves;
    }

    byte[] keys() {
        return keys;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrollmentShard s && s.cluster == cluster && s.scheme == scheme
            && Arrays.equals(s.leaves, leaves) && Arrays.equals(s.keys, keys);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * cluster + scheme.hashCode()) + Arrays.hashCode(leaves);
    }

    @Override
    public String toString() {
        return "EnrollmentShard[cluster=" + cluster + ", scheme=" + scheme + ", leaves=" + leaves.length + "]";
    }

    /** Collects (leaf, key) pairs in any order; {@link #build} sorts them and refuses a leaf given twice. */
    public static final class Builder {
        private final int cluster;
        private final SignatureScheme scheme;
        private long[] leaves = new long[16];
        private byte[] keys;
        private int n;

        private Builder(int cluster, SignatureScheme scheme) {
            if (scheme == null || !scheme.isPublicKey()) {
                throw new IllegalArgumentException("a shard's keys need a signature scheme, not " + scheme);
            }
            this.cluster = cluster;
            this.scheme = scheme;
            this.keys = new byte[16 * scheme.publicKeyLength()];
        }

        public Builder add(long leafId, byte[] rawKey) {
            int k = scheme.publicKeyLength();
            if (rawKey.length != k) {
                throw new IllegalArgumentException("a " + scheme + " public key has " + k + " bytes, leaf " + leafId
                    + "'s has " + rawKey.length);
            }
            if (n == leaves.length) {
                leaves = Arrays.copyOf(leaves, 2 * n);
                keys = Arrays.copyOf(keys, 2 * n * k);
            }
            leaves[n] = leafId;
            System.arraycopy(rawKey, 0, keys, n * k, k);
            n++;
            return this;
        }

        public EnrollmentShard build() {
            int k = scheme.publicKeyLength();
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(leaves[a], leaves[b]));
            long[] sortedLeaves = new long[n];
            byte[] sortedKeys = new byte[n * k];
            for (int i = 0; i < n; i++) {
                sortedLeaves[i] = leaves[order[i]];
                System.arraycopy(keys, order[i] * k, sortedKeys, i * k, k);
            }
            return new EnrollmentShard(cluster, scheme, sortedLeaves, sortedKeys);
        }
    }
}
