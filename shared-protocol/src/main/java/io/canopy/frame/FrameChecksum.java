package io.canopy.frame;

import io.canopy.codec.Segments;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;

/**
 * CRC32C (Castagnoli polynomial 0x1EDC6F41, RFC 3720 §12.1) of a frame's header — all but the
 * checksum field itself — and payload, with {@link java.util.zip.CRC32C}, which the JIT turns into
 * the CPU's CRC32 instructions.
 *
 * <p>{@code CRC32C} reads off-heap memory only through a {@link ByteBuffer}; making one per frame
 * would allocate, so views of the last few off-heap buffers seen (Aeron's three term partitions
 * and an assembly buffer) are kept and re-pointed. One instance per thread.
 */
public final class FrameChecksum {

    private static final int VIEWS = 4;

    private final CRC32C crc = new CRC32C();
    private final long[] addresses = new long[VIEWS];
    private final int[] capacities = new int[VIEWS];
    private final ByteBuffer[] views = new ByteBuffer[VIEWS];
    private int nextSlot;

    /** The checksum of the frame at {@code offset} whose payload is {@code payloadLength} bytes. */
    public int compute(final DirectBuffer buffer, final int offset, final int payloadLength) {
        crc.reset();
        update(buffer, offset, FrameLayout.CHECKSUM_OFFSET);
        update(buffer, offset + FrameLayout.RESERVED_OFFSET,
            FrameLayout.HEADER_LENGTH - FrameLayout.RESERVED_OFFSET + payloadLength);
        return (int) crc.getValue();
    }

    private void update(final DirectBuffer buffer, final int index, final int length) {
        final byte[] array = buffer.byteArray();
        if (array != null) {
            crc.update(array, (int) (buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + index, length);
            return;
        }
        final ByteBuffer view = view(buffer.addressOffset(), buffer.capacity());
        view.clear();
        view.position(index);
        view.limit(index + length);
        crc.update(view);
    }

    private ByteBuffer view(final long address, final int capacity) {
        for (int i = 0; i < VIEWS; i++) {
            if (views[i] != null && addresses[i] == address && capacities[i] == capacity) {
                return views[i];
            }
        }
        final int slot = nextSlot;
        nextSlot = (nextSlot + 1) % VIEWS;
        addresses[slot] = address;
        capacities[slot] = capacity;
        views[slot] = Segments.NATIVE.asSlice(address, capacity).asByteBuffer();
        return views[slot];
    }
}
