package io.canopy.privacy.release;

import io.canopy.codec.Bf16Codec;
import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.Int8Codec;
import io.canopy.codec.PayloadChecks;
import io.canopy.kernel.ColumnRanges;
import io.canopy.random.CounterHash;
import java.lang.foreign.MemorySegment;
import java.util.function.IntToLongFunction;

/**
 * A gated release's accepted rows, held by a cluster between pass 1 and pass 2 ({@link ClusterPasses#gated(HeldRows,
 * float[], double, double, double, double[], float[], float[])}): every cluster of the round keeps its rows until the
 * released centre comes back, n·d values a cluster, which at d = 10^5–10^6 is most of a node's heap. Held as
 * {@link CodecId#FP32} (exact, a plain copy) or compressed to cut that memory:
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
 * <p>One instance serves a cluster round after round, and its arrays are kept and grown only when a round holds more:
 * a new copy a round made the steady rounds allocate every round's rows again (humongous arrays at d = 10^5, 4 GB a
 * round at 10^5 leaves) and wait on the collector for them. Compressed rows are stored one array each, so n·d
 * compressed values never need one array over 2^31 bytes. Not thread-safe; held by one cluster actor.
 */
public final class HeldRows implements ColumnRanges {

    /** The counter-hash stream of the int8 rounding draws, apart from every seeded stream of a run. */
    private static final long ROUNDING_STREAM = 0x48454C44303030L; // "HELD000"
    private static final MemorySegment[] NO_ROWS = new MemorySegment[0];

    private CodecId codec = CodecId.FP32;
    private int rows;
    private int d = 1;
    /** fp32: the rows, row-major; kept across rounds. */
    private float[] floats = new float[0];
    /** floats as a segment, for the finiteness check of a decode (made once per growth). */
    private MemorySegment floatsView = MemorySegment.ofArray(floats);
    /** bf16 and int8: one segment a row, over a short[] (bf16) or a byte[] (int8); kept while the row length and codec stay. */
    private MemorySegment[] stored = NO_ROWS;
    /** The leaf id of each held row; kept across rounds. */
    private long[] senders = new long[0];
    /** int8 column ranges that start or end inside a scale block: the blocks' values, before the range is copied. */
    private float[] blockValues = new float[0];

    /**
     * Holds the first {@code rows} rows of {@code block} (row-major, d values each) as {@code codec}, forgetting what
     * was held before and reusing its arrays.
     *
     * @param roundId the round, public; with the sender it keys an int8 row's rounding draws
     * @param sender  the leaf id of row i
     * @return this
     * @throws IllegalArgumentException for a codec other than fp32, bf16 or int8, or a block shorter than rows × d
     */
    public HeldRows hold(final CodecId codec, final float[] block, final int rows, final int d, final long roundId,
                         final IntToLongFunction sender) {
        if (codec != CodecId.FP32 && codec != CodecId.BF16 && codec != CodecId.INT8) {
            throw new IllegalArgumentException("rows are held as fp32, bf16 or int8, not " + codec.label());
        }
        if (rows < 0 || d < 1 || (long) rows * d > block.length) {
            throw new IllegalArgumentException("need 0 <= rows, d >= 1 and rows*d <= block length; got rows=" + rows
                + " d=" + d + " block length " + block.length);
        }
        this.codec = codec;
        this.rows = rows;
        this.d = d;
        if (senders.length < rows) {
            senders = new long[rows];
        }
        for (int i = 0; i < rows; i++) {
            senders[i] = sender.applyAsLong(i);
        }
        if (codec == CodecId.FP32) {
            final int values = rows * d;
            if (floats.length < values) {
                floats = new float[values]; // exactly this round's rows: the planner counts accepted × d a cluster
                floatsView = MemorySegment.ofArray(floats);
            }
            System.arraycopy(block, 0, floats, 0, values);
            return this;
        }
        final int parameter = parameter(codec);
        final int rowBytes = Math.toIntExact(Codecs.payloadLength(codec, d, parameter));
        if (stored.length < rows) {
            stored = java.util.Arrays.copyOf(stored, rows);
        }
        for (int i = 0; i < rows; i++) {
            if (stored[i] == null || stored[i].byteSize() != rowBytes
                || stored[i].heapBase().orElse(null) instanceof short[] != (codec == CodecId.BF16)) {
                // bf16 over a short[]: C2 compiles the codec's 16-bit vector loads and stores from and to a byte[]
                // segment (a mismatched access) as allocating calls, ~4 bytes a value on every encode and decode.
                stored[i] = codec == CodecId.BF16 ? MemorySegment.ofArray(new short[d]) : MemorySegment.ofArray(new byte[rowBytes]);
            }
            if (codec == CodecId.BF16) {
                Bf16Codec.encode(block, i * d, d, stored[i], 0);
            } else {
                Int8Codec.encode(block, i * d, d, parameter, roundingSeed(roundId, senders[i]), stored[i], 0);
            }
        }
        return this;
    }

