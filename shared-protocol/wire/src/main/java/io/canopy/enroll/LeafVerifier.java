package io.canopy.enroll;

import io.canopy.frame.FrameAuthenticator;
import io.canopy.frame.FrameDecoder;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;

/**
 * A cluster's check of one round's leaf frames: the sender must be enrolled in the cluster the frame names
 * ({@link RejectReason#NOT_ENROLLED}), the frame must be signed ({@link RejectReason#UNSIGNED}) with the
 * sender's enrolled scheme, and the signature must verify over the round's nonce and the frame
 * ({@link RejectReason#BAD_SIGNATURE}). It runs in the frame validator, before the ingest's duplicate check
 * ever sees the frame, so a spoofer's frame cannot take an honest leaf's place.
 *
 * <p>Immutable; the verification itself runs on the calling thread's {@link FrameSignatures}.
 */
public final class LeafVerifier implements FrameAuthenticator {
    private final LeafKeyDirectory keys;
    private final byte[] prefix;

    /** @param prefix the round's signed prefix, {@link FrameSignatures#prefix(io.canopy.round.RoundPlan)} */
    public LeafVerifier(LeafKeyDirectory keys, byte[] prefix) {
        if (keys == null || prefix == null || prefix.length != FrameSignatures.PREFIX_LENGTH) {
            throw new IllegalArgumentException("a verifier needs a key directory and a " + FrameSignatures.PREFIX_LENGTH
                + "-byte signed prefix");
        }
        this.keys = keys;
        this.prefix = prefix.clone();
    }

    @Override
    public RejectReason authenticate(FrameDecoder frame) {
        FrameSignatures engine = FrameSignatures.forThisThread();
        byte[] key = engine.keyScratch();
        SignatureScheme enrolled = keys.lookup(frame.groupId(), frame.senderId(), key);
        if (enrolled == null) {
            return RejectReason.NOT_ENROLLED;
        }
        SignatureScheme scheme = frame.signatureScheme();
        if (scheme == SignatureScheme.NONE) {
            return RejectReason.UNSIGNED;
        }
        if (scheme != enrolled) {
            return RejectReason.BAD_SIGNATURE; // a downgrade or a forgery under another scheme
        }
        return engine.verify(scheme, key, prefix, frame) ? null : RejectReason.BAD_SIGNATURE;
    }
}
