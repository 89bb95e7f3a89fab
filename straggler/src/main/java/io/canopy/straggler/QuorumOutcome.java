package io.canopy.straggler;

/** How a tier's round ended. */
public enum QuorumOutcome {
    /** Every expected input arrived. */
    COMPLETE,
    /** Closed with at least the quorum but not every expected input. */
    QUORUM_AT_DEADLINE,
    /** The hard deadline passed below the quorum: nothing is released and the tier above counts a straggler. */
    FAILED_NO_QUORUM;

    /** Whether the tier releases an aggregate. */
    public boolean releases() {
        return this != FAILED_NO_QUORUM;
    }
}
