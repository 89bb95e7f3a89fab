package io.canopy.ops.metrics;

/**
 * Why an Aeron {@code Publication.offer}/{@code tryClaim} did not take a frame; the {@code reason} tag of
 * {@code canopy.aeron.offers.failed}. The negative result codes are Aeron's ({@code io.aeron.Publication}
 * constants, stable across releases); ops does not depend on Aeron, so they are repeated here and
 * {@link #ordinalOf(long)} maps a result code to an ordinal without allocating.
 */
public enum OfferFailure {
    /** {@code NOT_CONNECTED = -1}: no subscriber is connected. */
    NOT_CONNECTED("not_connected"),
    /** {@code BACK_PRESSURED = -2}: the subscriber is behind; the caller retries under its idle strategy. */
    BACK_PRESSURED("back_pressured"),
    /** {@code ADMIN_ACTION = -3}: the log rotated or similar; retry at once. */
    ADMIN_ACTION("admin_action"),
    /** {@code CLOSED = -4}: the publication is closed. */
    CLOSED("closed"),
    /** {@code MAX_POSITION_EXCEEDED = -5}: the stream reached its maximum position. */
    MAX_POSITION_EXCEEDED("max_position_exceeded");

    private static final OfferFailure[] VALUES = values();

    private final String tagValue;

    OfferFailure(final String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }

    /**
     * The ordinal for an Aeron offer result, or -1 when {@code result} is not one of the five failures (a
     * position, which means success, or a code this build does not know).
     */
    public static int ordinalOf(final long result) {
        return result <= -1 && result >= -VALUES.length ? (int) (-result - 1) : -1;
    }

    static OfferFailure of(final int ordinal) {
        return VALUES[ordinal];
    }

    static int count() {
        return VALUES.length;
    }
}
