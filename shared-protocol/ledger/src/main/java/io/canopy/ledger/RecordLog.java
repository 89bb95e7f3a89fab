package io.canopy.ledger;

import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.YamlWire;

/**
 * An append-only, durable, hash-chained file of records, each written by a {@link RecordCodec} with Chronicle
 * Wire in the {@link LogForm} the file name chooses ({@code .yaml}/{@code .yml}: YAML, anything else: binary).
 *
 * <p>Format version 2 (the codec's header names the version; version 1 had CRC-32 only and is refused with a
 * message naming its version):
 * <ul>
 *   <li>header: the codec's {@link RecordCodec#binaryHeader() header}, then a line naming the chain,
 *       {@code chain sha256\n} or {@code chain hmac-sha256\n} (YAML: {@code # chain sha256\n});</li>
 *   <li>binary record: little-endian int32 payload length (&gt; 0), int32 CRC-32 (IEEE, {@link CRC32}) of
 *       everything after it, 32 bytes hᵢ₋₁, 32 bytes hᵢ, the payload;</li>
 *   <li>YAML record: a {@code ---} document, a line {@code # prev <hᵢ₋₁ hex>}, a line {@code # sha256 <hᵢ hex>}
 *       ({@code # hmac-sha256 ...}), and a line {@code # crc32 xxxxxxxx} over the UTF-8 bytes before it.</li>
 * </ul>
 * The chain ({@link RecordChain}): h₀ = H(header), hᵢ = H(hᵢ₋₁ ‖ payloadᵢ), the payload of a YAML record being its
 * document from {@code ---} on; H is SHA-256, or HMAC-SHA256 under the operator's {@link LedgerKey}.
 *
 * <p>Durability: {@link #append} writes the whole frame and forces it to the device (fsync) before it
 * returns, so a caller that acknowledges a record after {@code append} never acknowledges a lost one.
 *
 * <p>Recovery: {@link #read} returns every intact record up to the first damaged one and says what is
 * wrong ({@link Contents#problem()}). A crash can only tear the <em>last</em> frame (cut short, or a
 * zero-filled tail the file system allocated but never wrote), so a frame whose length or CRC fails with no
 * intact frame after it is {@link Damage#TORN_TAIL}, and {@link #open} cuts it off before appending: that
 * loses nothing that was ever readable. Everything else is {@link Damage#CORRUPT}, never truncated, and
 * {@link #open} refuses it: a bad header, a bad frame with an intact one after it, a frame whose CRC holds but
 * whose chain does not (edited, removed, inserted or reordered records), and a record the codec's
 * {@link RecordCodec#sequenceProblem sequence rule} refuses (a duplicate or backward round id). A frame that
 * passes every check but that the codec cannot decode is refused outright with a {@link FileFormatException}.
 *
 * <p>Bounds: a file over {@link #MAX_FILE_BYTES} is refused before it is read; every length a frame declares
 * is checked against the bytes that remain before anything is allocated for it.
 *
 * <p>Not thread-safe; one writer per file, enforced with an OS file lock held while open.
 *
 * @param <T> the record type
 */
public final class RecordLog<T> implements Closeable {

    /** The largest log read, 1 GiB: a round's record is ~1 KB, so this is a million rounds and far from any real one. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /** What kind of damage, if any, a read found after the intact records. */
    public enum Damage {
        /** The file ends after an intact record. */
        NONE,
        /** Damage that no intact record follows: what a crash mid-append leaves; cutting it loses nothing. */
        TORN_TAIL,
        /** Damage a crash cannot explain (see the class comment): an error, never truncated. */
        CORRUPT
    }

    /** What a read found: the intact records, the damage after them and where the intact prefix ends. */
    public record Contents<T>(List<T> records, String problem, long validBytes, Damage damage) {
        public Contents {
            records = List.copyOf(records);
        }
    }

    private final Path file;
    private final RecordCodec<T> codec;
    private final LogForm form;
    private final FileChannel channel;
    private final FileLock lock;
    private final Contents<T> recovered;
    private final RecordChain chain;
    private byte[] head;
    private T last;
    private long size;

