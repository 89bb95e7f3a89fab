package io.canopy.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;

/**
 * Views an Agrona buffer as a {@link MemorySegment} so codecs can use the Vector API's
 * {@code fromMemorySegment}/{@code intoMemorySegment} on it. Off-heap buffers (Aeron's term
 * buffers, the publisher's buffer, a direct fragment assembler) all map onto one static segment
 * spanning the address space, so the hot path allocates nothing; heap buffers get an array
 * segment (tests, mostly).
 *
 * <p>Bounds are the caller's job: the frame validator checks every length against the buffer
 * before a codec touches it.
 */
public final class Segments {

    /** All of native memory; addresses are absolute. Needs {@code --enable-native-access=ALL-UNNAMED}. */
    public static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    public static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Segments() {
    }

    /** The segment holding {@code buffer}'s bytes. */
    public static MemorySegment of(final DirectBuffer buffer) {
        final byte[] array = buffer.byteArray();
        return array != null ? MemorySegment.ofArray(array) : NATIVE;
    }

    /** The offset in {@link #of(DirectBuffer)} of {@code buffer}'s byte {@code index}. */
    public static long offset(final DirectBuffer buffer, final int index) {
        return buffer.byteArray() != null ? buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET + index
            : buffer.addressOffset() + index;
    }
}
