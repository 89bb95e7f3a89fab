package io.canopy.enroll;

import io.canopy.frame.FrameAuthenticator;
import io.canopy.round.RoundPlan;

/**
 * A run's choice for leaf frames at the clusters: {@link #off()} (no authentication — any process that reaches
 * a cluster's endpoint can send as any leaf; the embedded demo's default, since at 10^7 leaves on two cores it
 * cannot afford a signature check per frame) or {@link #required} (every gradient frame must carry a valid
 * signature of a leaf enrolled in its cluster). The cluster tier logs {@link #describe()} when it starts, so a
 * run states which one it is.
 */
public final class LeafAuthentication {
    private static final LeafAuthentication OFF = new LeafAuthentication(null);

    private final LeafKeyDirectory keys;

    private LeafAuthentication(LeafKeyDirectory keys) {
        this.keys = keys;
    }

    /** No authentication of leaf frames: a signature, if any, is ignored. */
    public static LeafAuthentication off() {
        return OFF;
    }

    /** Every leaf frame is verified against {@code keys} before it is accepted. */
    public static LeafAuthentication required(LeafKeyDirectory keys) {
        if (keys == null) {
            throw new IllegalArgumentException("required signatures need a key directory (a registry or derived keys)");
        }
        return new LeafAuthentication(keys);
    }

    public boolean isRequired() {
        return keys != null;
    }

    /** The check of {@code plan}'s round, bound to its nonce; null when signatures are off. */
    public FrameAuthenticator forRound(RoundPlan plan) {
        return keys == null ? null : new LeafVerifier(keys, FrameSignatures.prefix(plan));
    }

    /** One line for the log: on or off, and where the keys come from. */
    public String describe() {
        return keys == null
            ? "off: leaf frames are not authenticated (any sender that reaches the endpoint can claim any leaf id)"
            : "required: every leaf frame is verified against " + keys.describe();
    }
}
