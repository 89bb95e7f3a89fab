package io.canopy.straggler;

/** Which rule of the {@link QuorumPolicy} closed the round; finer than the outcome, for reports. */
public enum CloseReason {
    ALL_ARRIVED,
    GRACE_AFTER_QUORUM,
    SOFT_DEADLINE,
    HARD_DEADLINE
}
