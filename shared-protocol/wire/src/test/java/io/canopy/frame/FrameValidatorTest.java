package io.canopy.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.UpdateEncoder;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a frame can be wrong is rejected with its reason, counted, and leaves the validator working. */
class FrameValidatorTest {

    private static final int H = FrameLayout.HEADER_LENGTH;

    static final int D = 16;
    static final long ROUND = 7;
    static final int CLUSTER = 3;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static float[] values(final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[D];
        for (int i = 0; i < D; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** A good gradient frame with this codec, in a buffer with 8 spare bytes. */
    static UnsafeBuffer frame(final UpdateEncoder codec, final float[] x) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 8 * D + 8]);
        final int n = GradientFrame.wrap(new FrameEncoder(), b, 0, ROUND, 99, CLUSTER).encode(codec, x, 0, x.length);
        return new UnsafeBuffer(b, 0, n + 8);
    }

    static int length(final UnsafeBuffer frame) {
        return frame.capacity() - 8;
    }

    static FrameValidator validator() {
        return new FrameValidator(GradientFrame.limits(ROUND, CLUSTER, D));
    }

    /** A header edit with the checksum recomputed, so only the edited field is wrong. */
    static Consumer<UnsafeBuffer> resealed(final Consumer<UnsafeBuffer> edit) {
        return b -> {
            edit.accept(b);
            FrameEncoder.reseal(b, 0);
        };
    }

    record Corruption(String name, UpdateEncoder codec, float[] values, Consumer<UnsafeBuffer> edit, int lengthDelta,
                      RejectReason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> corruptions() {
        final float[] x = values(1);
        final float[] withNaN = x.clone();
        withNaN[5] = Float.NaN;
        final float[] withInf = x.clone();
        withInf[D - 1] = Float.NEGATIVE_INFINITY;
        final float[] beyondHalf = x.clone();
        beyondHalf[2] = 70_000f;
        final List<Corruption> c = new ArrayList<>();
        final UpdateEncoder fp32 = UpdateEncoder.fp32();
        c.add(new Corruption("shorter than a header", fp32, x, b -> { }, -(length(frame(fp32, x)) - 10),
            RejectReason.TRUNCATED));
        c.add(new Corruption("one byte short", fp32, x, b -> { }, -1, RejectReason.TRUNCATED));
        c.add(new Corruption("one byte too many", fp32, x, b -> { }, 1, RejectReason.TRAILING_BYTES));
        c.add(new Corruption("bad magic", fp32, x, b -> b.putByte(0, (byte) 'X'), 0, RejectReason.BAD_MAGIC));
        c.add(new Corruption("version 1 (before the model version field)", fp32, x, b -> b.putByte(4, (byte) 1), 0,
            RejectReason.BAD_VERSION));
        c.add(new Corruption("version 3", fp32, x, b -> b.putByte(4, (byte) 3), 0, RejectReason.BAD_VERSION));
        c.add(new Corruption("version 0", fp32, x, b -> b.putByte(4, (byte) 0), 0, RejectReason.BAD_VERSION));
        c.add(new Corruption("unknown type", fp32, x, b -> b.putByte(5, (byte) 9), 0, RejectReason.BAD_TYPE));
        c.add(new Corruption("type 0", fp32, x, b -> b.putByte(5, (byte) 0), 0, RejectReason.BAD_TYPE));
        c.add(new Corruption("aggregate sent to a gradient receiver", fp32, x, resealed(b -> b.putByte(5, (byte) 2)), 0,
            RejectReason.BAD_TYPE));
        c.add(new Corruption("unknown codec", fp32, x, b -> b.putByte(6, (byte) 5), 0, RejectReason.BAD_CODEC));
        c.add(new Corruption("codec 255", fp32, x, b -> b.putByte(6, (byte) 0xFF), 0, RejectReason.BAD_CODEC));
        c.add(new Corruption("model version edited without resealing", fp32, x, b -> b.putInt(52, 1, LE), 0,
            RejectReason.BAD_CHECKSUM));
        c.add(new Corruption("unknown signature scheme", fp32, x, b -> b.putByte(7, (byte) 9), 0,
            RejectReason.BAD_SIGNATURE_FIELDS));
        c.add(new Corruption("unsigned frame claiming a signature", fp32, x, b -> b.putInt(44, 64, LE), 0,
            RejectReason.BAD_SIGNATURE_FIELDS));
        c.add(new Corruption("Ed25519 with no signature bytes", fp32, x, b -> b.putByte(7, (byte) 1), 0,
            RejectReason.BAD_SIGNATURE_FIELDS));
        c.add(new Corruption("negative signature length", fp32, x, b -> b.putInt(44, -1, LE), 0,
            RejectReason.BAD_SIGNATURE_FIELDS));
        c.add(new Corruption("previous round", fp32, x, b -> b.putLong(8, ROUND - 1, LE), 0, RejectReason.WRONG_ROUND));
        c.add(new Corruption("round -1", fp32, x, b -> b.putLong(8, -1, LE), 0, RejectReason.WRONG_ROUND));
        c.add(new Corruption("another cluster", fp32, x, b -> b.putInt(24, CLUSTER + 1, LE), 0, RejectReason.WRONG_GROUP));
        c.add(new Corruption("dimension 0", fp32, x, b -> b.putInt(28, 0, LE), 0, RejectReason.DIMENSION_MISMATCH));
        c.add(new Corruption("dimension negative", fp32, x, b -> b.putInt(28, Integer.MIN_VALUE, LE), 0,
            RejectReason.DIMENSION_MISMATCH));
        c.add(new Corruption("a whole frame of another dimension", fp32, new float[D / 2], b -> { }, 0,
            RejectReason.DIMENSION_MISMATCH));
        c.add(new Corruption("gradient claiming two inputs", fp32, x, b -> b.putInt(40, 2, LE), 0,
            RejectReason.BAD_INPUT_COUNT));
        c.add(new Corruption("gradient with zero inputs", fp32, x, b -> b.putInt(40, 0, LE), 0,
            RejectReason.BAD_INPUT_COUNT));
        c.add(new Corruption("fp32 with a parameter", fp32, x, b -> b.putInt(32, 1, LE), 0,
            RejectReason.BAD_CODEC_PARAMETER));
        c.add(new Corruption("int8 block 0", UpdateEncoder.int8(8, 1), x, b -> b.putInt(32, 0, LE), 0,
            RejectReason.BAD_CODEC_PARAMETER));
        c.add(new Corruption("int8 block 2^16 + 1", UpdateEncoder.int8(8, 1), x, b -> b.putInt(32, 65537, LE), 0,
            RejectReason.BAD_CODEC_PARAMETER));
        c.add(new Corruption("top-k with k = d + 1", UpdateEncoder.topK(D, 4), x, b -> b.putInt(32, D + 1, LE), 0,
            RejectReason.BAD_CODEC_PARAMETER));
        c.add(new Corruption("payload length short by 4", fp32, x, b -> b.putInt(36, 4 * D - 4, LE), 0,
            RejectReason.BAD_PAYLOAD_LENGTH));
        c.add(new Corruption("payload length huge", fp32, x, b -> b.putInt(36, Integer.MAX_VALUE, LE), 0,
            RejectReason.BAD_PAYLOAD_LENGTH));
        c.add(new Corruption("payload length negative", fp32, x, b -> b.putInt(36, -64, LE), 0,
            RejectReason.BAD_PAYLOAD_LENGTH));
        c.add(new Corruption("top-k longer than the plan allows", UpdateEncoder.topK(D, D), x, b -> { }, 0,
            RejectReason.PAYLOAD_TOO_LARGE));
        for (final int bit : new int[] {0, 7, 8 * 4 * D - 1}) {
            c.add(new Corruption("payload bit " + bit + " flipped", fp32, x,
                b -> b.putByte(H + bit / 8, (byte) (b.getByte(H + bit / 8) ^ (1 << (bit % 8)))), 0,
                RejectReason.BAD_CHECKSUM));
        }
        c.add(new Corruption("sender id bit flipped", fp32, x, b -> b.putByte(16, (byte) (b.getByte(16) ^ 1)), 0,
            RejectReason.BAD_CHECKSUM));
        c.add(new Corruption("checksum bit flipped", fp32, x, b -> b.putByte(50, (byte) (b.getByte(50) ^ 0x10)), 0,
            RejectReason.BAD_CHECKSUM));
        c.add(new Corruption("int8 payload bit flipped", UpdateEncoder.int8(8, 1), x,
            b -> b.putByte(70, (byte) (b.getByte(70) ^ 4)), 0, RejectReason.BAD_CHECKSUM));
        c.add(new Corruption("top-k indices out of order", UpdateEncoder.topK(D, 4), x, resealed(b -> {
            final int first = b.getInt(H, LE);
            b.putInt(H, b.getInt(H + 4, LE), LE);
            b.putInt(H + 4, first, LE);
        }), 0, RejectReason.BAD_INDICES));
        c.add(new Corruption("top-k index equal to d", UpdateEncoder.topK(D, 4), x, resealed(b -> b.putInt(H + 12, D, LE)),
            0, RejectReason.BAD_INDICES));
        c.add(new Corruption("top-k duplicate index", UpdateEncoder.topK(D, 4), x,
            resealed(b -> b.putInt(H + 4, b.getInt(H, LE), LE)), 0, RejectReason.BAD_INDICES));
        c.add(new Corruption("int8 negative scale", UpdateEncoder.int8(8, 1), x, resealed(b -> b.putFloat(H, -1f, LE)),
            0, RejectReason.BAD_SCALE));
        c.add(new Corruption("int8 NaN scale", UpdateEncoder.int8(8, 1), x, resealed(b -> b.putFloat(H + 4, Float.NaN, LE)),
            0, RejectReason.BAD_SCALE));
        c.add(new Corruption("int8 NaN input", UpdateEncoder.int8(8, 1), withNaN, b -> { }, 0, RejectReason.BAD_SCALE));
        c.add(new Corruption("int8 scale that would overflow on decode", UpdateEncoder.int8(8, 1), x,
            resealed(b -> b.putFloat(H, Float.MAX_VALUE, LE)), 0, RejectReason.BAD_SCALE));
        c.add(new Corruption("int8 infinite scale", UpdateEncoder.int8(8, 1), x,
            resealed(b -> b.putFloat(H, Float.POSITIVE_INFINITY, LE)), 0, RejectReason.BAD_SCALE));
        c.add(new Corruption("NaN with a bad checksum: the checksum is reported", fp32, withNaN,
            b -> b.putByte(16, (byte) (b.getByte(16) ^ 1)), 0, RejectReason.BAD_CHECKSUM));
        c.add(new Corruption("fp32 NaN", fp32, withNaN, b -> { }, 0, RejectReason.NON_FINITE));
        c.add(new Corruption("fp32 -infinity in the last value", fp32, withInf, b -> { }, 0, RejectReason.NON_FINITE));
        c.add(new Corruption("fp16 overflow to infinity", UpdateEncoder.fp16(), beyondHalf, b -> { }, 0,
            RejectReason.NON_FINITE));
        c.add(new Corruption("bf16 NaN", UpdateEncoder.bf16(), withNaN, b -> { }, 0, RejectReason.NON_FINITE));
        c.add(new Corruption("top-k NaN value", UpdateEncoder.topK(D, D / 4), x,
            resealed(b -> b.putFloat(H + 4 * (D / 4), Float.NaN, LE)), 0, RejectReason.NON_FINITE));
        return c.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void shouldRejectEachCorruptionWithItsReasonCountItAndAcceptTheNextGoodFrame(final Corruption c) {
        final FrameValidator v = validator();
        final UnsafeBuffer bad = frame(c.codec(), c.values());
        c.edit().accept(bad);
        final float[] dst = new float[D];
        java.util.Arrays.fill(dst, 12345f);

        assertEquals(c.reason(), v.validate(bad, 0, length(bad) + c.lengthDelta(), dst, 0));
        // Rejected before anything was decoded: not one value written.
        for (final float value : dst) {
            assertEquals(12345f, value);
        }
        assertEquals(1, v.rejected(c.reason()));
        assertEquals(1, v.rejectedTotal());
        assertEquals(0, v.accepted());

        final float[] x = values(2);
        final UnsafeBuffer good = frame(UpdateEncoder.fp32(), x);
        assertNull(v.validate(good, 0, length(good), dst, 0));
        assertArrayEquals(x, dst);
        assertEquals(1, v.accepted());
        assertEquals(1, v.rejectedTotal());
    }

    @Test
    void shouldRejectACodecThePlanDoesNotAllow() {
        final FrameValidator v = new FrameValidator(FrameLimits.of(FrameType.GRADIENT, ROUND, CLUSTER, D)
            .withCodecs(CodecId.INT8));
        final UnsafeBuffer f = frame(UpdateEncoder.fp32(), values(3));
        assertEquals(RejectReason.BAD_CODEC, v.validate(f, 0, length(f), new float[D], 0));
        assertEquals(1, v.rejectedByReason()[RejectReason.BAD_CODEC.ordinal()]);
    }

    @Test
    void shouldRefuseAGradientTrainedOnAnotherModelVersionAsStaleAndTakeTheRoundsOwn() {
        final FrameValidator v = new FrameValidator(GradientFrame.limits(ROUND, CLUSTER, D).withModelVersion(41));
        final float[] x = values(5);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D]);
        final float[] dst = new float[D];
        for (final long version : new long[] {40, 42, 0, 0xFFFF_FFFFL}) {
            GradientFrame.wrap(new FrameEncoder(), b, 0, ROUND, 99, CLUSTER).modelVersion(version)
                .encode(UpdateEncoder.fp32(), x, 0, D);
            assertEquals(RejectReason.STALE_MODEL, v.validate(b, 0, b.capacity(), dst, 0), "trained on v" + version);
        }
        assertEquals(4, v.rejectedByReason()[RejectReason.STALE_MODEL.ordinal()]);
        assertArrayEquals(new float[D], dst, "a refused frame writes nothing");
        GradientFrame.wrap(new FrameEncoder(), b, 0, ROUND, 99, CLUSTER).modelVersion(41).encode(UpdateEncoder.fp32(), x, 0, D);
        assertNull(v.validate(b, 0, b.capacity(), dst, 0));
        assertEquals(41, v.frame().modelVersion());
        assertArrayEquals(x, dst);
    }

    @Test
    void shouldRefuseAWatermarkWhoseModelVersionFieldIsNotZero() {
        final FrameValidator v = new FrameValidator(GradientFrame.limits(ROUND, CLUSTER, D).withModelVersion(41));
        final UnsafeBuffer b = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH]);
        final FrameEncoder e = new FrameEncoder().wrap(b, 0).roundId(ROUND).senderId(-1).groupId(CLUSTER);
        e.modelVersion(0).encodeWatermark();
        assertNull(v.check(b, 0, b.capacity()));
        b.putInt(FrameLayout.MODEL_VERSION_OFFSET, 41, LE);
        FrameEncoder.reseal(b, 0);
        assertEquals(RejectReason.BAD_RESERVED, v.check(b, 0, b.capacity()));
    }

    @Test
    void shouldAcceptAnAggregateWithManyInputsOnlyWhereAggregatesAreExpected() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D]);
        final float[] x = values(4);
        AggregateFrame.wrap(new FrameEncoder(), b, 0, ROUND, 5, 2, 950).encode(UpdateEncoder.fp32(), x, 0, D);
        final FrameValidator continental = new FrameValidator(AggregateFrame.limits(ROUND, 2, D));
        final float[] dst = new float[D];
        assertNull(continental.validate(b, 0, b.capacity(), dst, 0));
        assertEquals(950, continental.frame().inputCount());
        assertArrayEquals(x, dst);
        assertEquals(RejectReason.BAD_TYPE, validator().validate(b, 0, b.capacity(), dst, 0));
    }

    @Test
    void shouldAcceptEveryCodecsFramesAndDecodeThemLikeTheCodecDoes() {
        final float[] x = values(5);
        for (final UpdateEncoder codec : List.of(UpdateEncoder.fp32(), UpdateEncoder.fp16(), UpdateEncoder.bf16(),
            UpdateEncoder.int8(Codecs.INT8_DEFAULT_BLOCK, 3), UpdateEncoder.topK(D, 3))) {
            final UnsafeBuffer f = frame(codec, x);
            final float[] dst = new float[D];
            assertNull(validator().validate(f, 0, length(f), dst, 0), codec.codec().label());
            for (int i = 0; i < D; i++) {
                final float tolerance = switch (codec.codec()) {
                    case FP32 -> 0f;
                    case FP16 -> Math.abs(x[i]) * 0x1p-11f + 1e-7f;
                    case BF16 -> Math.abs(x[i]) * 0x1p-8f;
                    case INT8 -> 3f / 127f * 1.001f;
                    case TOPK -> dst[i] == 0f ? Math.abs(x[i]) : 0f;
                };
                assertEquals(x[i], dst[i], tolerance, codec.codec().label() + " value " + i);
            }
        }
    }
}
