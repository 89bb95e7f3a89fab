package io.canopy.frame;

/** What a frame carries; the wire code is the byte at {@link FrameLayout#TYPE_OFFSET}. */
public enum FrameType {
    /** One leaf's clipped, compressed update, leaf to cluster; input count is always 1. */
    GRADIENT(1),
    /** One tier's aggregate, cluster to continental or continental to global; input count is how many updates it folds. */
    AGGREGATE(2),
    /**
     * Header only (d = 0, no payload, input count 0, codec fp32): the sender's promise that none of its
     * frames for this (round, group) with an earlier timestamp will follow on this stream. A simulated
     * swarm sends one per cluster so the cluster's virtual clock can reach its deadlines; any stream
     * accepts them.
     */
    WATERMARK(3);

    private static final FrameType[] BY_CODE = {null, GRADIENT, AGGREGATE, WATERMARK};

    private final int code;

    FrameType(final int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this wire code, or null when the code is unknown. */
    public static FrameType fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
