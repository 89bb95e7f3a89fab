package io.canopy.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.canopy.codec.CodecId;
import org.junit.jupiter.api.Test;

/** What a release may hold its rows as between the gated passes, and what it refuses. */
class HeldCodecTest {

    private static final ReleaseSpec GATED = new ReleaseSpec(ReleaseSpec.Rule.GATED, 100, 1, 0.7f, 3, 4, 10, "test");
    private static final ReleaseSpec FIXED = new ReleaseSpec(ReleaseSpec.Rule.FIXED, 100, 1, 0.7f, 3, 0, 0, "test");

    @Test
    void a_release_holds_its_rows_as_fp32_unless_told_otherwise_and_keeps_the_codec_through_its_other_withers() {
        assertEquals(CodecId.FP32, GATED.heldCodec());
        assertEquals(CodecId.FP32, ReleaseSpec.MULTIKRUM.heldCodec());
        final ReleaseSpec int8 = GATED.withHeldCodec(CodecId.INT8);
        assertEquals(CodecId.INT8, int8.heldCodec());
        assertEquals(CodecId.INT8, int8.withDetectorSample(0.5).heldCodec());
        assertEquals(0.5, int8.withDetectorSample(0.5).detectorSample());
        assertEquals(CodecId.BF16, GATED.withDetectorSample(0.25).withHeldCodec(CodecId.BF16).heldCodec());
        assertEquals(0.25, GATED.withDetectorSample(0.25).withHeldCodec(CodecId.BF16).detectorSample());
    }

    @Test
    void only_the_gated_release_holds_rows_compressed_and_only_as_bf16_or_int8() {
        assertEquals("a gated release holds its rows as fp32, bf16 or int8, not topk",
            assertThrows(IllegalArgumentException.class, () -> GATED.withHeldCodec(CodecId.TOPK)).getMessage());
        assertEquals("a gated release holds its rows as fp32, bf16 or int8, not fp16",
            assertThrows(IllegalArgumentException.class, () -> GATED.withHeldCodec(CodecId.FP16)).getMessage());
        assertEquals("only the gated release holds rows between two passes; the FIXED release cannot hold them as bf16",
            assertThrows(IllegalArgumentException.class, () -> FIXED.withHeldCodec(CodecId.BF16)).getMessage());
        assertEquals("only the gated release holds rows between two passes; the MULTIKRUM release cannot hold them as int8",
            assertThrows(IllegalArgumentException.class, () -> ReleaseSpec.MULTIKRUM.withHeldCodec(CodecId.INT8)).getMessage());
        assertEquals(CodecId.FP32, FIXED.withHeldCodec(CodecId.FP32).heldCodec());
    }
}
