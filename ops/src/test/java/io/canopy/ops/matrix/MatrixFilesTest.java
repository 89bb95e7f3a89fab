package io.canopy.ops.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixFilesTest {

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

    @Test
    void shouldReadFloat32VersionOne() throws Exception {
        final Matrix m = MatrixFiles.read(write("a.npy", npy(1, "<f4", "2, 3", false, ByteOrder.LITTLE_ENDIAN, SIX, 4)));
        assertEquals(2, m.rows());
        assertEquals(3, m.cols());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f, 5e-3f, -6e7f}, m.data());
    }

    @Test
    void shouldReadFloat64VersionTwoAndBigEndian() throws Exception {
        final Matrix m = MatrixFiles.read(write("b.npy", npy(2, "<f8", "3, 2", false, ByteOrder.LITTLE_ENDIAN, SIX, 8)));
        assertEquals(3, m.rows());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f, 5e-3f, -6e7f}, m.data());
        final Matrix be = MatrixFiles.read(write("c.npy", npy(1, ">f4", "1, 6", false, ByteOrder.BIG_ENDIAN, SIX, 4)));
        assertArrayEquals(m.data(), be.data());
    }

    @Test
    void shouldRoundTripAVectorThroughNpyAndCsv() throws Exception {
        final float[] v = {0.1f, -3e-20f, 7e30f, 0f, -1f};
        final Path npy = dir.resolve("v.npy");
        MatrixFiles.writeVector(npy, v);
        final byte[] bytes = Files.readAllBytes(npy);
        assertEquals(0, (bytes.length - v.length * 4) % 64, "numpy aligns the data to 64 bytes");
        // Read back as a 2-D (1, d) array by rewriting the shape: the writer emits (d,), the reader wants (n, d).
        final String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("(5,), }", "(1,5),}");
        final Matrix back = MatrixFiles.read(write("v2.npy", text.getBytes(StandardCharsets.ISO_8859_1)));
        assertArrayEquals(v, back.data());
        final Path csv = dir.resolve("v.csv");
        MatrixFiles.writeVector(csv, v);
        assertArrayEquals(v, MatrixFiles.read(csv).data());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "temp file left");
        }
    }

    @Test
    void shouldReadCsvSkippingCommentsAndBlankLines() throws Exception {
        final Matrix m = MatrixFiles.read(write("m.csv", "# two updates\n1, 2 ,3\n\n4,5,6e-1\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, m.rows());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 0.6f}, m.data());
    }

    private String failure(final String name, final byte[] bytes) throws IOException {
        final Path p = write(name, bytes);
        return assertThrows(MatrixFormatException.class, () -> MatrixFiles.read(p)).getMessage();
    }

    @Test
    void shouldNameTheFileAndTheProblemForMalformedInput() throws Exception {
        final byte[] good = npy(1, "<f4", "2, 3", false, ByteOrder.LITTLE_ENDIAN, SIX, 4);
        final byte[] badHeader = good.clone();
        badHeader[10] = 'x'; // the dict no longer starts with '{'
        assertEquals(dir.resolve("h.npy") + ": malformed .npy header: x'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            failure("h.npy", badHeader));
        assertEquals(dir.resolve("t.npy") + ": truncated data: shape (2, 3) of 4-byte values needs 24 bytes, file has 20",
            failure("t.npy", java.util.Arrays.copyOf(good, good.length - 4)));
        assertEquals(dir.resolve("f.npy") + ": Fortran-order arrays are not supported; save np.ascontiguousarray(a) instead",
            failure("f.npy", npy(1, "<f4", "2, 3", true, ByteOrder.LITTLE_ENDIAN, SIX, 4)));
        assertEquals(dir.resolve("i.npy") + ": dtype '<i4' is not supported; save the array as float32 or float64",
            failure("i.npy", npy(1, "<i4", "2, 3", false, ByteOrder.LITTLE_ENDIAN, SIX, 4)));
        assertEquals(dir.resolve("s.npy") + ": expected a 2-D array of shape (n, d), got shape (6,)",
            failure("s.npy", npy(1, "<f4", "6,", false, ByteOrder.LITTLE_ENDIAN, SIX, 4)));
        assertEquals(dir.resolve("o.npy") + ": row 0, column 1: 1.0E300 does not fit in float32",
            failure("o.npy", npy(1, "<f8", "1, 2", false, ByteOrder.LITTLE_ENDIAN, new double[] {1, 1e300}, 8)));
        assertEquals(dir.resolve("m.npy") + ": not a .npy file (bad magic; expected \\x93NUMPY)",
            failure("m.npy", "NUMPY and more bytes".getBytes(StandardCharsets.UTF_8)));
        assertEquals(dir.resolve("r.csv") + ": line 3 has 2 values, expected 3 (as on line 1)",
            failure("r.csv", "1,2,3\n4,5,6\n7,8\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(dir.resolve("n.csv") + ": line 2, field 2: 'abc' is not a number",
            failure("n.csv", "1,2\n3,abc\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(dir.resolve("e.csv") + ": no rows (the file is empty or only comments)",
            failure("e.csv", "# nothing\n".getBytes(StandardCharsets.UTF_8)));
    }
}
