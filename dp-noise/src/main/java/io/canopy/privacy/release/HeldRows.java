package io.canopy.privacy.release;

import io.canopy.codec.Bf16Codec;
import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.Int8Codec;
import io.canopy.random.CounterHash;
import java.lang.foreign.MemorySegment;
import java.util.function.IntToLongFunction;

/**
 * A gated release's accepted rows, held by a cluster between pass 1 and pass 2 ({@link ClusterPasses#gated(HeldRows,
 * float[], double, double, double, double[], float[], float[])}), stored compressed to cut what a round holds: every
 * cluster of the round keeps its rows until the released centre comes back, n·d values a cluster, which at d = 10^6
 * is most of a node's heap.
 * <ul>
 *   <li>{@link CodecId#BF16} (2 bytes a value): round to nearest even; each value within a relative 2^−8 of the
 *       accepted one ({@link Bf16Codec}).</li>
 *   <li>{@link CodecId#INT8} (1 byte a value plus a 4-byte scale per {@value Codecs#INT8_DEFAULT_BLOCK}): per-block
 *       scale max|x|/127 and stochastic rounding, so each value is within one step of the accepted one and unbiased
 *       ({@link Int8Codec}). The rounding draws of a row are keyed by (round, sender), never by the row's position,
 *       so they depend on that leaf alone.</li>
 * </ul>
 * Both go through the codec's own kernels, the same that decode leaf frames.
 *
 * <p><b>Lemma G still holds.</b> A held row is a function of one leaf's accepted update and public values (the
 * round, the leaf's id, the codec) only; pass 2 then gates and clips whatever was held. So adding or removing one
 * leaf leaves every other leaf's held row, and hence its term, unchanged, and the leaf's own term still has norm ≤ τ
 * and moves W by at most 1: the sensitivity of pass 2 is unchanged ({@code HeldRowsProperties} tries to break it).
 * What compression costs is accuracy, not privacy: pass 2 sums the held values instead of the accepted ones.
 *
 * <p>Rows are stored one array each, so a block of n·d compressed values never needs one array over 2^31 bytes.
 * Not thread-safe; held by one cluster actor.
 */
public final class HeldRows {

    /** The counter-hash stream of the int8 rounding draws, apart from every seeded stream of a run. */
    private static final long ROUNDING_STREAM = 0x48454C44303030L; // "HELD000"

    private final CodecId codec;
    private final int rows;
    private final int d;
    private final MemorySegment[] stored;

    private HeldRows(final CodecId codec, final int rows, final int d, final MemorySegment[] stored) {
        this.codec = codec;
        this.rows = rows;
        this.d = d;
        this.stored = stored;
    }

    /**
     * Holds the first {@code rows} rows of {@code block} (row-major, d values each) as {@code codec}.
     *
     * @param roundId the round, public; with the sender it keys an int8 row's rounding draws
     * @param sender  the leaf id of row i
     * @throws IllegalArgumentException for a codec other than bf16 or int8 (fp32 is held as the plain copy), or a
     *                                  block shorter than rows × d
     */
    public static HeldRows hold(final CodecId codec, final float[] block, final int rows, final int d, final long roundId,
                                final IntToLongFunction sender) {
        if (codec != CodecId.BF16 && codec != CodecId.INT8) {
            throw new IllegalArgumentException("rows are held compressed as bf16 or int8, not " + codec.label()
                + " (fp32 rows are held as a plain copy)");
        }
        if (rows < 0 || d < 1 || (long) rows * d > block.length) {
            throw new IllegalArgumentException("need 0 <= rows, d >= 1 and rows*d <= block length; got rows=" + rows
                + " d=" + d + " block length " + block.length);
        }
        final int parameter = parameter(codec);
        final long rowBytes = Codecs.payloadLength(codec, d, parameter);
        final MemorySegment[] stored = new MemorySegment[rows];
        for (int i = 0; i < rows; i++) {
            final MemorySegment row = MemorySegment.ofArray(new byte[Math.toIntExact(rowBytes)]);
            if (codec == CodecId.BF16) {
                Bf16Codec.encode(block, i * d, d, row, 0);
            } else {
                Int8Codec.encode(block, i * d, d, parameter, roundingSeed(roundId, sender.applyAsLong(i)), row, 0);
            }
            stored[i] = row;
        }
        return new HeldRows(codec, rows, d, stored);
    }

    /** The int8 rounding seed of a leaf's row in a round: a public function of the pair, the same on every member. */
    public static int roundingSeed(final long roundId, final long sender) {
        return (int) CounterHash.hash(ROUNDING_STREAM, roundId, sender, 0);
    }

    /**
     * Writes row {@code i}'s held values to {@code into[0, d)}.
     *
     * @return false when they are not all finite (cannot happen for rows that passed the ingest's checks; such a
     *     row fails pass 2's gate)
     */
    public boolean decode(final int i, final float[] into) {
        return Codecs.decode(codec, parameter(codec), stored[i], 0, d, into, 0) == Codecs.OK;
    }

    /** The stored bytes of row {@code i}, read-only: for tests that check a row depends on its own leaf alone. */
    public MemorySegment storedRow(final int i) {
        return stored[i].asReadOnly();
    }

    /** Bytes held for n rows of d values as {@code codec} (4 per value for fp32). */
    public static long bytes(final CodecId codec, final long n, final int d) {
        return n * Codecs.payloadLength(codec, d, parameter(codec));
    }

    private static int parameter(final CodecId codec) {
        return codec == CodecId.INT8 ? Codecs.INT8_DEFAULT_BLOCK : 0;
    }

    public CodecId codec() {
        return codec;
    }

    public int rows() {
        return rows;
    }

    public int dimension() {
        return d;
    }
}
