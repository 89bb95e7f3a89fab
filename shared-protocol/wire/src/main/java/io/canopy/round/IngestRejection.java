package io.canopy.round;

/**
 * Why a tier refused a well-formed input for a round. (Malformed frames are refused earlier, by the
 * frame decoder, with its own reasons.) Counted per reason; the ordinal indexes the counters.
 */
public enum IngestRejection {
    /** The input names another round than the one open. */
    WRONG_ROUND,
    /** The round had already closed when the input arrived. */
    LATE,
    /** The sender already contributed to this round. */
    DUPLICATE,
    /** The sender is not one of this tier's expected inputs. */
    UNKNOWN_SENDER,
    /** Every preallocated row is taken (more inputs than the over-selected invitations). */
    OVER_CAPACITY,
    /** A value is NaN or infinite. */
    NON_FINITE,
    /** The update's L2 norm exceeds the clip norm the round plan set. */
    NORM_EXCEEDED;

    private static final IngestRejection[] VALUES = values();

    public static IngestRejection of(int ordinal) {
        return VALUES[ordinal];
    }

    public static int count() {
        return VALUES.length;
    }
}
