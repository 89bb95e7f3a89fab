package io.canopy.transport;

import io.canopy.frame.FrameDecoder;

/**
 * The tier's side of a {@link FrameSubscriber}: receives each accepted frame's header view and its
 * decoded values. Called on the receive agent's thread; the view and, unless the handler supplied
 * the destination, the values array are valid only during the call.
 *
 * <p>To decode straight into its own storage (one copy from the Aeron buffer to the tier's update
 * block), a handler overrides {@link #destination} and {@link #destinationOffset}. They are asked only
 * for frames that passed every check, header fields and checksum included, and the decode into the
 * region they name cannot fail; a rejected frame never reaches them.
 */
@FunctionalInterface
public interface FrameHandler {

    /** An accepted frame: header validated, checksum matched, every value decoded and finite. */
    void onFrame(FrameDecoder frame, float[] values, int offset);

    /** A {@link io.canopy.frame.FrameType#WATERMARK} that passed validation: no earlier frame of its group follows. */
    default void onWatermark(final FrameDecoder frame) {
    }

    /** Where to decode a fully validated frame; null decodes into the subscriber's scratch. */
    default float[] destination(final FrameDecoder frame) {
        return null;
    }

    /** Offset in {@link #destination}'s array; called only when that returned non-null. */
    default int destinationOffset(final FrameDecoder frame) {
        return 0;
    }
}
