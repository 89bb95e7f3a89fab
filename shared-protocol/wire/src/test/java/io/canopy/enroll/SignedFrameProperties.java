package io.canopy.enroll;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.round.RoundPlan;
import io.canopy.topology.FleetLayout;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

/** Every byte of a signed frame is covered: by the CRC, by the signature, or (the CRC field) by recomputing both. */
class SignedFrameProperties {
    private static final int D = 4;
    private static final FleetLayout LAYOUT = new FleetLayout(40, 10, 4, 99L);
    private static final DerivedKeys KEYS = new DerivedKeys(21L, SignatureScheme.ED25519, LAYOUT);
    private static final RoundPlan PLAN = SignedFramesTest.plan(7, LAYOUT);
    private static final int LENGTH = FrameLayout.HEADER_LENGTH + 4 * D + 64; // an Ed25519 signature

    private final FrameValidator validator = new FrameValidator(SignedFramesTest.limits(PLAN, KEYS));

    private static UnsafeBuffer signed(long leaf) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[LENGTH]);
        FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0).signer(new LeafSigner(KEYS).round(PLAN).leaf(leaf));
        GradientFrame.header(encoder, PLAN.roundId(), leaf, LAYOUT.clusterOf(leaf)).timestampNs(leaf * 1000)
            .encode(UpdateEncoder.fp32(), new float[] {0.25f, -0.5f, (float) leaf, 1f}, 0, D);
        return buffer;
    }

    @Property(tries = 400, seed = "20261202")
    void no_single_bit_edit_outside_the_crc_field_is_accepted_even_with_the_crc_recomputed(
        @ForAll @IntRange(min = 0, max = 39) int leaf, @ForAll @IntRange(min = 0, max = LENGTH - 1) int at,
        @ForAll @IntRange(min = 0, max = 7) int bit, @ForAll boolean reseal) {
        UnsafeBuffer frame = signed(leaf);
        assertNull(validator.check(frame, 0, LENGTH), "the unedited frame verifies");
        if (at >= FrameLayout.CHECKSUM_OFFSET && at < FrameLayout.MODEL_VERSION_OFFSET) {
            at += 4; // the CRC field itself: recomputing it would undo the edit
        }
        frame.putByte(at, (byte) (frame.getByte(at) ^ (1 << bit)));
        boolean lengthField = at >= FrameLayout.PAYLOAD_LENGTH_OFFSET && at < FrameLayout.INPUT_COUNT_OFFSET;
        if (reseal && !lengthField && at < FrameLayout.HEADER_LENGTH + 4 * D) { // reseal reads the length field
            FrameEncoder.reseal(frame, 0);
        }
        RejectReason reason = validator.check(frame, 0, LENGTH);
        assertNotNull(reason, "a frame with bit " + bit + " of byte " + at + " flipped was accepted");
    }
}
