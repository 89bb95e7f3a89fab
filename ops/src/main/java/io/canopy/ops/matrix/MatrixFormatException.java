package io.canopy.ops.matrix;

import java.nio.file.Path;

/** A matrix file that cannot be read; the message names the file and what was wrong with it. */
public final class MatrixFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public MatrixFormatException(final Path file, final String problem) {
        super(file + ": " + problem);
    }
}
