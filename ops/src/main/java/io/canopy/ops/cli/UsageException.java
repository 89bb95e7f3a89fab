package io.canopy.ops.cli;

/** Bad arguments or unreadable input: reported as one line naming what was wrong, exit code 2. */
public final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UsageException(final String message) {
        super(message);
    }

    public UsageException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
