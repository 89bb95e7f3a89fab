package io.canopy.control.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.canopy.fuzz.FuzzRun;
import io.canopy.straggler.QuorumPolicy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bounded reads of control messages: whatever bytes arrive, a reader either decodes them or throws the one documented
 * {@link ControlFormatException} with a reason, and never allocates more than a small multiple of the message.
 */
class ControlFuzzTest {

    private static final long SEED = 20261202L;
    private static final int MAX = 4096;
    /**
     * What one read may allocate at most: 8 bytes per message byte for arrays, plus Kryo's record serializer, whose
     * reflection and exceptions cost a few hundred KB on a cold path. Far below what a declared length could ask for
     * (3.2 GB for six bytes before the bound).
     */
    private static final long ALLOCATION_BOUND = 2 << 20;

    private static final Kryo KRYO = ControlSerializer.newKryo(ControlTypeRegistry.of(List.of(new SharedControlTypes())),
        null);
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final List<Object> VALID = List.of(new int[] {3, 1, 4, 1, 5}, new long[] {-1, Long.MAX_VALUE, 7},
        new double[] {0.5, Double.NaN}, new float[] {1f, 2f, 3f}, new String[] {"krum", null, "trimmed-mean", "ε"},
        Duration.ofMillis(1234), new QuorumPolicy(1000, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(9),
            Duration.ofMillis(250), 1.3));

    private static byte[] encode(Object o) {
        try (Output out = new Output(256, -1)) {
            KRYO.writeClassAndObject(out, o);
            return out.toBytes();
        }
    }

    /** Reads {@code bytes}; returns the refusal's message, or null when they decoded. Fails on anything else. */
    private static String read(byte[] bytes) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        String refusal = null;
        try {
            ControlSerializer.read(KRYO, bytes, MAX);
        } catch (ControlFormatException e) {
            refusal = e.getMessage();
            assertTrue(refusal != null && !refusal.isBlank(), "a refusal says why");
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated reading " + bytes.length + " bytes");
        return refusal;
    }

    @Test
    void shouldRefuseSixBytesDeclaringThreeGigabytesOfFloatsBeforeAllocating() {
        // float[] is registered as 118: Kryo writes id + 2, then length + 1 as a varint (805 306 369).
        byte[] six = {(byte) 120, (byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x03};
        long before = THREADS.getCurrentThreadAllocatedBytes();
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlSerializer.read(KRYO, six,
            MAX));
        assertTrue(THREADS.getCurrentThreadAllocatedBytes() - before < ALLOCATION_BOUND);
        assertEquals("a control message declares a float array of 805306368 elements, which needs at least 3221225472"
            + " bytes, but only 0 bytes remain; refused before allocating", e.getMessage());
    }

    @Test
    void shouldRefuseAStringArrayAndAStringDeclaringMoreThanTheMessageHolds() {
        byte[] strings = {(byte) 105, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        assertEquals("a control message declares an array of String of 2147483646 elements, which needs at least"
            + " 2147483646 bytes, but only 0 bytes remain; refused before allocating",
            assertThrows(ControlFormatException.class, () -> ControlSerializer.read(KRYO, strings, MAX)).getMessage());
        // A String[] of one UTF-8 string whose length says a billion chars.
        byte[] string = {(byte) 105, 0x02, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        String why = assertThrows(ControlFormatException.class, () -> ControlSerializer.read(KRYO, string, MAX))
            .getMessage();
        assertTrue(why.startsWith("a control message declares a string of "), why);
    }

    @Test
    void shouldRefuseAMessageLongerThanTheLimitUnread() {
        assertEquals("a control message of 4097 bytes is longer than the 4096 allowed; refused unread",
            assertThrows(ControlFormatException.class, () -> ControlSerializer.read(KRYO, new byte[MAX + 1], MAX))
                .getMessage());
    }

    @Test
    void shouldStillReadEveryValidMessage() {
        for (Object o : VALID) {
            assertNotNull(ControlSerializer.read(KRYO, encode(o), MAX), o.toString());
        }
    }

    @Property(seed = "" + SEED, tries = 3000)
    void arbitraryBytesDecodeOrAreRefusedWithAReason(@ForAll @Size(max = 48) byte[] bytes) {
        read(bytes);
    }

    @Property(seed = "" + SEED, tries = 3000)
    void aValidMessageWithBytesChangedDecodesOrIsRefusedWithAReason(@ForAll("valid") byte[] message,
                                                                      @ForAll @IntRange(max = 1000) int where,
                                                                      @ForAll byte value,
                                                                      @ForAll @IntRange(max = 2) int how) {
        int at = where % message.length;
        byte[] changed = switch (how) {
            case 0 -> message.clone();
            case 1 -> java.util.Arrays.copyOf(message, at);
            default -> {
                byte[] b = java.util.Arrays.copyOf(message, message.length + 5);
                System.arraycopy(message, at, b, at + 5, message.length - at);
                java.util.Arrays.fill(b, at, at + 5, value);
                yield b;
            }
        };
        if (how == 0) {
            changed[at] = value;
        }
        read(changed);
    }

    @Property(seed = "" + SEED, tries = 1000)
    void aClientBodyDecodesOrIsRefusedWithAReason(@ForAll @Size(max = 48) byte[] bytes) {
        ControlCodec codec = CODEC.get();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            codec.decodeAll(bytes);
        } catch (ControlFormatException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        } catch (RuntimeException e) {
            throw new AssertionError("undocumented " + e + " for " + java.util.Arrays.toString(bytes), e);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated for " + java.util.Arrays.toString(bytes));
    }

    private static final ThreadLocal<ControlCodec> CODEC =
        ThreadLocal.withInitial(() -> ControlCodec.load(ControlFuzzTest.class.getClassLoader(), MAX));

    @Provide
    Arbitrary<byte[]> valid() {
        return Arbitraries.of(VALID).map(ControlFuzzTest::encode);
    }

    @Test
    @Tag(FuzzRun.TAG)
    void longRun() {
        FuzzRun.run("control", r -> {
            arbitraryBytesDecodeOrAreRefusedWithAReason(FuzzRun.bytes(r, 48));
            aValidMessageWithBytesChangedDecodesOrIsRefusedWithAReason(encode(VALID.get(r.nextInt(VALID.size()))),
                r.nextInt(1001), (byte) r.nextInt(), r.nextInt(3));
            aClientBodyDecodesOrIsRefusedWithAReason(FuzzRun.bytes(r, 48));
        });
    }
}
