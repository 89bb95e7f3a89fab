package io.canopy.transport;

/** What became of one publish: expected outcomes are values, not exceptions (as Aeron's offer codes are). */
public enum PublishResult {
    /** In the log: the subscriber will see it (or the publication will be closed). */
    SENT,
    /** The subscriber did not make room within the offer timeout. */
    BACK_PRESSURE_TIMEOUT,
    /** No subscriber connected within the offer timeout. */
    NOT_CONNECTED,
    /** The publication is closed. */
    CLOSED,
    /** The publication reached its maximum position; a new one is needed. */
    MAX_POSITION_EXCEEDED
}
