package io.canopy.frame;

import io.canopy.codec.Segments;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.slf4j.LoggerFactory;

/**
 * CRC32C (Castagnoli polynomial 0x1EDC6F41, RFC 3720 §12.1) of a frame's header — all but the
 * checksum field itself — and payload, computed by {@link java.util.zip.CRC32C}'s code, which the
 * JIT turns into the CPU's CRC32 instructions.
 *
 * <p>{@code CRC32C}'s public API reads off-heap memory only through a {@link ByteBuffer}, and a
 * receiver sees a different off-heap buffer per Aeron term and per sender's image, so making a view
 * per frame would allocate. Like Agrona's {@code org.agrona.checksum.Crc32c}, this calls the JDK's
 * private {@code CRC32C.updateDirectByteBuffer(crc, address, from, end)} — the same intrinsic — on
 * raw addresses; that needs {@code --add-opens java.base/java.util.zip=ALL-UNNAMED} (in Canopy's JVM
 * flags). Without it, views of the last few buffers seen are cached instead (correct, and
 * allocation-free until more than {@value #VIEWS} off-heap buffers take turns).
 *
 * <p>One instance per thread.
 */
public final class FrameChecksum {

    private static final int VIEWS = 4;
    private static final MethodHandle UPDATE_DIRECT = updateDirect();

    private final CRC32C crc = new CRC32C();
    private final long[] addresses = new long[VIEWS];
    private final int[] capacities = new int[VIEWS];
    private final ByteBuffer[] views = new ByteBuffer[VIEWS];
    private int nextSlot;
    private boolean direct;
    private int state;

    private static MethodHandle updateDirect() {
        try {
            final Method m = CRC32C.class.getDeclaredMethod("updateDirectByteBuffer", int.class, long.class, int.class,
                int.class);
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m);
        } catch (final ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(FrameChecksum.class).warn("CRC32C over off-heap frames falls back to cached"
                + " ByteBuffer views ({}); add --add-opens java.base/java.util.zip=ALL-UNNAMED", e.toString());
            return null;
        }
    }

    /** Whether off-heap checksums go straight to the JDK's intrinsic (true with Canopy's JVM flags). */
    public static boolean direct() {
        return UPDATE_DIRECT != null;
    }

    /** The checksum of the frame at {@code offset} whose payload is {@code payloadLength} bytes. */
    public int compute(final DirectBuffer buffer, final int offset, final int payloadLength) {
        beginHeader(buffer, offset);
        update(buffer, offset + FrameLayout.HEADER_LENGTH, payloadLength);
        return value();
    }

    /**
     * Starts a checksum of the frame at {@code offset} in {@code buffer} and feeds it the header (all
     * but the checksum field); feed the payload with {@link #update}, in order, then read {@link #value}.
     * The incremental form lets a receiver check each chunk's content while the chunk is in cache.
     */
    public void beginHeader(final DirectBuffer buffer, final int offset) {
        direct = buffer.byteArray() == null && UPDATE_DIRECT != null;
        state = 0xFFFFFFFF;
        crc.reset();
        update(buffer, offset, FrameLayout.CHECKSUM_OFFSET);
        update(buffer, offset + FrameLayout.MODEL_VERSION_OFFSET, FrameLayout.HEADER_LENGTH - FrameLayout.MODEL_VERSION_OFFSET);
    }

    /** Adds {@code buffer[index..+length)}; the same buffer as {@link #beginHeader}. */
    public void update(final DirectBuffer buffer, final int index, final int length) {
        if (direct) {
            try {
                // The JDK keeps the running CRC complemented: it starts from ~0 and is complemented at the end.
                state = (int) UPDATE_DIRECT.invokeExact(state, buffer.addressOffset(), index, index + length);
            } catch (final Throwable t) {
                throw new IllegalStateException("CRC32C intrinsic call failed", t);
            }
            return;
        }
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

    /** The checksum of everything fed since {@link #beginHeader}. */
    public int value() {
        return direct ? ~state : (int) crc.getValue();
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
