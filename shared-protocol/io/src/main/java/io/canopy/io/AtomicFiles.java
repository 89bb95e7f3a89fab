package io.canopy.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a reader (or a restarted process) sees either the old content or the whole new
 * content, never a prefix: the bytes go to a temporary file in the same directory, are forced to the
 * device, the temporary file is renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE},
 * and the directory is forced so the rename itself survives a power loss (rename(2) and fsync(2) of the
 * parent, as SQLite and PostgreSQL do). The temporary file is named {@code .<name>.<random>.tmp} and
 * removed on failure.
 */
public final class AtomicFiles {

    /** Writes the whole content to an open channel; the channel is forced and closed by the caller. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces (or creates) {@code file} with what {@code writer} writes, atomically and durably. */
    public static void write(final Path file, final ContentWriter writer) throws IOException {
        final Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "output directory does not exist");
        }
        // Not Files.createTempFile: it makes the file owner-only (0600), and the published file would keep
        // that mode; created plainly, it gets the umask's mode like any other file the process writes.
        final Path tmp = (dir == null ? file.getFileSystem().getPath("") : dir).resolve("." + file.getFileName() + "."
            + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.write(ch);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Forces a directory's entries (creations, renames) to the device. Linux allows opening a directory
     * read-only and fsyncing it; platforms that refuse (Windows) make their renames durable themselves,
     * so a refusal there is not an error.
     */
    public static void forceDirectory(final Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (final java.nio.file.AccessDeniedException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; NTFS journals the rename itself.
        }
    }
}
