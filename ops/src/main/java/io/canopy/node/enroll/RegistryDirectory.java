package io.canopy.node.enroll;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import io.canopy.enroll.EnrollmentRegistry;
import io.canopy.enroll.EnrollmentShard;
import io.canopy.io.AtomicFiles;
import io.canopy.ops.cli.UsageException;

/**
 * Puts a whole registry in place at once: its shards are written to a staging directory next to the target and
 * renamed onto it, so a reader (or a crash) sees the old registry or the new one, never a mix of shards from both,
 * and a registry of fewer clusters leaves no stale shard behind.
 */
final class RegistryDirectory {

    private RegistryDirectory() {
    }

    /** Refuses a target that is a file, or a non-empty directory without {@code force}. */
    static void checkWritable(Path dir, boolean force) throws UsageException, IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--out " + dir + " is a file, not a directory");
        }
        if (Files.isDirectory(dir) && !force) {
            long entries;
            try (Stream<Path> files = Files.list(dir)) {
                entries = files.count();
            }
            if (entries > 0) {
                throw new UsageException("--out " + dir + " is not empty (" + entries + " entries): give --force to"
                    + " replace the registry there");
            }
        }
    }

    /** Writes {@code shards} as the registry in {@code dir}, replacing whatever was there. */
    static void replace(Path dir, List<EnrollmentShard> shards) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        Path staging = parent.resolve("." + target.getFileName() + ".staging-" + suffix);
        Path old = parent.resolve("." + target.getFileName() + ".old-" + suffix);
        try {
            EnrollmentRegistry.write(staging, shards);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (Files.exists(old) && !Files.exists(target)) {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the old registry back
                }
                throw e instanceof FileAlreadyExistsException ? new IOException("--out " + dir + " appeared while the"
                    + " registry was written; nothing replaced", e) : e;
            }
            AtomicFiles.forceDirectory(parent);
        } finally {
            deleteTree(staging);
            deleteTree(old);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
