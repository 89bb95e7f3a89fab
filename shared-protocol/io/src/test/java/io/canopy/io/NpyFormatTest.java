package io.canopy.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFormatTest {

    @TempDir
    Path dir;

    /** A .npy file as NumPy writes it, built byte by byte so the reader is checked against the format, not itself. */
    static byte[] npy(final int major, final String descr, final String shape, final boolean fortran,
                      final ByteOrder order, final double[] values, final int itemSize) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
            + shape + "), }";
        final int prefix = major == 1 ? 10 : 12;
        dict += " ".repeat((64 - (prefix + dict.length() + 1) % 64) % 64) + "\n";
        final ByteBuffer b = ByteBuffer.allocate(prefix + dict.length() + values.length * itemSize);
        b.order(ByteOrder.LITTLE_ENDIAN).put(NpyFormat.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) dict.length());
        } else {
            b.putInt(dict.length());
        }
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1)).order(order);
        for (final double v : values) {
            if (itemSize == 4) {
                b.putFloat((float) v);
            } else {
                b.putDouble(v);
            }
        }
        return b.array();
    }

    private Path write(final String name, final byte[] bytes) throws IOException {
        final Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static final double[] SIX = {1.5, -2, 3.25, 4, 5e-3, -6e7};
    private static final float[] SIX_F = {1.5f, -2f, 3.25f, 4f, 5e-3f, -6e7f};

    @Test
    void shouldReadFloat32VersionOne() throws Exception {
        final NpyFormat.Array a = NpyFormat.read(write("a.npy", npy(1, "<f4", "2, 3", false, ByteOrder.LITTLE_ENDIAN, SIX, 4)), 2);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals("<f4", a.descr());
        assertArrayEquals(SIX_F, a.data());
    }

    @Test
    void shouldReadFloat64VersionTwoAndBigEndian() throws Exception {
        final NpyFormat.Array a = NpyFormat.read(write("b.npy", npy(2, "<f8", "3, 2", false, ByteOrder.LITTLE_ENDIAN, SIX, 8)), 2);
        assertArrayEquals(new int[] {3, 2}, a.shape());
        assertArrayEquals(SIX_F, a.data());
        final NpyFormat.Array be = NpyFormat.read(write("c.npy", npy(1, ">f4", "6,", false, ByteOrder.BIG_ENDIAN, SIX, 4)), 1);
        assertArrayEquals(new int[] {6}, be.shape());
        assertEquals(">f4", be.descr());
        assertArrayEquals(SIX_F, be.data());
    }

    @Test
    void shouldWriteWhatItReadsWithTheDataAlignedTo64Bytes() throws Exception {
        final float[] v = {0.1f, -3e-20f, 7e30f, 0f, -1f, Float.MIN_VALUE, -0f};
        final Path p = dir.resolve("v.npy");
        AtomicFiles.write(p, ch -> NpyFormat.write(ch, v, v.length));
        final byte[] bytes = Files.readAllBytes(p);
        assertEquals(0, (bytes.length - v.length * 4) % 64, "numpy aligns the data to 64 bytes");
        final NpyFormat.Array back = NpyFormat.read(p, 1);
        assertArrayEquals(v, back.data());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.data()[6]));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count(), "temp file left");
        }
    }

    private String failure(final String name, final byte[] bytes, final int rank) throws IOException {
        final Path p = write(name, bytes);
        return assertThrows(FileFormatException.class, () -> NpyFormat.read(p, rank)).getMessage();
    }

    @Test
    void shouldNameTheFileAndTheProblemForMalformedInput() throws Exception {
        final byte[] good = npy(1, "<f4", "2, 3", false, ByteOrder.LITTLE_ENDIAN, SIX, 4);
        final byte[] badHeader = good.clone();
        badHeader[10] = 'x'; // the dict no longer starts with '{'
        assertEquals(dir.resolve("h.npy") + ": malformed .npy header: x'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            failure("h.npy", badHeader, 2));
        assertEquals(dir.resolve("t.npy") + ": truncated data: shape (2, 3) of 4-byte values needs 24 bytes, file has 20",
            failure("t.npy", Arrays.copyOf(good, good.length - 4), 2));
        assertEquals(dir.resolve("x.npy") + ": 3 bytes after the data of shape (2, 3) (24 bytes expected)",
            failure("x.npy", Arrays.copyOf(good, good.length + 3), 2));
        assertEquals(dir.resolve("f.npy") + ": Fortran-order arrays are not supported; save np.ascontiguousarray(a) instead",
            failure("f.npy", npy(1, "<f4", "2, 3", true, ByteOrder.LITTLE_ENDIAN, SIX, 4), 2));
        assertEquals(dir.resolve("i.npy") + ": dtype '<i4' is not supported; save the array as float32 or float64",
            failure("i.npy", npy(1, "<i4", "2, 3", false, ByteOrder.LITTLE_ENDIAN, SIX, 4), 2));
        assertEquals(dir.resolve("s.npy") + ": expected a 2-D array of shape (n, d), got shape (6,)",
            failure("s.npy", npy(1, "<f4", "6,", false, ByteOrder.LITTLE_ENDIAN, SIX, 4), 2));
        assertEquals(dir.resolve("v.npy") + ": expected a 1-D array of shape (d,), got shape (2, 3)",
            failure("v.npy", good, 1));
        assertEquals(dir.resolve("z.npy") + ": empty array of shape (0,)",
            failure("z.npy", npy(1, "<f4", "0,", false, ByteOrder.LITTLE_ENDIAN, new double[0], 4), 1));
        assertEquals(dir.resolve("o.npy") + ": row 0, column 1: 1.0E300 does not fit in float32",
            failure("o.npy", npy(1, "<f8", "1, 2", false, ByteOrder.LITTLE_ENDIAN, new double[] {1, 1e300}, 8), 2));
        assertEquals(dir.resolve("m.npy") + ": not a .npy file (bad magic; expected \\x93NUMPY)",
            failure("m.npy", "NUMPY and more bytes".getBytes(StandardCharsets.UTF_8), 2));
        assertEquals(dir.resolve("u.npy") + ": unsupported .npy version 4.0 (supported: 1.0, 2.0, 3.0)",
            failure("u.npy", npy(4, "<f4", "6,", false, ByteOrder.LITTLE_ENDIAN, SIX, 4), 1));
    }
}
