package io.canopy.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.LeafKeys;
import io.canopy.enroll.LeafSigner;
import io.canopy.enroll.SignedFramesTest;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Signed gradient frames through the validator and into a cluster's ingest behind it (wire's {@code SignedFramesTest}
 * tests the validator alone).
 */
class SignedIngestTest {
    private static final int D = 4;
    private static final long ROUND = 7;
    private static final float[] UPDATE = {0.1f, -0.2f, 0.3f, 0f};

    private final FleetLayout layout = new FleetLayout(40, 10, 4, 99L);
    private final DerivedKeys keys = new DerivedKeys(21L, SignatureScheme.ED25519, layout);
    private final RoundPlan plan = SignedFramesTest.plan(ROUND, layout);
    private final UnsafeBuffer buffer =
        new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D + SignatureScheme.MAX_LENGTH]);
    private final FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0);
    private final LeafSigner signer = new LeafSigner(keys).round(plan);
    private final FrameValidator validator = new FrameValidator(SignedFramesTest.limits(plan, keys));

    /** Leaf {@code leaf}'s frame for its cluster in {@code round}, signed by {@code as}. */
    private int frame(long round, long leaf, LeafSigner as) {
        encoder.signer(as);
        return GradientFrame.header(encoder, round, leaf, layout.clusterOf(leaf)).encode(UpdateEncoder.fp32(), UPDATE, 0, D);
    }

    private int honest(long leaf) {
        return frame(ROUND, leaf, signer.leaf(leaf));
    }

    @Test
    void a_spoofer_who_sends_first_does_not_make_the_honest_leafs_frame_a_duplicate() {
        List<IngestBlock> closed = new ArrayList<>();
        // A long grace: the cluster closes on its tenth arrival, not on reaching quorum at time 0.
        QuorumPolicy policy = QuorumPolicy.of(10, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1));
        TierIngest ingest = new TierIngest(1, 12, D, policy, (round, group, block, outcome, after) -> closed.add(block),
            frame -> 0L);
        ingest.openRound(ROUND, LayoutGroups.of(layout, policy, 2), 10.0, false, 0L);
        ingest.drainCommands();
        LeafSigner spoofer = new LeafSigner(LeafKeys.single(layout.leafAt(2, 0), SignatureScheme.ED25519,
            new DerivedKeys(666L, SignatureScheme.ED25519, layout).privateKey(0))).round(plan);
        for (int i = 0; i < 10; i++) {
            long leaf = layout.leafAt(2, i);
            if (i == 0) {
                deliver(ingest, frame(ROUND, leaf, spoofer.leaf(leaf))); // first, for the honest leaf's id
            }
            deliver(ingest, honest(leaf));
        }
        assertEquals(1, closed.size(), "all ten honest leaves arrived: the cluster closed complete");
        assertEquals(10, closed.get(0).acceptedCount());
        assertEquals(0, closed.get(0).rejected(IngestRejection.DUPLICATE));
        assertEquals(1, validator.rejected(RejectReason.BAD_SIGNATURE));
    }

    /** What FrameSubscriber does with one fragment: validate (signature included), then hand to the ingest. */
    private void deliver(TierIngest ingest, int length) {
        if (validator.check(buffer, 0, length) != null) {
            validator.countRejected(validator.check(buffer, 0, length));
            return;
        }
        float[] dst = ingest.destination(validator.frame());
        int offset = dst == null ? 0 : ingest.destinationOffset(validator.frame());
        float[] into = dst == null ? new float[D] : dst;
        validator.decodePayload(into, offset);
        ingest.onFrame(validator.frame(), into, offset);
    }
}
