package io.canopy.codec;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Top-k sparsification's wire side: k int32 indices, strictly increasing in [0, d), then their k
 * binary32 values. Selection and error feedback live in the sender's {@link TopKEncoder}.
 */
public final class TopKCodec {

    private TopKCodec() {
    }

    /**
     * Writes {@code dst} as d zeros with the k listed values scattered in; checks the indices first,
     * so a bad index list writes nothing.
     */
    public static int decode(final MemorySegment src, final long srcOffset, final int d, final int k,
                             final float[] dst, final int dstOffset) {
        int previous = -1;
        for (int j = 0; j < k; j++) {
            final int index = src.get(Segments.INT_LE, srcOffset + 4L * j);
            // Strictly increasing and below d: no duplicates, no out-of-range writes.
            if (index <= previous || index >= d) {
                return Codecs.BAD_INDICES;
            }
            previous = index;
        }
        Arrays.fill(dst, dstOffset, dstOffset + d, 0f);
        final long values = srcOffset + 4L * k;
        float bad = 0f;
        for (int j = 0; j < k; j++) {
            final float v = src.get(Segments.FLOAT_LE, values + 4L * j);
            bad += v - v;
            dst[dstOffset + src.get(Segments.INT_LE, srcOffset + 4L * j)] = v;
        }
        return bad == 0f ? Codecs.OK : Codecs.NON_FINITE;
    }
}
