package io.canopy.global.ledger;

import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;
import io.canopy.io.NpyFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * A published model version as a NumPy {@code .npy} file (format version 1.0, dtype {@code '<f4'},
 * C order, shape {@code (d,)}; see numpy/lib/format.py), named {@code model-v%08d.npy} after its version,
 * so {@code numpy.load} opens it and a directory listing sorts by version.
 *
 * <p>Written through {@link AtomicFiles}: temporary file in the same directory, fsync, atomic rename,
 * fsync of the directory. A crash leaves either no checkpoint or a whole one, never a prefix. The
 * CRC32C (Castagnoli, {@link CRC32C}) is over the data's little-endian float bytes only, so it equals
 * the checksum of {@code a.astype('<f4').tobytes()} in NumPy and does not depend on header padding.
 */
public final class ModelCheckpoint {

    /** NumPy's dtype string for what a checkpoint holds. */
    public static final String DTYPE = "<f4";

    private static final int CHUNK_FLOATS = 1 << 16;

    private ModelCheckpoint() {
    }

    /** {@code model-v%08d.npy}: the checkpoint file name of a model version. */
    public static String fileName(final long modelVersion) {
        if (modelVersion < 0) {
            throw new IllegalArgumentException("modelVersion=" + modelVersion + " must be >= 0");
        }
        return String.format(Locale.ROOT, "model-v%08d.npy", modelVersion);
    }

    /** Writes {@code model} to {@code file} atomically and durably; returns its {@link #crc32c}. */
    public static long write(final Path file, final float[] model) throws IOException {
        if (model.length == 0) {
            throw new IllegalArgumentException("model has 0 values; a checkpoint holds at least one");
        }
        AtomicFiles.write(file, ch -> NpyFormat.write(ch, model, model.length));
        return crc32c(model);
    }

    /** Reads a checkpoint, validating magic, version, header, dtype {@code '<f4'}, shape {@code (d,)} and length. */
    public static float[] read(final Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new FileFormatException(file, Files.exists(file) ? "not a regular file" : "no such checkpoint");
        }
        final NpyFormat.Array a = NpyFormat.read(file, 1);
        if (!DTYPE.equals(a.descr())) {
            throw new FileFormatException(file, "dtype '" + a.descr() + "' is not a checkpoint's '" + DTYPE + "'");
        }
        return a.data();
    }

    /** Reads a checkpoint as {@link #read(Path)} does and refuses it unless its CRC32C is {@code expected}. */
    public static float[] read(final Path file, final long expectedCrc32c) throws IOException {
        final float[] model = read(file);
        final long actual = crc32c(model);
        if (actual != expectedCrc32c) {
            throw new FileFormatException(file, String.format(Locale.ROOT,
                "CRC32C of the model is %08x, the ledger recorded %08x", actual, expectedCrc32c));
        }
        return model;
    }

    /** CRC32C of the model's values as little-endian IEEE 754 float32 bytes (raw bits: NaN payloads kept). */
    public static long crc32c(final float[] model) {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < model.length; from += CHUNK_FLOATS) {
            buf.clear();
            final int n = Math.min(CHUNK_FLOATS, model.length - from);
            for (int i = 0; i < n; i++) {
                buf.putInt(Float.floatToRawIntBits(model[from + i]));
            }
            crc.update(buf.flip());
        }
        return crc.getValue();
    }
}
