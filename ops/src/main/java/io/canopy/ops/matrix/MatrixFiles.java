package io.canopy.ops.matrix;

import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;
import io.canopy.io.NpyFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reads a matrix from {@code .npy} or CSV (decided by the file's magic bytes) and writes one atomically. */
public final class MatrixFiles {

    private MatrixFiles() {
    }

    public static Matrix read(final Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new FileFormatException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, "is a directory, expected a .npy or CSV file");
        }
        final byte[] head = new byte[NpyFormat.MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (final AccessDeniedException e) {
            throw new FileFormatException(file, "permission denied");
        }
        final boolean npy = n > 0 && head[0] == NpyFormat.MAGIC[0];
        if (npy || file.toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            final NpyFormat.Array a = NpyFormat.read(file, 2);
            return new Matrix(a.data(), a.shape()[0], a.shape()[1]);
        }
        return CsvMatrix.read(file);
    }

    /**
     * Writes a vector as {@code .npy} (shape (d,)) when the name ends in {@code .npy}, else as one CSV line.
     * Goes through {@link AtomicFiles} (temporary file, fsync, atomic rename), so a failure never leaves a
     * half-written output.
     */
    public static void writeVector(final Path file, final float[] values) throws IOException {
        final boolean npy = file.toString().toLowerCase(Locale.ROOT).endsWith(".npy");
        AtomicFiles.write(file, ch -> {
            if (npy) {
                NpyFormat.write(ch, values, values.length);
            } else {
                // Not closed here: closing the writer would close the channel before AtomicFiles forces it.
                final Writer w = Channels.newWriter(ch, StandardCharsets.UTF_8);
                CsvMatrix.write(w, values, 1, values.length);
                w.flush();
            }
        });
    }
}
