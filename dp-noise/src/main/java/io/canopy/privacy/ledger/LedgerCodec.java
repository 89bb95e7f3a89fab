package io.canopy.privacy.ledger;

import io.canopy.ledger.LogForm;
import io.canopy.ledger.RecordCodec;
import io.canopy.ledger.WireValues;
import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Encodes one {@link LedgerEntry} with Chronicle Wire, field by field, so the same code writes the
 * human-readable YAML form and the compact binary form. Field names are the wire schema (unchanged since
 * version 1; version 2 is {@link io.canopy.ledger.RecordLog}'s hash-chained framing):
 * round, q, sampler, z, sensitivity, rdp, then, only for entries with release passes, release, z_eff,
 * pass_names, pass_z, pass_sensitivity, pass_sigma. Records without the optional fields (every ledger written
 * before release rules) read as legacy entries; readers that predate them skip the extra fields. Doubles go
 * through {@link WireValues} so a replayed ledger reproduces ε bit for bit.
 */
final class LedgerCodec implements RecordCodec<LedgerEntry> {

    static final LedgerCodec INSTANCE = new LedgerCodec();

    static final byte[] BINARY_HEADER = "CNPYPL2\n".getBytes(StandardCharsets.US_ASCII);
    static final String YAML_HEADER = "# canopy privacy ledger v2\n";

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
        if (e.hasPasses()) {
            w.write("release").text(e.rule());
            WireValues.float64(w.write("z_eff"), e.zEff(), form);
            w.write("pass_names").text(e.passNames());
            WireValues.float64s(w, "pass_z", e.passZ(), form);
            WireValues.float64s(w, "pass_sensitivity", e.passSensitivity(), form);
            WireValues.float64s(w, "pass_sigma", e.passSigma(), form);
        }
    }

    /** Round ids are {@code >= 0} and strictly increasing: a duplicate would be charged twice, a gap is fine. */
    @Override
    public String sequenceProblem(final LedgerEntry previous, final LedgerEntry e) {
        if (e.round() < 0) {
            return "round " + e.round() + " is negative";
        }
        if (previous != null && e.round() == previous.round()) {
            return "round " + e.round() + " repeats the round before it (a duplicate entry)";
        }
        if (previous != null && e.round() < previous.round()) {
            return "round " + e.round() + " comes after round " + previous.round() + " (out of order)";
        }
        return null;
    }

    @Override
    public LedgerEntry read(final WireIn w, final LogForm form) {
        final long round = WireValues.required(w, "round").int64();
        final double q = WireValues.float64(WireValues.required(w, "q"), form);
        final String sampler = WireValues.required(w, "sampler").text();
        final double[] z = WireValues.float64s(w, "z", form);
        final double[] sensitivity = WireValues.float64s(w, "sensitivity", form);
        final double[] rdp = WireValues.float64s(w, "rdp", form);
        final ValueIn release = w.read("release");
        if (!release.isPresent()) {
            return new LedgerEntry(round, q, sampler, z, sensitivity, rdp);
        }
        final String rule = release.text();
        final double zEff = WireValues.float64(WireValues.required(w, "z_eff"), form);
        final String names = WireValues.required(w, "pass_names").text();
        return new LedgerEntry(round, q, sampler, z, sensitivity, rdp, rule, zEff, names == null ? "" : names,
            WireValues.float64s(w, "pass_z", form), WireValues.float64s(w, "pass_sensitivity", form),
            WireValues.float64s(w, "pass_sigma", form));
    }
}
