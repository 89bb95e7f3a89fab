package io.canopy.privacy.ledger;

import io.canopy.ledger.LogForm;
import io.canopy.ledger.RecordCodec;
import io.canopy.ledger.WireValues;
import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Encodes one {@link LedgerEntry} with Chronicle Wire, field by field, so the same code writes the
 * human-readable YAML form and the compact binary form. Field names are the wire schema (version 1):
 * round, q, sampler, z, sensitivity, rdp. Doubles go through {@link WireValues} so a replayed ledger
 * reproduces ε bit for bit.
 */
final class LedgerCodec implements RecordCodec<LedgerEntry> {

    static final LedgerCodec INSTANCE = new LedgerCodec();

    static final byte[] BINARY_HEADER = "CNPYPL1\n".getBytes(StandardCharsets.US_ASCII);
    static final String YAML_HEADER = "# canopy privacy ledger v1\n";

    private LedgerCodec() {
    }

    @Override
    public String name() {
        return "privacy ledger";
    }

    @Override
    public byte[] binaryHeader() {
        return BINARY_HEADER.clone();
    }

    @Override
    public String yamlHeader() {
        return YAML_HEADER;
    }

    @Override
    public void write(final WireOut w, final LedgerEntry e, final LogForm form) {
        w.write("round").int64(e.round());
        WireValues.float64(w.write("q"), e.q(), form);
        w.write("sampler").text(e.sampler());
        WireValues.float64s(w, "z", e.z(), form);
        WireValues.float64s(w, "sensitivity", e.sensitivity(), form);
        WireValues.float64s(w, "rdp", e.rdp(), form);
    }

    @Override
    public LedgerEntry read(final WireIn w, final LogForm form) {
        final long round = WireValues.required(w, "round").int64();
        final double q = WireValues.float64(WireValues.required(w, "q"), form);
        final String sampler = WireValues.required(w, "sampler").text();
        return new LedgerEntry(round, q, sampler, WireValues.float64s(w, "z", form),
            WireValues.float64s(w, "sensitivity", form), WireValues.float64s(w, "rdp", form));
    }
}
