package io.canopy.leaf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import io.canopy.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX u8 file: magic 0x000008nn, the sizes, then the data. */
    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buffer.putInt(magic);
        for (int size : dims) {
            buffer.putInt(size);
        }
        return buffer.put(data).array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void shouldReadGzippedImagesAsPixelsOver255AndPlainLabels() throws IOException {
        byte[] pixels = new byte[2 * 2 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 23);
        }
        Path images = write("images.gz", gzip(idx(0x803, new int[] {2, 2, 3}, pixels)));
        float[] read = IdxReader.readImages(images, 2, 2, 3);
        for (int i = 0; i < pixels.length; i++) {
            assertEquals((pixels[i] & 0xFF) / 255f, read[i], 1e-7f, "pixel " + i);
        }
        Path labels = write("labels", idx(0x801, new int[] {3}, new byte[] {9, 0, 4}));
        assertArrayEquals(new byte[] {9, 0, 4}, IdxReader.readLabels(labels, 3, 10));
    }

    @Test
    void shouldNameAMissingFile() {
        Path missing = dir.resolve("t10k-labels-idx1-ubyte.gz");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> IdxReader.readLabels(missing, 3, 10));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void shouldNameTheMissingDataSetDirectoryAndThePackageThatProvidesIt() {
        Path missing = dir.resolve("fashion-mnist");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> FashionMnist.load(missing));
        assertEquals(missing + ": no such directory; install Fashion-MNIST with 'apt-get install -y"
            + " dataset-fashion-mnist' (./canopy test tries to)", e.getMessage());
    }

    @Test
    void shouldRejectABadMagicWithTheMagicFound() throws IOException {
        Path file = write("labels.gz", gzip(idx(0x0000_0901, new int[] {3}, new byte[] {1, 2, 3})));
        FileFormatException e = assertThrows(FileFormatException.class, () -> IdxReader.readLabels(file, 3, 10));
        assertEquals(file + ": not an IDX file of unsigned bytes: magic 0x00000901, expected 0x00000801", e.getMessage());
        assertEquals(file, e.file());
    }

    @Test
    void shouldRejectATruncatedFileSayingHowManyBytesAreMissing() throws IOException {
        Path file = write("labels", idx(0x801, new int[] {5}, new byte[] {1, 2, 3}));
        FileFormatException e = assertThrows(FileFormatException.class, () -> IdxReader.readLabels(file, 5, 10));
        assertEquals(file + ": truncated: header promises 5 data bytes, found 3", e.getMessage());
    }

    @Test
    void shouldRejectATruncatedGzipStream() throws IOException {
        byte[] whole = gzip(idx(0x803, new int[] {4, 28, 28}, new byte[4 * 784]));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        Path file = write("images.gz", cut);
        FileFormatException e = assertThrows(FileFormatException.class, () -> IdxReader.readImages(file, 4, 28, 28));
        assertEquals(file + ": truncated gzip stream (" + cut.length + " compressed bytes)", e.getMessage());
    }

    @Test
    void shouldRejectAWrongCountAndAWrongShape() throws IOException {
        Path labels = write("labels", idx(0x801, new int[] {4}, new byte[4]));
        assertEquals(labels + ": dimension 0 is 4, expected 5",
            assertThrows(FileFormatException.class, () -> IdxReader.readLabels(labels, 5, 10)).getMessage());
        assertEquals(labels + ": has 1 dimensions, expected 3",
            assertThrows(FileFormatException.class, () -> IdxReader.readImages(labels, 4, 28, 28)).getMessage());
    }

    @Test
    void shouldRejectALabelOutsideItsClassesAndTrailingBytes() throws IOException {
        Path labels = write("labels", idx(0x801, new int[] {3}, new byte[] {1, 9, 12}));
        assertEquals(labels + ": label 12 at index 2 is outside 0..9",
            assertThrows(FileFormatException.class, () -> IdxReader.readLabels(labels, 3, 10)).getMessage());
        Path longer = write("longer", idx(0x801, new int[] {2}, new byte[] {1, 2, 3}));
        assertEquals(longer + ": 1 bytes after the 2 data bytes the header promises",
            assertThrows(FileFormatException.class, () -> IdxReader.readLabels(longer, 2, 10)).getMessage());
    }
}
