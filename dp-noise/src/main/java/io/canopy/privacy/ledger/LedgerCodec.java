package io.canopy.privacy.ledger;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.ValueOut;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import net.openhft.chronicle.wire.YamlWire;

/**
 * Encodes one {@link LedgerEntry} with Chronicle Wire, field by field, so the same code writes the
 * human-readable YAML form and the compact binary form. Field names are the wire schema (version 1):
 * round, q, sampler, z, sensitivity, rdp.
 *
 * <p>In the YAML form doubles are written as their shortest round-tripping decimal
 * ({@link Double#toString}) and parsed with {@link Double#parseDouble}: Chronicle's YAML reader rounds
 * some small values (7.060889647943549E-4 came back as 7.060889647944E-4), and a replayed ledger must
 * reproduce ε bit for bit.
 */
final class LedgerCodec {

    private LedgerCodec() {
    }

    static byte[] binary(final LedgerEntry e) {
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(1024);
        try {
            write(new BinaryWire(bytes), e, false);
            return bytes.toByteArray();
        } finally {
            bytes.releaseLast();
        }
    }

    static String yaml(final LedgerEntry e) {
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(2048);
        try {
            write(new YamlWire(bytes), e, true);
            return bytes.toString();
        } finally {
            bytes.releaseLast();
        }
    }

    static LedgerEntry fromBinary(final byte[] payload) {
        final Bytes<byte[]> bytes = Bytes.wrapForRead(payload);
        try {
            return read(new BinaryWire(bytes), false);
        } finally {
            bytes.releaseLast();
        }
    }

    static LedgerEntry fromYaml(final String text) {
        final Bytes<byte[]> bytes = Bytes.from(text);
        try {
            return read(new YamlWire(bytes), true);
        } finally {
            bytes.releaseLast();
        }
    }

    private static void write(final WireOut w, final LedgerEntry e, final boolean text) {
        w.write("round").int64(e.round());
        value(w.write("q"), e.q(), text);
        w.write("sampler").text(e.sampler());
        array(w, "z", e.z(), text);
        array(w, "sensitivity", e.sensitivity(), text);
        array(w, "rdp", e.rdp(), text);
    }

    private static void value(final ValueOut out, final double v, final boolean text) {
        if (text) {
            out.rawText(Double.toString(v));
        } else {
            out.float64(v);
        }
    }

    private static double value(final ValueIn in, final boolean text) {
        return text ? Double.parseDouble(in.text()) : in.float64();
    }

    private static void array(final WireOut w, final String name, final double[] values, final boolean text) {
        w.write(name).sequence(values, (arr, out) -> {
            for (final double v : arr) {
                value(out, v, text);
            }
        });
    }

    private static LedgerEntry read(final Wire w, final boolean text) {
        final long round = w.read("round").int64();
        final double q = value(w.read("q"), text);
        final String sampler = w.read("sampler").text();
        return new LedgerEntry(round, q, sampler, readArray(w, "z", text), readArray(w, "sensitivity", text),
            readArray(w, "rdp", text));
    }

    private static double[] readArray(final WireIn w, final String name, final boolean text) {
        final List<Double> list = new ArrayList<>();
        final ValueIn in = w.read(name);
        in.sequence(list, (l, v) -> {
            while (v.hasNextSequenceItem()) {
                l.add(value(v, text));
            }
        });
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
