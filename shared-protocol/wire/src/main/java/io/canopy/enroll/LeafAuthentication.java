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
    private static final LeafAuthentication OFF = new LeafAuthentication(null, null);

    private final LeafKeyDirectory keys;
    private final HostedEnrollment hosted;

    private LeafAuthentication(LeafKeyDirectory keys, HostedEnrollment hosted) {
        this.keys = keys;
        this.hosted = hosted;
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
        return new LeafAuthentication(keys, null);
    }

    /**
     * Every leaf frame for a cluster this node hosts is verified against {@code registry}, whose shards load as the
     * node starts hosting each cluster ({@link #hosting}). A frame for a cluster never hosted here is not verified
     * here: it cannot be counted on this node (the ingest collects only hosted clusters, and each is hosted only after
     * {@link #hosting} ran), so the ingest passes it on, unchanged, to the node that hosts it, which verifies it.
     */
    public static LeafAuthentication requiredWhereHosted(HostedEnrollment registry) {
        if (registry == null) {
            throw new IllegalArgumentException("required signatures need an enrollment registry");
        }
        return new LeafAuthentication(registry, registry);
    }

    /** This node starts hosting {@code cluster}: loads its shard when the keys are {@link #requiredWhereHosted}. */
    public void hosting(int cluster) {
        if (hosted != null) {
            hosted.host(cluster);
        }
    }

    public boolean isRequired() {
        return keys != null;
    }

    /** The check of {@code plan}'s round, bound to its nonce; null when signatures are off. */
    public FrameAuthenticator forRound(RoundPlan plan) {
        if (keys == null) {
            return null;
        }
        LeafVerifier verifier = new LeafVerifier(keys, FrameSignatures.prefix(plan));
        HostedEnrollment where = hosted;
        return where == null ? verifier : frame -> where.verifiesHere(frame.groupId()) ? verifier.authenticate(frame) : null;
    }

    /** One line for the log: on or off, and where the keys come from. */
    public String describe() {
        return keys == null
            ? "off: leaf frames are not authenticated (any sender that reaches the endpoint can claim any leaf id)"
            : "required: every leaf frame is verified against " + keys.describe();
    }
}
