package io.canopy.leaf;

import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.LeafKeys;
import io.canopy.enroll.LeafSigner;
import io.canopy.frame.GradientFrame;
import io.canopy.kernel.VectorKernels;
import io.canopy.round.RoundPlan;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.PublishResult;

/**
 * The leaf SDK's send path: given the round plan, clip an update to norm C (DP-SGD's clipping, Abadi et
 * al. 2016, which every sensitivity bound above assumes), compress it with the plan's codec, and send it
 * to the leaf's cluster as one {@code GradientFrame}. A flyweight: one client per sending thread serves
 * any number of leaves, allocating nothing per update.
 *
 * <p>Top-k's error feedback belongs to one leaf across rounds; a client shared by many synthetic
 * leaves resets it per update, so each sends its own top k without another's residual.
 *
 * <p>With {@link LeafKeys}, every gradient frame is signed with the sending leaf's private key over the round's
 * nonce and every byte the CRC covers (Ed25519, RFC 8032; {@link LeafSigner}); without, frames go unsigned, as a
 * cluster with signatures off expects. Signing allocates inside the JDK (docs/security.md, "Cost").
 */
public final class LeafClient {
    private final FramePublisher publisher;
    private final LeafSigner signer;
    private RoundPlan plan;
    private UpdateEncoder codec;

    /** A client whose frames are unsigned. */
    public LeafClient(FramePublisher publisher) {
        this(publisher, null);
    }

    /** A client that signs each frame with its leaf's key from {@code keys}; null keys send unsigned frames. */
    public LeafClient(FramePublisher publisher, LeafKeys keys) {
        this.publisher = publisher;
        this.signer = keys == null ? null : new LeafSigner(keys);
    }

    /** Takes part in a round: its codec, clip norm, dimension and signing nonce hold until the next plan. */
    public void plan(RoundPlan roundPlan, long codecSeed) {
        this.plan = roundPlan;
        this.codec = UpdateEncoder.of(roundPlan.codec(), roundPlan.dimension(), codecSeed);
        if (signer != null) {
            signer.round(roundPlan);
        }
    }

    /** Whether this client signs its frames. */
    public boolean signs() {
        return signer != null;
    }

    /**
     * Clips {@code update[offset .. offset + d)} in place and sends it.
     *
     * @param timestampNs when the update is sent, ns after the round opened (a simulation's virtual time)
     * @return what the transport did, e.g. {@link PublishResult#SENT} or a back-pressure timeout
     */
    public PublishResult send(long leafId, int cluster, long timestampNs, float[] update, int offset) {
        return send(leafId, cluster, timestampNs, requirePlan().modelVersion(), update, offset);
    }

    /**
     * As {@link #send(long, int, long, float[], int)}, for an update computed on model {@code trainedOn}; the
     * frame says so, and a cluster refuses it unless that is the plan's version.
     */
    public PublishResult send(long leafId, int cluster, long timestampNs, long trainedOn, float[] update, int offset) {
        RoundPlan p = requirePlan();
        VectorKernels.clipToNorm(update, offset, p.dimension(), p.clipNorm());
        if (codec.topK() != null) {
            codec.topK().reset();
        }
        // Set on every send: the publisher's encoder is this client's, but its signer must name this leaf.
        publisher.encoder().signer(signer == null ? null : signer.leaf(leafId));
        GradientFrame.header(publisher.encoder(), p.roundId(), leafId, cluster).timestampNs(timestampNs)
            .modelVersion(trainedOn);
        return publisher.send(codec, update, offset, p.dimension());
    }

    /** Tells {@code cluster} that nothing from this sender earlier than {@code timestampNs} follows. */
    public PublishResult watermark(long senderId, int cluster, long timestampNs) {
        RoundPlan p = requirePlan();
        publisher.encoder().roundId(p.roundId()).senderId(senderId).groupId(cluster).timestampNs(timestampNs).modelVersion(0);
        return publisher.sendWatermark();
    }

    private RoundPlan requirePlan() {
        if (plan == null) {
            throw new IllegalStateException("no round plan yet: call plan(...) before sending");
        }
        return plan;
    }
}
