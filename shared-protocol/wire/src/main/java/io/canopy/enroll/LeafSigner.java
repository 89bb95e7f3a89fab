package io.canopy.enroll;

import java.security.PrivateKey;

import io.canopy.frame.SignatureScheme;
import io.canopy.frame.SignatureWriter;
import io.canopy.round.RoundPlan;
import org.agrona.MutableDirectBuffer;

/**
 * Signs a leaf's gradient frames (Ed25519 per RFC 8032, or ML-DSA per FIPS 204) over the round's nonce and every
 * byte the CRC covers; set on a {@link io.canopy.frame.FrameEncoder} with {@code signer(...)}. Name the round
 * ({@link #round}) and the leaf ({@link #leaf}) before each frame. One per sending thread.
 */
public final class LeafSigner implements SignatureWriter {
    private final LeafKeys keys;
    private byte[] prefix;
    private long leafId = -1;
    private PrivateKey key;

    public LeafSigner(LeafKeys keys) {
        if (keys == null) {
            throw new IllegalArgumentException("a signer needs the leaves' keys");
        }
        this.keys = keys;
    }

    /** Binds the frames that follow to {@code plan}'s round. */
    public LeafSigner round(RoundPlan plan) {
        this.prefix = FrameSignatures.prefix(plan);
        return this;
    }

    /** Binds the frames that follow to a given nonce (tools and tests that sign without a plan). */
    public LeafSigner nonce(byte[] nonce) {
        this.prefix = FrameSignatures.prefix(nonce);
        return this;
    }

    /** Signs the frames that follow as {@code id}, with its key. */
    public LeafSigner leaf(long id) {
        if (id != leafId || key == null) {
            key = keys.privateKey(id);
            leafId = id;
        }
        return this;
    }

    @Override
    public SignatureScheme scheme() {
        return keys.scheme();
    }

    @Override
    public void sign(MutableDirectBuffer buffer, int frameOffset, int payloadLength, int signatureIndex) {
        if (prefix == null || key == null) {
            throw new IllegalStateException("name the round (round(plan)) and the leaf (leaf(id)) before signing");
        }
        FrameSignatures.forThisThread().sign(keys.scheme(), key, prefix, buffer, frameOffset, payloadLength, signatureIndex);
    }
}
