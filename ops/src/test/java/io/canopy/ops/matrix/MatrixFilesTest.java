package io.canopy.ops.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;
import io.canopy.io.NpyFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixFilesTest {

    @TempDir
    Path dir;

    private Path write(final String name, final byte[] bytes) throws IOException {
        final Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void shouldReadANpyFileByItsMagicWhateverItsName() throws Exception {
        final Path p = dir.resolve("updates.dat");
        AtomicFiles.write(p, ch -> NpyFormat.write(ch, new float[] {1.5f, -2f, 3.25f, 4f, 5e-3f, -6e7f}, 2, 3));
        final Matrix m = MatrixFiles.read(p);
        assertEquals(2, m.rows());
        assertEquals(3, m.cols());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f, 5e-3f, -6e7f}, m.data());
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
        return assertThrows(FileFormatException.class, () -> MatrixFiles.read(p)).getMessage();
    }

    @Test
    void shouldNameTheFileAndTheProblemForMalformedInput() throws Exception {
        assertEquals(dir.resolve("s.npy") + ": expected a 2-D array of shape (n, d), got shape (6,)",
            failure("s.npy", vectorNpy()));
        assertEquals(dir.resolve("m.npy") + ": not a .npy file (bad magic; expected \\x93NUMPY)",
            failure("m.npy", "NUMPY and more bytes".getBytes(StandardCharsets.UTF_8)));
        assertEquals(dir.resolve("r.csv") + ": line 3 has 2 values, expected 3 (as on line 1)",
            failure("r.csv", "1,2,3\n4,5,6\n7,8\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(dir.resolve("n.csv") + ": line 2, field 2: 'abc' is not a number",
            failure("n.csv", "1,2\n3,abc\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(dir.resolve("e.csv") + ": no rows (the file is empty or only comments)",
            failure("e.csv", "# nothing\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(dir.resolve("gone.csv") + ": no such file",
            assertThrows(FileFormatException.class, () -> MatrixFiles.read(dir.resolve("gone.csv"))).getMessage());
    }

    private byte[] vectorNpy() throws IOException {
        final Path p = dir.resolve("six.npy");
        MatrixFiles.writeVector(p, new float[6]);
        return Files.readAllBytes(p);
    }
}
