package io.canopy.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.canopy.fuzz.FuzzRun;
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
 * Whatever a {@code .npy} file holds, {@link NpyFormat#read} returns an array or throws {@link FileFormatException}
 * naming the file and the problem, and never allocates beyond a small multiple of the file: every declared length
 * (header length, shape) is checked against the file's size first.
 */
class NpyFuzzTest {

    private static final String SEED = "20261202";
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Path FILE;
    private static final byte[] VALID;

    static {
        try {
            FILE = Files.createTempDirectory("npy-fuzz").resolve("fuzz.npy");
            try (FileChannel ch = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
                NpyFormat.write(ch, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            }
            VALID = Files.readAllBytes(FILE);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void readsOrRefuses(byte[] bytes, int rank) throws IOException {
        Files.write(FILE, bytes);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            NpyFormat.read(FILE, rank);
        } catch (FileFormatException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": ") && e.getMessage().length() > FILE.toString().length() + 2,
                e.getMessage());
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        // The header buffer is bounded by the file (and 1 MiB); the data by the file: 4 bytes per value at most.
        // Plus a constant for regexes, messages and cold paths: far below what a declared shape could ask for.
        assertTrue(allocated < 4L * bytes.length + (1 << 20), allocated + " bytes for a file of " + bytes.length);
    }

    @Property(seed = SEED, tries = 2000)
    void aValidFileWithBytesChangedReadsOrIsRefusedWithAReason(@ForAll @IntRange(max = 200) int where,
                                                                @ForAll byte value, @ForAll @IntRange(max = 2) int how,
                                                                @ForAll @IntRange(min = 1, max = 2) int rank)
        throws IOException {
        int at = where % VALID.length;
        byte[] b = switch (how) {
            case 0 -> VALID.clone();
            case 1 -> java.util.Arrays.copyOf(VALID, at);
            default -> java.util.Arrays.copyOf(VALID, VALID.length + 1 + at % 9);
        };
        if (how == 0) {
            b[at] = value;
        }
        readsOrRefuses(b, rank);
    }

    @Property(seed = SEED, tries = 2000)
    void anyHeaderReadsOrIsRefusedWithAReason(@ForAll("headers") String header, @ForAll @IntRange(max = 64) int data,
                                              @ForAll boolean version2) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyFormat.MAGIC).put((byte) (version2 ? 2 : 1)).put((byte) 0);
        if (version2) {
            b.putInt(h.length);
        } else {
            b.putShort((short) h.length);
        }
        b.put(h);
        readsOrRefuses(java.util.Arrays.copyOf(b.array(), b.position() + data), 2);
    }

    @Property(seed = SEED, tries = 1000)
    void arbitraryBytesAreRefusedWithAReason(@ForAll @Size(max = 64) byte[] bytes) throws IOException {
        readsOrRefuses(bytes, 1);
    }

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> descr = Arbitraries.of("'<f4'", "'>f8'", "'|u1'", "'<f99999999999'", "'<f0'", "'f4'", "''");
        Arbitrary<String> shape = Arbitraries.of("(2, 3)", "(3,)", "()", "(0, 3)", "(-1, 2)", "(99999999999, 99999)",
            "(4294967296, 2)", "(2, 3, 4)", "(a, b)", "(1,2", "(,)");
        Arbitrary<String> fortran = Arbitraries.of("False", "True", "0");
        return net.jqwik.api.Combinators.combine(descr, shape, fortran, Arbitraries.of("{", "", "{{"))
            .as((d, s, f, open) -> open + "'descr': " + d + ", 'fortran_order': " + f + ", 'shape': " + s + ", }\n");
    }

    @Test
    @Tag(FuzzRun.TAG)
    void longRun() {
        FuzzRun.run("npy", r -> {
            aValidFileWithBytesChangedReadsOrIsRefusedWithAReason(r.nextInt(201), (byte) r.nextInt(), r.nextInt(3),
                1 + r.nextInt(2));
            arbitraryBytesAreRefusedWithAReason(FuzzRun.bytes(r, 64));
        });
    }
}
