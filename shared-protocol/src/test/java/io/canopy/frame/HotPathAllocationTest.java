package io.canopy.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.canopy.codec.UpdateEncoder;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Encoding and validating a frame over off-heap buffers allocates nothing once the JIT has compiled it. */
class HotPathAllocationTest {

    private static final int D = 4096;

    @Test
    void shouldEncodeValidateAndDecodeEveryCodecWithoutAllocating() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
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
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++) {
                once.run();
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, codec.codec().label() + " allocated " + allocated + " bytes in 1000 frames");
        }
    }
}
