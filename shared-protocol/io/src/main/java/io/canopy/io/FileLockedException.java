package io.canopy.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file another writer holds open: not damage, a wait. A coordinator taking over the journal while the one it
 * replaces is still shutting down (a partition's minority downs itself while the majority starts a new one) sees
 * this, and retries instead of giving up. The message is one line, {@code <file>: locked by another writer}.
 */
public final class FileLockedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public FileLockedException(final Path file) {
        super(file + ": locked by another writer");
        this.file = file;
    }

    /** The locked file. */
    public Path file() {
        return file;
    }
}
