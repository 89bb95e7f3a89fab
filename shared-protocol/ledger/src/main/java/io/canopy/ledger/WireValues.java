package io.canopy.ledger;

import java.util.Arrays;
import java.util.function.ToLongFunction;
import net.openhft.chronicle.wire.ReadMarshallable;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.ValueOut;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import net.openhft.chronicle.wire.WriteMarshallable;

/**
 * Field helpers for {@link RecordCodec}s that must reproduce values bit for bit in both forms.
 *
 * <p>In the YAML form doubles are written as their shortest round-tripping decimal
 * ({@link Double#toString}) and parsed with {@link Double#parseDouble}: Chronicle's YAML reader rounds
 * some values (7.060889647943549E-4 came back as 7.060889647944E-4), and a replayed ledger must reproduce
 * ε bit for bit. The binary form stores the IEEE 754 bits.
 */
public final class WireValues {

    private WireValues() {
    }

    /**
     * The value of field {@code name}, which must be present. Chronicle answers a missing field with a
     * default (0, null, empty) without complaint; a ledger must not turn a schema mismatch into zeros.
     *
     * @throws IllegalStateException naming the field when it is absent
     */
    public static ValueIn required(final WireIn w, final String name) {
        final ValueIn in = w.read(name);
        if (!in.isPresent()) {
            throw new IllegalStateException("missing field '" + name + "'");
        }
        return in;
    }

    public static void float64(final ValueOut out, final double v, final LogForm form) {
        if (form == LogForm.YAML) {
            out.rawText(Double.toString(v));
        } else {
            out.float64(v);
        }
    }

    public static double float64(final ValueIn in, final LogForm form) {
        return form == LogForm.YAML ? Double.parseDouble(in.text()) : in.float64();
    }

    /** Writes {@code name: [v0, v1, ...]}. */
    public static void float64s(final WireOut w, final String name, final double[] values, final LogForm form) {
        w.write(name).sequence(values, (arr, out) -> {
            for (final double v : arr) {
                float64(out, v, form);
            }
        });
    }

    public static double[] float64s(final WireIn w, final String name, final LogForm form) {
        final long[] bits = sequence(w, name, in -> Double.doubleToRawLongBits(float64(in, form)));
        final double[] out = new double[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = Double.longBitsToDouble(bits[i]);
        }
        return out;
    }

    /** Writes {@code name: [v0, v1, ...]}; longs round-trip exactly in both forms. */
    public static void int64s(final WireOut w, final String name, final long[] values) {
        w.write(name).sequence(values, (arr, out) -> {
            for (final long v : arr) {
                out.int64(v);
            }
        });
    }

    public static long[] int64s(final WireIn w, final String name) {
        return sequence(w, name, ValueIn::int64);
    }

    /**
     * Writes counters indexed by enum ordinal as {@code name: { KEY: n, ... }}, every key included. Keyed by
     * the constant's name, not its position, so reordering an enum can never shift counts between reasons.
     */
    public static <E extends Enum<E>> void counts(final WireOut w, final String name, final Class<E> type,
                                                  final long[] counts) {
        final E[] keys = type.getEnumConstants();
        w.write(name).marshallable((WriteMarshallable) m -> {
            for (final E k : keys) {
                m.write(k.name()).int64(counts[k.ordinal()]);
            }
        });
    }

    /**
     * Reads what {@link #counts(WireOut, String, Class, long[])} wrote, indexed by ordinal. A key the file
     * lacks reads as 0 (the record predates that constant); a key the enum lacks is refused, since dropping
     * it would lose counts.
     */
    public static <E extends Enum<E>> long[] counts(final WireIn w, final String name, final Class<E> type) {
        final long[] out = new long[type.getEnumConstants().length];
        final StringBuilder key = new StringBuilder();
        required(w, name).marshallable((ReadMarshallable) m -> {
            while (m.hasMore()) {
                final ValueIn v = m.readEventName(key);
                final E k;
                try {
                    k = Enum.valueOf(type, key.toString());
                } catch (final IllegalArgumentException e) {
                    throw new IllegalStateException("field '" + name + "' has unknown key '" + key + "'", e);
                }
                out[k.ordinal()] = v.int64();
            }
        });
        return out;
    }

    /** One reading loop for every sequence: doubles travel as their raw bits so nothing is rounded. */
    private static long[] sequence(final WireIn w, final String name, final ToLongFunction<ValueIn> item) {
        final long[][] holder = {new long[8]};
        final int[] n = {0};
        required(w, name).sequence(holder, (h, in) -> {
            while (in.hasNextSequenceItem()) {
                if (n[0] == h[0].length) {
                    h[0] = Arrays.copyOf(h[0], n[0] * 2);
                }
                h[0][n[0]++] = item.applyAsLong(in);
            }
        });
        return Arrays.copyOf(holder[0], n[0]);
    }
}
