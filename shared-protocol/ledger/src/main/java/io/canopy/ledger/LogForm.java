package io.canopy.ledger;

import java.nio.file.Path;
import java.util.Locale;

/** The two encodings of a {@link RecordLog}, chosen by the file's name. */
public enum LogForm {
    /** Chronicle Wire YAML, one {@code ---} document per record: for people and diff tools. */
    YAML,
    /** Chronicle Wire binary, one length-prefixed frame per record: compact and fast to replay. */
    BINARY;

    /** {@link #YAML} for a name ending in {@code .yaml} or {@code .yml} (any case), {@link #BINARY} otherwise. */
    public static LogForm of(final Path file) {
        final String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") ? YAML : BINARY;
    }
}
