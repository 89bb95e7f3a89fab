package io.canopy.straggler;

/** Which rule of the {@link QuorumPolicy} closed the round; finer than the outcome, for reports. */
public enum CloseReason {
    ALL_ARRIVED,
    /** Every expected input either arrived or was withdrawn (its sender failed): nothing left to wait for. */
    ALL_ACCOUNTED_FOR,
    GRACE_AFTER_QUORUM,
    SOFT_DEADLINE,
    HARD_DEADLINE
}
