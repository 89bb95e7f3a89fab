package io.canopy.enroll;

import java.security.PrivateKey;

import io.canopy.frame.FrameAuthenticator;
import io.canopy.frame.FrameDecoder;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.frame.SignatureWriter;
import org.agrona.MutableDirectBuffer;

/**
 * Aggregates between tiers signed by the member that sends them, and checked against the routing table's owner of
 * the sender: each member holds its own Ed25519 key (RFC 8032), certified by the fleet CA; an aggregate from cluster
 * (or continent) {@code s} is accepted only if its signature verifies under the key of the member the routing table
 * names as the host of {@code s} ({@link LinkOwners}).
 *
 * <p>The signed message is {@link LinkAuthentication#prefix}{@code (stream, run id) || frame[0, 48) || frame[52, 64 +
 * payload)}: the hop, the run and every byte the CRC covers, as the fleet key's HMAC covers them, so a signature made
 * for one hop or run does not verify on another and no header field or value can be edited.
 *
 * <p>What it stops beyond the fleet key: a member that is compromised, or misconfigured, can no longer send an
 * aggregate for a cluster or continent another member hosts: its signature does not verify under the owner's key
 * ({@link RejectReason#BAD_SIGNATURE}). It can still claim groups by rewriting the routing table (which leaves see,
 * since their traffic follows the table), and it speaks for the groups it hosts — what any aggregator can do.
 *
 * <p>Signing and verifying run on the calling thread's {@link FrameSignatures} engine; an owner's key is rebuilt
 * from its raw form per aggregate (microseconds beside the JDK's Ed25519, about half a millisecond per signature or
 * check plus hashing the aggregate's bytes; docs/security.md), and aggregates are few: one per cluster and continent
 * per round.
 */
public final class MemberLinkSignatures implements LinkAuthentication {

    private final PrivateKey ownKey;
    private final String member;
    private final LinkOwners owners;

    /**
     * @param ownKey this member's Ed25519 private key (its fleet link certificate's)
     * @param member this member's name, as its certificate has it, for the log
     * @param owners the routing table's owners' keys
     */
    public MemberLinkSignatures(PrivateKey ownKey, String member, LinkOwners owners) {
        if (!"Ed25519".equals(ownKey.getAlgorithm()) && !"EdDSA".equals(ownKey.getAlgorithm())) {
            throw new IllegalArgumentException("a member's link key is Ed25519, not " + ownKey.getAlgorithm());
        }
        this.ownKey = ownKey;
        this.member = member;
        this.owners = owners;
    }

    @Override
    public boolean isRequired() {
        return true;
    }

    @Override
    public SignatureWriter signer(int stream, long runId) {
        byte[] prefix = LinkAuthentication.prefix(stream, runId);
        return new SignatureWriter() {
            @Override
            public SignatureScheme scheme() {
                return SignatureScheme.ED25519;
            }

            @Override
            public void sign(MutableDirectBuffer buffer, int frameOffset, int payloadLength, int signatureIndex) {
                FrameSignatures.forThisThread().sign(SignatureScheme.ED25519, ownKey, prefix, buffer, frameOffset,
                    payloadLength, signatureIndex);
            }
        };
    }

    /**
     * Unsigned aggregates are refused as {@link RejectReason#UNSIGNED}; one whose sender has no known owner as
     * {@link RejectReason#UNKNOWN_OWNER}; a signature under another scheme, or one that does not verify under the
     * owner's key over this hop, run and bytes, as {@link RejectReason#BAD_SIGNATURE}.
     */
    @Override
    public FrameAuthenticator verifier(int stream, long runId) {
        byte[] prefix = LinkAuthentication.prefix(stream, runId);
        return frame -> authenticate(stream, prefix, frame);
    }

    private RejectReason authenticate(int stream, byte[] prefix, FrameDecoder frame) {
        SignatureScheme scheme = frame.signatureScheme();
        if (scheme == SignatureScheme.NONE) {
            return RejectReason.UNSIGNED;
        }
        if (scheme != SignatureScheme.ED25519) {
            return RejectReason.BAD_SIGNATURE;
        }
        byte[] key = owners.ownerKey(stream, frame.senderId());
        if (key == null) {
            return RejectReason.UNKNOWN_OWNER;
        }
        return FrameSignatures.forThisThread().verify(SignatureScheme.ED25519, key, prefix, frame)
            ? null : RejectReason.BAD_SIGNATURE;
    }

    @Override
    public String describe() {
        return describe(member);
    }

    /** {@link #describe()} of member {@code member}'s signatures, for the log before the routing table exists. */
    public static String describe(String member) {
        return "required: every aggregate between tiers is signed (Ed25519) by the member that sends it, here " + member
            + ", and checked under the key of the member the routing table names as the sender's host";
    }
}
