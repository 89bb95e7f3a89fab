package io.canopy.frame;

import org.agrona.MutableDirectBuffer;

/**
 * The tier → tier frame: a cluster's aggregate to its continent, or a continent's to the global
 * coordinator. Same header as every Canopy frame ({@link FrameLayout}) with type
 * {@link FrameType#AGGREGATE}; the sender id names the aggregator, the group id the receiving
 * continent (0 for the global tier), and the input count how many updates the aggregate folds, which
 * the tier above needs for weighting and for its own quorum. Allocation-free helpers.
 */
public final class AggregateFrame {

    private AggregateFrame() {
    }

    /** Points {@code encoder} at {@code buffer[offset..]} with an aggregate header; then call {@code encode}. */
    public static FrameEncoder wrap(final FrameEncoder encoder, final MutableDirectBuffer buffer, final int offset,
                                    final long roundId, final long aggregatorId, final int groupId,
                                    final int inputCount) {
        return header(encoder.wrap(buffer, offset), roundId, aggregatorId, groupId, inputCount);
    }

    /** Sets an aggregate header on an encoder already wrapped over its buffer. */
    public static FrameEncoder header(final FrameEncoder encoder, final long roundId, final long aggregatorId,
                                      final int groupId, final int inputCount) {
        return encoder.type(FrameType.AGGREGATE).roundId(roundId).senderId(aggregatorId).groupId(groupId)
            .inputCount(inputCount);
    }

    /** What the tier with group {@code groupId} accepts from the tier below in round {@code roundId}. */
    public static FrameLimits limits(final long roundId, final int groupId, final int dimension) {
        return FrameLimits.of(FrameType.AGGREGATE, roundId, groupId, dimension);
    }
}
