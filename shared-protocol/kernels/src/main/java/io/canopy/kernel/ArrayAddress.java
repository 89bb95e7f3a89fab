package io.canopy.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where a heap array lies in memory right now, so that a kernel can start its vector loads on a cache line.
 *
 * <p>Java gives a heap array no address, but a critical downcall ({@link Linker.Option#critical(boolean)} with heap
 * access) hands native code the raw address of a heap segment, and C's {@code memset(p, 0, 0)} writes nothing and
 * returns p (C11 7.24.6.1). The answer holds until a collection moves the array, so callers ask once per call and
 * use it for speed only: a stale answer costs split loads, never a wrong result. Where native access is refused
 * ({@code --illegal-native-access=deny}) or the linker is missing, every array reads as already on a line.
 */
final class ArrayAddress {

    /** Bytes of a cache line on x86-64 and most AArch64 parts. */
    static final int LINE = 64;
    private static final MethodHandle MEMSET = memset();

    private ArrayAddress() {
    }

    private static MethodHandle memset() {
        try {
            final Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("memset").map(f -> linker.downcallHandle(f,
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG), Linker.Option.critical(true))).orElse(null);
        } catch (RuntimeException unavailable) {
            return null;
        }
    }

    /**
     * Elements of 4 bytes to skip from the start of the array behind {@code view} (a heap segment of a
     * {@code float[]}, {@link MemorySegment#ofArray(float[])}) so that the next one starts a {@value #LINE}-byte
     * line: 0 to 15, or 0 when the address cannot be read.
     */
    static int floatsToLine(final MemorySegment view) {
        if (MEMSET == null) {
            return 0;
        }
        final long address;
        try {
            address = (long) MEMSET.invokeExact(view, 0, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("memset(p, 0, 0) failed", e);
        }
        return (int) (-address & (LINE - 1)) >> 2;
    }
}
