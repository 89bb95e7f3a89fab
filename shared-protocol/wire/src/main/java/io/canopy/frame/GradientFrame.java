package io.canopy.frame;

import org.agrona.MutableDirectBuffer;

/**
 * The leaf → cluster frame: one leaf's clipped, compressed update. Same header as every Canopy
 * frame ({@link FrameLayout}) with type {@link FrameType#GRADIENT}, the group id naming the
 * cluster, and input count 1. These helpers only preset the header fields; they allocate nothing.
 */
public final class GradientFrame {

    private GradientFrame() {
    }

    /** Points {@code encoder} at {@code buffer[offset..]} with a gradient header; then call {@code encode}. */
    public static FrameEncoder wrap(final FrameEncoder encoder, final MutableDirectBuffer buffer, final int offset,
                                    final long roundId, final long leafId, final int clusterId) {
        return header(encoder.wrap(buffer, offset), roundId, leafId, clusterId);
    }

    /** Sets a gradient header on an encoder already wrapped over its buffer (a publisher's, say). */
    public static FrameEncoder header(final FrameEncoder encoder, final long roundId, final long leafId,
                                      final int clusterId) {
        return encoder.type(FrameType.GRADIENT).roundId(roundId).senderId(leafId).groupId(clusterId).inputCount(1);
    }

    /** What cluster {@code clusterId} accepts in round {@code roundId}: d values, any codec, at most fp32's size. */
    public static FrameLimits limits(final long roundId, final int clusterId, final int dimension) {
        return FrameLimits.of(FrameType.GRADIENT, roundId, clusterId, dimension);
    }
}
