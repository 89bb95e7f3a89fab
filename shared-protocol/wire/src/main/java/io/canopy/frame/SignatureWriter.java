package io.canopy.frame;

import org.agrona.MutableDirectBuffer;

/**
 * Signs a frame as {@link FrameEncoder#encode} seals it: the encoder writes {@link #scheme()} and its length
 * into the header, computes the CRC32C, then asks for the signature bytes after the payload.
 */
public interface SignatureWriter {

    /** The scheme of the signatures written; never {@link SignatureScheme#NONE}. */
    SignatureScheme scheme();

    /**
     * Writes {@code scheme().length()} bytes at {@code signatureIndex}, signing the frame at {@code frameOffset}
     * whose header (scheme and length included) and {@code payloadLength}-byte payload are final.
     */
    void sign(MutableDirectBuffer buffer, int frameOffset, int payloadLength, int signatureIndex);
}
