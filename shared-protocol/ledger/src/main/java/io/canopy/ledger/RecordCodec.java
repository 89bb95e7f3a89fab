package io.canopy.ledger;

import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Writes and reads one record of a {@link RecordLog} field by field with Chronicle Wire, so one codec
 * serves both {@link LogForm}s. Fields are written explicitly by name, never through Chronicle's
 * reflective marshalling, so the file format is exactly what the codec says and a renamed Java field
 * cannot silently change it. The field names, in order, are the record's schema: document them in the
 * implementation's javadoc.
 *
 * <p>Doubles: use {@link WireValues} rather than {@code float64()} directly, or YAML rounds them.
 *
 * @param <T> the record type
 */
public interface RecordCodec<T> {

    /** What the file holds, for messages: {@code "privacy ledger"}. */
    String name();

    /**
     * First bytes of the binary form, ending with the format version's digits and {@code \n} (so {@code head -c}
     * shows it, and a reader can name the version of a file it cannot read).
     */
    byte[] binaryHeader();

    /** First line of the YAML form, a comment ending with the format version's digits and {@code \n}. */
    String yamlHeader();

    void write(WireOut out, T record, LogForm form);

    /**
     * Reads one record; may throw any runtime exception on a payload that does not fit the schema
     * (the log turns it into a {@link io.canopy.io.FileFormatException} naming the record).
     */
    T read(WireIn in, LogForm form);

    /**
     * Null when {@code record} may follow {@code previous} (null for the first record), else why not, one
     * phrase naming the field: {@code "round 3 repeats the round before it"}. Readers report a refused record
     * as corruption (never a torn tail) and {@link RecordLog#append} refuses it; the default accepts any order.
     */
    default String sequenceProblem(T previous, T record) {
        return null;
    }
}