    private RecordLog(final Path file, final RecordCodec<T> codec, final FileChannel channel, final FileLock lock,
                      final RecordParser.Parsed<T> found) throws IOException {
        this.file = file;
        this.codec = codec;
        this.form = LogForm.of(file);
        this.channel = channel;
        this.lock = lock;
        this.recovered = found.contents();
        this.chain = found.chain();
        this.head = found.head();
        this.last = found.last();
        this.size = channel.size();
    }

    /** {@link #open(Path, RecordCodec, LedgerKey)} with the key of {@link LedgerKey#fromEnvironment()}. */
    public static <T> RecordLog<T> open(final Path file, final RecordCodec<T> codec) throws IOException {
        return open(file, codec, LedgerKey.fromEnvironment());
    }

    /**
     * Opens (creating if needed) a log for appending. A torn tail left by a crash is cut off and the cut
     * forced to the device; the records before it are in {@link #recovered()}. A new file is chained with
     * HMAC-SHA256 when {@code key} is given, else SHA-256; an existing file keeps the chain it declares.
     *
     * @throws FileFormatException if the file is corrupt beyond a torn tail, or is chained with a key that is
     *                             not given
     * @throws io.canopy.io.FileLockedException if another writer holds it open
     */
    public static <T> RecordLog<T> open(final Path file, final RecordCodec<T> codec, final LedgerKey key)
        throws IOException {
        final boolean existed = Files.exists(file);
        final FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try {
            final FileLock lock = lock(file, ch);
            RecordParser.Parsed<T> found = parse(file, codec, ch.size() == 0 ? new byte[0] : readBounded(file, ch.size()),
                key);
            if (found.contents().damage() == Damage.CORRUPT) {
                throw new FileFormatException(file, found.contents().problem()
                    + "; not a torn tail, so nothing was truncated");
            }
            if (found.contents().damage() == Damage.TORN_TAIL) {
                ch.truncate(found.contents().validBytes());
                ch.force(true);
            }
            if (ch.size() == 0) {
                final RecordChain chain = RecordChain.forWriting(key);
                final byte[] codecHeader = RecordParser.codecHeader(codec, LogForm.of(file));
                final byte[] line = chain.headerLine(LogForm.of(file));
                final byte[] header = Arrays.copyOf(codecHeader, codecHeader.length + line.length);
                System.arraycopy(line, 0, header, codecHeader.length, line.length);
                write(ch, 0, header);
                ch.force(true);
                if (!existed) {
                    AtomicFiles.forceDirectory(file.toAbsolutePath().getParent());
                }
                found = new RecordParser.Parsed<>(found.contents(), chain, chain.genesis(header), null);
            }
            return new RecordLog<>(file, codec, ch, lock, found);
        } catch (final IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** What {@link #open} found in the file: the records already there and the torn tail it cut, if any. */
    public Contents<T> recovered() {
        return recovered;
    }

    public Path file() {
        return file;
    }

    public LogForm form() {
        return form;
    }

    /**
     * Appends one record and forces it to the device before returning. If the write or the fsync fails,
     * the file is cut back to its previous length and the exception propagates: the record is not in the
     * log and must not be acknowledged. The next append writes at that same offset, so even a failed cut
     * never leaves a torn frame before a later one.
     *
     * @throws IllegalArgumentException when the codec's sequence rule refuses the record after the last one
     */
    public void append(final T record) throws IOException {
        final String order = codec.sequenceProblem(last, record);
        if (order != null) {
            throw new IllegalArgumentException(file + ": refusing to append: " + order);
        }
        final byte[] frame = nextFrame(record);
        try {
            write(channel, size, frame);
            channel.force(true);
        } catch (final IOException e) {
            try {
                channel.truncate(size);
            } catch (final IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
        size += frame.length;
        head = chainedDigest(frame);
        last = record;
    }

    /** The bytes {@link #append} would write for {@code record} now (tests use it to simulate torn writes). */
    public byte[] nextFrame(final T record) {
        return frame(record, codec, form, chain, head);
    }

    /**
     * The bytes {@link #append} would write for {@code record} after the intact records of {@code file}, without
     * opening it for append (tests in other packages use it to simulate torn and forged writes).
     */
    public static <T> byte[] nextFrame(final Path file, final T record, final RecordCodec<T> codec, final LedgerKey key)
        throws IOException {
        final RecordParser.Parsed<T> p = parse(file, codec, readBounded(file, Files.size(file)), key);
        return frame(record, codec, LogForm.of(file), p.chain(), p.head());
    }

    /** {@link #read(Path, RecordCodec, LedgerKey)} with the key of {@link LedgerKey#fromEnvironment()}. */
    public static <T> Contents<T> read(final Path file, final RecordCodec<T> codec) throws IOException {
        return read(file, codec, LedgerKey.fromEnvironment());
    }

    /**
     * Reads and verifies every intact record of a log in either form; the file is not changed.
     *
     * @throws FileFormatException when the file exceeds {@link #MAX_FILE_BYTES}, is chained with a key that is
     *                             not given, or holds a verified record the codec cannot decode
     */
    public static <T> Contents<T> read(final Path file, final RecordCodec<T> codec, final LedgerKey key)
        throws IOException {
        return parse(file, codec, readBounded(file, Files.size(file)), key).contents();
    }

    /** A record's frame after the chain head {@code prev}: what {@link #append} writes, and what tests tear. */
    static <T> byte[] frame(final T record, final RecordCodec<T> codec, final LogForm form, final RecordChain chain,
                            final byte[] prev) {
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(1024);
        try {
            if (form == LogForm.YAML) {
                codec.write(new YamlWire(bytes), record, form);
                final byte[] doc = ("---\n" + bytes.toString().stripTrailing() + "\n").getBytes(StandardCharsets.UTF_8);
                final byte[] own = chain.next(prev, doc, 0, doc.length);
                final String body = new String(doc, StandardCharsets.UTF_8) + RecordParser.PREV_MARK
                    + RecordChain.hex(prev) + "\n# " + chain.mode().word + " " + RecordChain.hex(own) + "\n";
                final byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
                return (body + RecordParser.CRC_MARK + crcHex(bodyBytes, 0, bodyBytes.length) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            }
            codec.write(new BinaryWire(bytes), record, form);
            final byte[] payload = bytes.toByteArray();
            final ByteBuffer b = ByteBuffer.allocate(RecordParser.FRAME_HEADER_BYTES + payload.length)
                .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(payload.length).putInt(0).put(prev).put(chain.next(prev, payload, 0, payload.length)).put(payload);
            final byte[] frame = b.array();
            b.putInt(4, (int) crc(frame, 8, frame.length - 8));
            return frame;
        } finally {
            bytes.releaseLast();
        }
    }

    /** hᵢ of a frame this log just wrote. */
    private byte[] chainedDigest(final byte[] frame) {
        if (form == LogForm.BINARY) {
            return Arrays.copyOfRange(frame, 8 + RecordChain.DIGEST_BYTES, 8 + 2 * RecordChain.DIGEST_BYTES);
        }
        final String text = new String(frame, StandardCharsets.UTF_8);
        final int crcLine = text.lastIndexOf("\n" + RecordParser.CRC_MARK);
        final int own = text.lastIndexOf(' ', crcLine);
        return java.util.HexFormat.of().parseHex(text.substring(own + 1, crcLine));
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    private static <T> RecordParser.Parsed<T> parse(final Path file, final RecordCodec<T> codec, final byte[] all,
                                                    final LedgerKey key) throws FileFormatException {
        return RecordParser.parse(file, codec, all, key);
    }

    /** The whole file, refused before any allocation when it is larger than {@link #MAX_FILE_BYTES}. */
    private static byte[] readBounded(final Path file, final long size) throws IOException {
        if (size > MAX_FILE_BYTES) {
            throw new FileFormatException(file, size + " bytes is more than a ledger may hold (" + MAX_FILE_BYTES
                + " bytes); refusing to read it");
        }
        return Files.readAllBytes(file);
    }

    /** OS locks are per process: within one JVM a second open shows up as an overlap, not as null. */
    private static FileLock lock(final Path file, final FileChannel ch) throws IOException {
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (final OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new io.canopy.io.FileLockedException(file);
        }
        return lock;
    }

    static long crc(final byte[] b, final int off, final int len) {
        final CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    static String crcHex(final byte[] b, final int off, final int len) {
        return String.format("%08x", crc(b, off, len));
    }

    private static void write(final FileChannel ch, final long position, final byte[] bytes) throws IOException {
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        long pos = position;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }
}
