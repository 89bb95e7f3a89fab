package io.canopy.ops.matrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Reads a matrix from {@code .npy} or CSV (decided by the file's magic bytes) and writes one atomically. */
public final class MatrixFiles {

    private MatrixFiles() {
    }

    public static Matrix read(final Path file) throws IOException, MatrixFormatException {
        if (!Files.exists(file)) {
            throw new MatrixFormatException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new MatrixFormatException(file, "is a directory, expected a .npy or CSV file");
        }
        final byte[] head = new byte[NpyFormat.MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (final AccessDeniedException e) {
            throw new MatrixFormatException(file, "permission denied");
        }
        final boolean npy = n > 0 && head[0] == NpyFormat.MAGIC[0];
        if (npy || file.toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            return NpyFormat.read(file);
        }
        return CsvMatrix.read(file);
    }

    /**
     * Writes a vector as {@code .npy} (shape (d,)) when the name ends in {@code .npy}, else as one CSV line.
     * Goes through a temporary file in the same directory and an atomic rename, so a failure never
     * leaves a half-written output.
     */
    public static void writeVector(final Path file, final float[] values) throws IOException {
        final Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "output directory does not exist");
        }
        final Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            if (file.toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    NpyFormat.write(ch, values, values.length);
                    ch.force(true);
                }
            } else {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                     Writer w = Channels.newWriter(ch, StandardCharsets.UTF_8)) {
                    CsvMatrix.write(w, values, 1, values.length);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
