package io.canopy.enroll;

/**
 * Whose key an aggregate must verify under: the routing table's view of which member hosts each sending group.
 * Read on a tier's ingest thread for every aggregate, so implementations answer from a lock-free snapshot.
 */
@FunctionalInterface
public interface LinkOwners {

    /**
     * The raw Ed25519 public key (RFC 8032 encoding) of the member that hosts {@code sender} — a cluster on the
     * cluster → continent stream, a continent on the continent → global one — as the routing table has it now, or
     * null when the table names no host, or a host whose fleet certificate has not been checked here.
     */
    byte[] ownerKey(int stream, long sender);
}
