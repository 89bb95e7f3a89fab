package io.canopy.frame;

/**
 * A receiver's check of who sent a frame, run by {@link FrameValidator} as the last step of validation —
 * after the header, the checksum and the payload's content have passed, so the cheap checks refuse
 * corruption first — and before any handler sees the frame. A tier's duplicate check is in its handler, so a
 * frame that fails here can never take an honest sender's place.
 *
 * <p>Called on the validator's thread only; watermarks are not passed to it (see PROTOCOL.md).
 */
@FunctionalInterface
public interface FrameAuthenticator {

    /** Null when {@code frame} (fully validated otherwise) is authentic; otherwise why it is refused. */
    RejectReason authenticate(FrameDecoder frame);
}