    /** Forgets the rows (none are held until the next {@link #hold}); keeps the arrays for the next round. */
    public void clear() {
        rows = 0;
    }

    /** The leaf id of held row {@code i}, as {@link #hold} was told it: the rows outlive the block that named them. */
    public long sender(final int i) {
        if (i < 0 || i >= rows) {
            throw new IndexOutOfBoundsException("row " + i + " of " + rows + " held");
        }
        return senders[i];
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
        if (codec == CodecId.FP32) {
            System.arraycopy(floats, i * d, into, 0, d);
            return PayloadChecks.finite(CodecId.FP32, floatsView, 4L * i * d, 4L * d);
        }
        return Codecs.decode(codec, parameter(codec), stored[i], 0, d, into, 0) == Codecs.OK;
    }

    /**
     * Writes row {@code i}'s held values at columns [from, to) to {@code into[offset, offset + to − from)}, with the
     * codec's own kernels: the bits {@link #decode(int, float[])} gives at those columns (each value is decoded on its
     * own: bf16 by a shift, int8 as byte × its block's scale). For the detector's Gram a chunk of columns at a time
     * ({@link io.canopy.kernel.ChunkedGram}); allocates nothing once its scratch has grown.
     *
     * @return false when they are not all finite
     */
    @Override
    public boolean decode(final int i, final int from, final int to, final float[] into, final int offset) {
        if (from < 0 || to > d || from > to) {
            throw new IndexOutOfBoundsException("columns [" + from + ", " + to + ") of " + d);
        }
        if (codec == CodecId.FP32) {
            System.arraycopy(floats, i * d + from, into, offset, to - from);
            return PayloadChecks.finite(CodecId.FP32, floatsView, 4L * ((long) i * d + from), 4L * (to - from));
        }
        if (codec == CodecId.BF16) {
            return Codecs.decode(codec, 0, stored[i], 2L * from, to - from, into, offset) == Codecs.OK;
        }
        // int8: the row is its scales, then its bytes; the range's whole blocks are decoded from both in place.
        final int block = Codecs.INT8_DEFAULT_BLOCK;
        final int firstBlock = from / block;
        final int blocks = Codecs.int8Blocks(d, block);
        final int endBlock = Math.max(firstBlock, Codecs.int8Blocks(to, block));
        final int lo = firstBlock * block;
        final int values = Math.min(d, endBlock * block) - lo;
        if (from == lo && to == lo + values) {
            return Int8Codec.decode(stored[i], 4L * firstBlock, 4L * blocks + lo, values, block, into, offset)
                == Codecs.OK;
        }
        if (blockValues.length < values) {
            blockValues = new float[values];
        }
        final boolean finite = Int8Codec.decode(stored[i], 4L * firstBlock, 4L * blocks + lo, values, block,
            blockValues, 0) == Codecs.OK;
        System.arraycopy(blockValues, from - lo, into, offset, to - from);
        return finite;
    }

    /** fp32 only: the held rows, row-major from 0 (the array may be longer than rows × d). */
    float[] floats() {
        return floats;
    }

    /** The stored bytes of compressed row {@code i}, read-only: for tests that check a row depends on its own leaf alone. */
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

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int dimension() {
        return d;
    }
}
