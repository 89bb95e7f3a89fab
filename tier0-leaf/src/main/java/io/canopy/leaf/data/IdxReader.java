package io.canopy.leaf.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import io.canopy.io.FileFormatException;

/**
 * Reads IDX files of unsigned bytes (LeCun's MNIST format, also Fashion-MNIST's), plain or gzipped.
 * The format: a 4-byte big-endian magic {@code 0x00 0x00 0x08 n} (0x08 = unsigned byte, n = number of
 * dimensions), n big-endian int32 sizes, then the product of the sizes in bytes, row-major.
 *
 * <p>Every problem is one line naming the file: {@link FileNotFoundException} for a missing file,
 * {@link FileFormatException} ({@code <file>: <problem>}) for wrong magic, wrong shape, wrong count, a
 * truncated file, trailing bytes or a label outside its range. Gzip is recognised by its magic
 * {@code 1f 8b}, not by the file name.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final float INV_255 = 1f / 255f;

    private IdxReader() {
    }

    /**
     * Reads {@code count} images of rows×cols pixels, each u8 pixel p becoming p/255 in [0, 1],
     * image-major then row-major: pixel (r, c) of image i is at {@code i·rows·cols + r·cols + c}.
     */
    public static float[] readImages(Path file, int count, int rows, int cols) throws IOException {
        byte[] data = read(file, new int[] {count, rows, cols});
        float[] pixels = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            pixels[i] = (data[i] & 0xFF) * INV_255;
        }
        return pixels;
    }

    /** Reads {@code count} labels, each in [0, classes). */
    public static byte[] readLabels(Path file, int count, int classes) throws IOException {
        byte[] labels = read(file, new int[] {count});
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xFF;
            if (label >= classes) {
                throw new FileFormatException(file, "label " + label + " at index " + i + " is outside 0.." + (classes - 1));
            }
        }
        return labels;
    }

    /**
     * Reads the payload of an IDX u8 file whose dimensions must equal {@code expectedDims}.
     *
     * @return the payload bytes, row-major
     */
    public static byte[] read(Path file, int[] expectedDims) throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException(file + ": no such file");
        }
        byte[] bytes = isGzip(raw) ? gunzip(file, raw) : raw;
        return payload(file, bytes, expectedDims);
    }

    private static boolean isGzip(byte[] raw) {
        return raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B;
    }

    private static byte[] gunzip(Path file, byte[] raw) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
            return new BufferedInputStream(in, 1 << 16).readAllBytes();
        } catch (EOFException e) {
            throw new FileFormatException(file, "truncated gzip stream (" + raw.length + " compressed bytes)");
        } catch (ZipException e) {
            throw new FileFormatException(file, "corrupt gzip data (" + e.getMessage() + ")");
        }
    }

    private static byte[] payload(Path file, byte[] bytes, int[] expectedDims) throws IOException {
        if (bytes.length < 4) {
            throw new FileFormatException(file, "truncated: " + bytes.length + " bytes, shorter than the 4-byte IDX magic");
        }
        int magic = readInt(bytes, 0);
        int dims = magic & 0xFF;
        if ((magic >>> 8) != UNSIGNED_BYTE) {
            throw new FileFormatException(file, String.format(
                "not an IDX file of unsigned bytes: magic 0x%08x, expected 0x000008%02x", magic, expectedDims.length));
        }
        if (dims != expectedDims.length) {
            throw new FileFormatException(file, "has " + dims + " dimensions, expected " + expectedDims.length);
        }
        int header = 4 + 4 * dims;
        if (bytes.length < header) {
            throw new FileFormatException(file, "truncated: " + bytes.length + " bytes, shorter than its " + header
                + "-byte header");
        }
        long expectedLength = 1;
        for (int k = 0; k < dims; k++) {
            int size = readInt(bytes, 4 + 4 * k);
            if (size != expectedDims[k]) {
                throw new FileFormatException(file, "dimension " + k + " is " + Integer.toUnsignedString(size)
                    + ", expected " + expectedDims[k]);
            }
            expectedLength *= size;
        }
        long found = bytes.length - (long) header;
        if (found < expectedLength) {
            throw new FileFormatException(file, "truncated: header promises " + expectedLength + " data bytes, found "
                + found);
        }
        if (found > expectedLength) {
            throw new FileFormatException(file, (found - expectedLength) + " bytes after the " + expectedLength
                + " data bytes the header promises");
        }
        byte[] data = new byte[(int) expectedLength];
        System.arraycopy(bytes, header, data, 0, data.length);
        return data;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
