package io.canopy.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.codec.UpdateEncoder;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Encoding and validating a frame over off-heap buffers allocates nothing once the JIT has compiled it. */
class HotPathAllocationTest {

    private static final int D = 4096;

    /**
     * Bytes {@code work} allocates, the least of up to {@value #TRIES} runs, stopping at the first that allocates
     * nothing. A per-frame allocation shows in every run. What must not fail the test is the JIT being late: on a busy
     * machine C2 may still be compiling the loops after the warm-up, and until it has scalar-replaced the Vector API's
     * temporaries they are allocated (56 bytes in 1,000 frames was seen with a compile running beside the suite).
     * Each run warms the code further, so the bound is a count of runs, not a time.
     */
    private static long leastAllocated(final Runnable work) {
        return io.canopy.testing.AllocationMeter.leastBytes(work, TRIES, 0);
    }

    /** Runs of {@link #leastAllocated}: far more than a late compile needs; a real allocation never reaches zero. */
    private static final int TRIES = 50;

    @Test
    void shouldEncodeValidateAndDecodeEveryCodecWithoutAllocating() {
        final float[] x = new float[D];
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < D; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameLayout.HEADER_LENGTH + 8 * D, 64));
        final FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0);
        final FrameValidator validator = new FrameValidator(FrameLimits.of(FrameType.GRADIENT, 1, 2, D));
        final float[] out = new float[D];
        final List<UpdateEncoder> codecs = List.of(UpdateEncoder.fp32(), UpdateEncoder.fp16(), UpdateEncoder.bf16(),
            UpdateEncoder.int8(256, 9), UpdateEncoder.topK(D, D / 100));
        for (final UpdateEncoder codec : codecs) {
            final Runnable once = () -> {
                final int n = encoder.type(FrameType.GRADIENT).roundId(1).senderId(5).groupId(2).inputCount(1)
                    .encode(codec, x, 0, D);
                assertNull(validator.validate(buffer, 0, n, out, 0));
            };
            // Enough calls for C2 to compile the loops and scalar-replace the Vector API's temporaries.
            for (int i = 0; i < 30_000; i++) {
                once.run();
            }
            final long allocated = leastAllocated(() -> {
                for (int i = 0; i < 1_000; i++) {
                    once.run();
                }
            });
            assertEquals(0, allocated, codec.codec().label() + " allocated " + allocated + " bytes in 1000 frames");
        }
    }

    @Test
    void shouldValidateFramesFromManyDistinctOffHeapBuffersWithoutAllocating() {
        // A cluster's subscription sees one set of term buffers per sending leaf: many addresses.
        final int buffers = 64;
        final int d = 256;
        final UnsafeBuffer[] frames = new UnsafeBuffer[buffers];
        final int[] lengths = new int[buffers];
        final float[] x = new float[d];
        final FrameEncoder encoder = new FrameEncoder();
        for (int b = 0; b < buffers; b++) {
            frames[b] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameLayout.HEADER_LENGTH + 4 * d, 64));
            x[b % d] = b;
            lengths[b] = encoder.wrap(frames[b], 0).type(FrameType.GRADIENT).roundId(1).senderId(b).groupId(2)
                .inputCount(1).encode(UpdateEncoder.fp32(), x, 0, d);
        }
        final FrameValidator validator = new FrameValidator(FrameLimits.of(FrameType.GRADIENT, 1, 2, d));
        final float[] out = new float[d];
        for (int i = 0; i < 50_000; i++) {
            assertNull(validator.validate(frames[i % buffers], 0, lengths[i % buffers], out, 0));
        }
        assertEquals(0, leastAllocated(() -> {
            for (int i = 0; i < 10_000; i++) {
                assertNull(validator.validate(frames[i % buffers], 0, lengths[i % buffers], out, 0));
            }
        }));
        assertTrue(FrameChecksum.direct(), "Canopy's JVM flags open java.util.zip for the CRC32C intrinsic");
    }

    @Test
    void shouldComputeTheSameChecksumOnAndOffTheHeap() {
        final byte[] bytes = new byte[FrameLayout.HEADER_LENGTH + 1000];
        new SplittableRandom(8).nextBytes(bytes);
        final UnsafeBuffer heap = new UnsafeBuffer(bytes);
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(bytes.length + 7, 64));
        direct.putBytes(7, bytes);
        final java.util.zip.CRC32C reference = new java.util.zip.CRC32C();
        reference.update(bytes, 0, FrameLayout.CHECKSUM_OFFSET);
        reference.update(bytes, FrameLayout.MODEL_VERSION_OFFSET, bytes.length - FrameLayout.MODEL_VERSION_OFFSET);
        final FrameChecksum checksum = new FrameChecksum();
        assertEquals((int) reference.getValue(), checksum.compute(heap, 0, 1000));
        assertEquals((int) reference.getValue(), checksum.compute(direct, 7, 1000));
    }
}
