package io.canopy.enroll;

import io.canopy.frame.SignatureScheme;

/**
 * The fleet side of enrollment: a leaf's public key, looked up per cluster (the registry is sharded by cluster).
 * Implementations are immutable or thread-safe; a cluster's ingest thread looks keys up for every frame.
 */
public interface LeafKeyDirectory {

    /**
     * Copies the raw public key of {@code leafId}, enrolled in {@code cluster}, into {@code dst} (at least
     * {@link SignatureScheme#MAX_PUBLIC_KEY_LENGTH} bytes) and returns its scheme; null when the leaf is not
     * enrolled there.
     */
    SignatureScheme lookup(int cluster, long leafId, byte[] dst);

    /** Where the keys come from, for the log line that states the run's choice. */
    String describe();
}
