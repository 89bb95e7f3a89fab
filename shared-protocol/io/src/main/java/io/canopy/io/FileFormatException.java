package io.canopy.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that exists and was read, but whose content is not what its format promises. The message is
 * one line, {@code <file>: <what is wrong>}, so an operator can act on it without a stack trace.
 * An {@link IOException} because callers that read files already handle those; catch this one first
 * when "unreadable" and "malformed" need different answers.
 */
public final class FileFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public FileFormatException(final Path file, final String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file the problem was found in. */
    public Path file() {
        return file;
    }
}
