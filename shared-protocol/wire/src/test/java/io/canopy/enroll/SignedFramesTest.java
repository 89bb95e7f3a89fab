package io.canopy.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.SplittableRandom;

import io.canopy.codec.CodecId;
import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.round.ReleaseSpec;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Signed gradient frames against a validator that requires them. (Through a cluster's ingest behind the validator:
 * the runtime module's {@code SignedIngestTest}, which builds its plan and limits here.)
 */
public class SignedFramesTest {
    private static final int D = 4;
    private static final long ROUND = 7;
    private static final float[] UPDATE = {0.1f, -0.2f, 0.3f, 0f};

    private final FleetLayout layout = new FleetLayout(40, 10, 4, 99L);
    private final DerivedKeys keys = new DerivedKeys(21L, SignatureScheme.ED25519, layout);
    private final RoundPlan plan = plan(ROUND, layout);
    private final UnsafeBuffer buffer =
        new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D + SignatureScheme.MAX_LENGTH]);
    private final FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0);
    private final LeafSigner signer = new LeafSigner(keys).round(plan);
    private final FrameValidator validator = new FrameValidator(limits(plan, keys));

    public static RoundPlan plan(long round, FleetLayout layout) {
        QuorumPolicy policy = QuorumPolicy.of(layout.clusterSize(), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO);
        TierSpec tier = new TierSpec(policy, 0.2, 0, 0, 1);
        return new RoundPlan(round, 0, D, 1.0, 1f, CodecId.FP32, layout, tier, tier, tier, false, 0L);
    }

    public static FrameLimits limits(RoundPlan plan, LeafKeyDirectory keys) {
        return GradientFrame.limits(plan.roundId(), FrameLimits.ANY_GROUP, plan.dimension())
            .withAuthenticator(LeafAuthentication.required(keys).forRound(plan));
    }

    /** Leaf {@code leaf}'s frame for its cluster in {@code round}, signed by {@code as} (or unsigned if null). */
    private int frame(long round, long leaf, LeafSigner as) {
        encoder.signer(as);
        return GradientFrame.header(encoder, round, leaf, layout.clusterOf(leaf)).encode(UpdateEncoder.fp32(), UPDATE, 0, D);
    }

    private int honest(long leaf) {
        return frame(ROUND, leaf, signer.leaf(leaf));
    }

    private RejectReason check(int length) {
        return validator.validate(buffer, 0, length, new float[D], 0);
    }

    @Test
    void an_enrolled_leafs_signed_frame_is_accepted() {
        assertNull(check(honest(3)));
        assertEquals(1, validator.accepted());
    }

    @Test
    void a_spoofer_signing_with_its_own_key_as_another_leaf_is_refused_as_a_bad_signature() {
        long honest = layout.leafAt(1, 0);
        long spoofer = layout.leafAt(1, 1); // enrolled too, in the same cluster: its key is simply not the honest one's
        LeafSigner spoofersKey = new LeafSigner(LeafKeys.single(honest, SignatureScheme.ED25519, keys.privateKey(spoofer)))
            .round(plan).leaf(honest);
        assertEquals(RejectReason.BAD_SIGNATURE, check(frame(ROUND, honest, spoofersKey)));
        assertEquals(1, validator.rejected(RejectReason.BAD_SIGNATURE));
    }

    @Test
    void garbage_after_an_ed25519_or_ml_dsa_scheme_byte_is_refused() {
        int length = honest(5);
        byte[] garbage = new byte[64];
        new SplittableRandom(1).nextBytes(garbage);
        buffer.putBytes(length - 64, garbage);
        assertEquals(RejectReason.BAD_SIGNATURE, check(length));

        // An ML-DSA-44 frame of garbage for an Ed25519-enrolled leaf: a scheme other than its own.
        int payload = 4 * D;
        buffer.putByte(FrameLayout.SIGNATURE_SCHEME_OFFSET, (byte) SignatureScheme.ML_DSA_44.code());
        buffer.putInt(FrameLayout.SIGNATURE_LENGTH_OFFSET, SignatureScheme.ML_DSA_44.length(), ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(buffer, 0);
        UnsafeBuffer big = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + payload + SignatureScheme.ML_DSA_44.length()]);
        big.putBytes(0, buffer, 0, FrameLayout.HEADER_LENGTH + payload);
        assertEquals(RejectReason.BAD_SIGNATURE, validator.validate(big, 0, big.capacity(), new float[D], 0));
        assertEquals(2, validator.rejected(RejectReason.BAD_SIGNATURE));
    }

    @Test
    void a_frame_replayed_into_the_next_round_with_its_round_id_rewritten_and_its_crc_recomputed_is_refused() {
        int length = honest(8); // signed for round 7
        RoundPlan next = plan.next(1);
        FrameValidator nextRound = new FrameValidator(limits(next, keys));
        buffer.putLong(FrameLayout.ROUND_ID_OFFSET, next.roundId(), ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(buffer, 0);
        assertEquals(RejectReason.BAD_SIGNATURE, nextRound.validate(buffer, 0, length, new float[D], 0));
        // The same leaf signing for round 8 itself is accepted: only the replay is refused.
        signer.round(next);
        assertNull(nextRound.validate(buffer, 0, frame(next.roundId(), 8, signer.leaf(8)), new float[D], 0));
    }

    @Test
    void a_frame_signed_for_a_fleet_with_another_seed_does_not_verify_in_this_one() {
        RoundPlan otherRun = plan(ROUND, new FleetLayout(40, 10, 4, 100L));
        LeafSigner otherRunSigner = new LeafSigner(keys).round(otherRun);
        assertEquals(RejectReason.BAD_SIGNATURE, check(frame(ROUND, 9, otherRunSigner.leaf(9))));
    }

    @Test
    void a_frame_signed_for_a_round_before_a_coordinator_took_over_does_not_verify_in_the_round_it_reissued() {
        RoundPlan first = plan.withRunId(0x1234_5678_9abc_def0L);
        RoundPlan reissued = first.withEpoch(1);
        FrameValidator now = new FrameValidator(limits(reissued, keys));
        int beforeTakeover = frame(ROUND, 9, new LeafSigner(keys).round(first).leaf(9));
        assertEquals(RejectReason.BAD_SIGNATURE, now.validate(buffer, 0, beforeTakeover, new float[D], 0));
        assertNull(now.validate(buffer, 0, frame(ROUND, 9, new LeafSigner(keys).round(reissued).leaf(9)), new float[D], 0));
        assertEquals(1, reissued.next(1).at(12, 3).withRelease(reissued.release()).withRunId(7).epoch(),
            "later rounds and a resumed plan keep the epoch");
    }

    @Test
    void a_reissued_round_supersedes_its_first_copy_and_its_data_rounds_follow_every_earlier_epochs() {
        RoundPlan gated = plan.at((1L << 39) - 1, 0)
            .withRelease(new ReleaseSpec(ReleaseSpec.Rule.GATED, 8, 1, 1f, 1, 1, 0, ""));
        RoundPlan reissued = plan.withEpoch(1);
        assertTrue(reissued.supersedes(plan));
        assertFalse(plan.supersedes(reissued));
        assertFalse(plan.supersedes(plan.withEpoch(0)), "the same copy again is not newer");
        assertTrue(plan.next(1).supersedes(reissued), "a later round supersedes any epoch of an earlier one");
        assertEquals(ROUND, plan.dataRound(1));
        assertEquals((1L << 40) + ROUND, reissued.dataRound(1));
        assertTrue(reissued.withRelease(gated.release()).dataRound(1) > gated.dataRound(2),
            "epoch 1's first data round is above epoch 0's last");
    }

    @Test
    void a_frame_captured_in_another_run_with_an_identical_plan_but_its_own_run_id_does_not_verify() {
        RoundPlan thisRun = plan.withRunId(0x1234_5678_9abc_def0L);
        RoundPlan earlierRun = plan.withRunId(0x0fed_cba9_8765_4321L);
        FrameValidator now = new FrameValidator(limits(thisRun, keys));
        int captured = frame(ROUND, 9, new LeafSigner(keys).round(earlierRun).leaf(9));
        assertEquals(RejectReason.BAD_SIGNATURE, now.validate(buffer, 0, captured, new float[D], 0));
        assertNull(now.validate(buffer, 0, frame(ROUND, 9, new LeafSigner(keys).round(thisRun).leaf(9)), new float[D], 0));
        // Without a run id (0) a plan hashes as before run ids existed: the worked example's nonce is unchanged.
        assertEquals(java.util.HexFormat.of().formatHex(RoundNonce.of(plan)),
            java.util.HexFormat.of().formatHex(RoundNonce.of(plan.withRunId(0))));
        assertNotEquals(java.util.HexFormat.of().formatHex(RoundNonce.of(thisRun)),
            java.util.HexFormat.of().formatHex(RoundNonce.of(earlierRun)));
        assertEquals(thisRun.runId(), thisRun.next(1).at(12, 3).withRelease(thisRun.release()).runId(),
            "later rounds and a resumed plan keep the run id");
    }

    @Test
    void a_payload_edited_after_signing_with_the_crc_recomputed_is_refused() {
        int length = honest(11);
        buffer.putFloat(FrameLayout.HEADER_LENGTH, 9.5f, ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(buffer, 0);
        assertEquals(RejectReason.BAD_SIGNATURE, check(length));
    }

    @Test
    void an_unenrolled_sender_and_an_unsigned_frame_are_refused_by_their_own_reasons() {
        DerivedKeys outsiders = new DerivedKeys(21L, SignatureScheme.ED25519, new FleetLayout(80, 10, 4, 99L));
        LeafSigner outsider = new LeafSigner(outsiders).round(plan).leaf(50);
        encoder.signer(outsider);
        int length = GradientFrame.header(encoder, ROUND, 50, 0).encode(UpdateEncoder.fp32(), UPDATE, 0, D);
        assertEquals(RejectReason.NOT_ENROLLED, check(length), "leaf 50 is outside this 40-leaf fleet");
        assertEquals(RejectReason.UNSIGNED, check(frame(ROUND, 12, null)), "leaf 12 is enrolled: unsigned, not unknown");
        assertEquals(1, validator.rejected(RejectReason.NOT_ENROLLED));
        assertEquals(1, validator.rejected(RejectReason.UNSIGNED));
    }

    @Test
    void with_signatures_off_a_signature_is_ignored_as_before() {
        FrameValidator off = new FrameValidator(GradientFrame.limits(ROUND, FrameLimits.ANY_GROUP, D));
        int length = honest(13);
        buffer.putBytes(length - 64, new byte[64]);
        assertNull(off.validate(buffer, 0, length, new float[D], 0));
    }

}
