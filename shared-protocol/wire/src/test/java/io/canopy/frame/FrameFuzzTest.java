package io.canopy.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import io.canopy.codec.CodecId;
import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.fuzz.FuzzRun;
import io.canopy.round.Streams;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Whatever bytes reach a receiver, the frame validator returns null (accepted) or a {@link RejectReason}: no exception
 * escapes, a rejected frame leaves the destination untouched, nothing it declares makes it allocate, and what it accepts decodes to
 * finite values. Three sources: arbitrary bytes behind a valid magic, valid frames of every codec with bytes changed,
 * and tagged aggregates with bytes changed (the link check must refuse, never throw).
 */
class FrameFuzzTest {
    private static final String SEED = "20261203";
    private static final int D = 24;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final LinkAuthentication LINKS = LinkAuthentication.fresh();

    private final FrameValidator gradients = new FrameValidator(GradientFrame.limits(5, FrameLimits.ANY_GROUP, D));
    private final FrameValidator aggregates = new FrameValidator(AggregateFrame.limits(5, 0, D)
        .withAuthenticator(LINKS.verifier(Streams.CONTINENT_TO_GLOBAL)));
    private final float[] dst = new float[D];
    private final float[] untouched = new float[D];

    FrameFuzzTest() {
        // Each codec's decoder once before measuring: a first use links classes and lambdas (a one-off, not per frame).
        int[] length = new int[1];
        for (CodecId codec : CodecId.values()) {
            for (int i = 0; i < 3; i++) {
                gradients.validate(frame(codec, i, length), 0, length[0], dst, 0);
            }
        }
    }

    /** Validates, and checks the outcome is one of the two allowed ones and allocated nothing. */
    private RejectReason validated(FrameValidator validator, UnsafeBuffer buffer, int length) {
        Arrays.fill(dst, Float.NaN);
        Arrays.fill(untouched, Float.NaN);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        RejectReason reason = validator.validate(buffer, 0, length, dst, 0);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        // Nothing a frame declares (payload length, dimension, k) makes it allocate: at most a one-off class linkage
        // or the JDK's HMAC state, never anything sized by the frame (HotPathAllocationTest pins steady state at 0).
        assertTrue(allocated < 16 << 10, allocated + " bytes allocated validating a frame (" + reason + ", codec "
            + buffer.getByte(FrameLayout.CODEC_OFFSET) + ")");
        if (reason == null) {
            for (float v : dst) {
                assertTrue(Float.isFinite(v), "an accepted frame decoded to " + Arrays.toString(dst));
            }
        } else {
            assertArrayEquals(untouched, dst, "a refused frame (" + reason + ") wrote to the destination");
        }
        return reason;
    }

    private static UnsafeBuffer frame(CodecId codec, long seed, int[] length) {
        float[] update = new float[D];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int j = 0; j < D; j++) {
            update[j] = (float) random.nextGaussian();
        }
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 8 * D + 64]);
        length[0] = GradientFrame.header(new FrameEncoder().wrap(buffer, 0), 5, seed, 3)
            .encode(UpdateEncoder.of(codec, D, seed), update, 0, D);
        return buffer;
    }

    @Property(seed = SEED, tries = 3000)
    void arbitraryBytesBehindAValidMagicAreAcceptedOrRefusedWithAReason(@ForAll @Size(max = 400) byte[] bytes,
                                                                       @ForAll boolean withMagic) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(bytes.length, 8)]);
        buffer.putBytes(0, bytes);
        if (withMagic) {
            buffer.putInt(FrameLayout.MAGIC_OFFSET, FrameLayout.MAGIC, java.nio.ByteOrder.LITTLE_ENDIAN);
            buffer.putByte(FrameLayout.VERSION_OFFSET, (byte) FrameLayout.VERSION);
        }
        validated(gradients, buffer, bytes.length);
        validated(aggregates, buffer, bytes.length);
    }

    @Property(seed = SEED, tries = 3000)
    void aValidFrameOfAnyCodecWithBytesChangedIsAcceptedOrRefusedWithAReason(
        @ForAll CodecId codec, @ForAll @IntRange(min = 0, max = 1000) int seed, @ForAll @Size(min = 1, max = 4) int[] where,
        @ForAll @Size(min = 4, max = 4) byte[] values, @ForAll boolean reseal, @ForAll @IntRange(min = -8, max = 8) int cut) {
        int[] length = new int[1];
        UnsafeBuffer buffer = frame(codec, seed, length);
        assertNull(validated(gradients, buffer, length[0]), "the unedited " + codec + " frame (seed " + seed + ") is accepted");
        for (int i = 0; i < where.length; i++) {
            int at = Math.floorMod(where[i], length[0]);
            buffer.putByte(at, values[i]);
        }
        int payload = buffer.getInt(FrameLayout.PAYLOAD_LENGTH_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (reseal && payload >= 0 && FrameLayout.HEADER_LENGTH + (long) payload <= buffer.capacity()) {
            FrameEncoder.reseal(buffer, 0); // an attacker recomputes the CRC: the content checks must hold on their own
        }
        int n = Math.max(0, Math.min(buffer.capacity(), length[0] + cut));
        validated(gradients, buffer, n);
    }

    @Property(seed = SEED, tries = 2000)
    void aTaggedAggregateWithBytesChangedIsRefusedWithAReasonNeverAnException(
        @ForAll @IntRange(min = 0, max = 1000) int seed, @ForAll @IntRange(min = 0, max = 10_000) int where,
        @ForAll byte value, @ForAll boolean reseal) {
        float[] update = new float[D];
        Arrays.fill(update, seed / 1000f);
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D + 32]);
        int length = AggregateFrame.header(new FrameEncoder().wrap(buffer, 0).signer(LINKS.signer(Streams.CONTINENT_TO_GLOBAL)),
            5, seed % 4, 0, 7).encode(UpdateEncoder.fp32(), update, 0, D);
        assertNull(validated(aggregates, buffer, length), "the unedited aggregate is accepted");
        int at = where % length;
        if (buffer.getByte(at) == value) {
            return; // not an edit
        }
        buffer.putByte(at, value);
        int payload = buffer.getInt(FrameLayout.PAYLOAD_LENGTH_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean crcField = at >= FrameLayout.CHECKSUM_OFFSET && at < FrameLayout.MODEL_VERSION_OFFSET;
        if (reseal && !crcField && payload >= 0 && FrameLayout.HEADER_LENGTH + (long) payload <= buffer.capacity()) {
            FrameEncoder.reseal(buffer, 0);
        }
        RejectReason reason = validated(aggregates, buffer, length);
        assertTrue(reason != null, "an aggregate with byte " + at + " set to " + value + " was accepted");
    }

    @Test
    @Tag(FuzzRun.TAG)
    void longRun() {
        CodecId[] codecs = CodecId.values();
        FuzzRun.run("frames", r -> {
            arbitraryBytesBehindAValidMagicAreAcceptedOrRefusedWithAReason(FuzzRun.bytes(r, 400), r.nextBoolean());
            int[] where = new int[1 + r.nextInt(4)];
            for (int i = 0; i < where.length; i++) {
                where[i] = r.nextInt();
            }
            byte[] values = new byte[4];
            r.nextBytes(values);
            aValidFrameOfAnyCodecWithBytesChangedIsAcceptedOrRefusedWithAReason(codecs[r.nextInt(codecs.length)],
                r.nextInt(1001), where, values, r.nextBoolean(), r.nextInt(17) - 8);
            aTaggedAggregateWithBytesChangedIsRefusedWithAReasonNeverAnException(r.nextInt(1001), r.nextInt(10_001),
                (byte) r.nextInt(), r.nextBoolean());
        });
    }
}
