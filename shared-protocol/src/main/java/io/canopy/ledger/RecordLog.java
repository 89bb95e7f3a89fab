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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.YamlWire;

/**
 * An append-only, durable file of records, each written by a {@link RecordCodec} with Chronicle Wire in
 * the {@link LogForm} the file name chooses ({@code .yaml}/{@code .yml}: YAML, anything else: binary).
 *
 * <p>Framing (version 1), so a crash mid-write is detected rather than misread:
 * <ul>
 *   <li>binary: the codec's {@link RecordCodec#binaryHeader() header}, then per record a little-endian
 *       int32 payload length (&gt; 0), an int32 CRC-32 (IEEE, {@link CRC32}) of the payload, and the payload;</li>
 *   <li>YAML: the codec's {@link RecordCodec#yamlHeader() header line}, then per record a {@code ---}
 *       document followed by a line {@code # crc32 xxxxxxxx} (lower-case hex) over the document's UTF-8 bytes.</li>
 * </ul>
 *
 * <p>Durability: {@link #append} writes the whole frame and forces it to the device (fsync) before it
 * returns, so a caller that acknowledges a record after {@code append} never acknowledges a lost one.
 *
 * <p>Recovery: {@link #read} returns every intact record up to the first damaged one and says what is
 * wrong ({@link Contents#problem()}). A crash can only tear the <em>last</em> frame (cut short, or a
 * zero-filled tail the file system allocated but never wrote), so damage that no intact record follows is
 * {@link Damage#TORN_TAIL}, and {@link #open} cuts it off before appending: that loses nothing that was
 * ever readable. Damage with an intact record after it (found by scanning on for a frame whose CRC holds),
 * and a bad header, are {@link Damage#CORRUPT}: not what a crash leaves, so {@link #open} refuses rather
 * than truncate records that were once durable. A frame that passes its CRC but that the codec cannot
 * decode is refused outright with a {@link FileFormatException}.
 *
 * <p>Not thread-safe; one writer per file, enforced with an OS file lock held while open.
 *
 * @param <T> the record type
 */
public final class RecordLog<T> implements Closeable {

    /** What kind of damage, if any, a read found after the intact records. */
    public enum Damage {
        /** The file ends after an intact record. */
        NONE,
        /** Damage that no intact record follows: what a crash mid-append leaves; cutting it loses nothing. */
        TORN_TAIL,
        /** Damage a crash cannot explain (a bad header, or an intact record after the damage): never truncated. */
        CORRUPT
    }

    /** What a read found: the intact records, the damage after them and where the intact prefix ends. */
    public record Contents<T>(List<T> records, String problem, long validBytes, Damage damage) {
        public Contents {
            records = List.copyOf(records);
        }
    }

    private static final String CRC_MARK = "# crc32 ";
    private static final int FRAME_HEADER_BYTES = 8;

    private final Path file;
    private final RecordCodec<T> codec;
    private final LogForm form;
    private final FileChannel channel;
    private final FileLock lock;
    private final Contents<T> recovered;
    private long size;

    private RecordLog(final Path file, final RecordCodec<T> codec, final FileChannel channel, final FileLock lock,
                      final Contents<T> recovered) throws IOException {
        this.file = file;
        this.codec = codec;
        this.form = LogForm.of(file);
        this.channel = channel;
        this.lock = lock;
        this.recovered = recovered;
        this.size = channel.size();
    }

    /**
     * Opens (creating if needed) a log for appending. A torn tail left by a crash is cut off and the cut
     * forced to the device; the records before it are in {@link #recovered()}.
     *
     * @throws FileFormatException if the file is corrupt beyond a torn tail, or is locked by another writer
     */
    public static <T> RecordLog<T> open(final Path file, final RecordCodec<T> codec) throws IOException {
        final boolean existed = Files.exists(file);
        final FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try {
            final FileLock lock = lock(file, ch);
            final Contents<T> found = ch.size() == 0
                ? new Contents<>(List.of(), null, 0, Damage.NONE) : parse(file, codec, Files.readAllBytes(file));
            if (found.damage() == Damage.CORRUPT) {
                throw new FileFormatException(file, found.problem() + "; not a torn tail, so nothing was truncated");
            }
            if (found.damage() == Damage.TORN_TAIL) {
                ch.truncate(found.validBytes());
                ch.force(true);
            }
            if (ch.size() == 0) {
                write(ch, 0, form(file) == LogForm.YAML
                    ? codec.yamlHeader().getBytes(StandardCharsets.UTF_8) : codec.binaryHeader());
                ch.force(true);
                if (!existed) {
                    AtomicFiles.forceDirectory(file.toAbsolutePath().getParent());
                }
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
     */
    public void append(final T record) throws IOException {
        final byte[] frame = frame(record, codec, form);
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
    }

    /** Reads every intact record of a log in either form; the file is not changed. */
    public static <T> Contents<T> read(final Path file, final RecordCodec<T> codec) throws IOException {
        return parse(file, codec, Files.readAllBytes(file));
    }

    /** The bytes {@link #append} writes for one record (public so tests can simulate torn writes). */
    public static <T> byte[] frame(final T record, final RecordCodec<T> codec, final LogForm form) {
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(1024);
        try {
            if (form == LogForm.YAML) {
                codec.write(new YamlWire(bytes), record, form);
                final String doc = "---\n" + bytes.toString().stripTrailing() + "\n";
                final byte[] docBytes = doc.getBytes(StandardCharsets.UTF_8);
                return (doc + CRC_MARK + crcHex(docBytes, 0, docBytes.length) + "\n").getBytes(StandardCharsets.UTF_8);
            }
            codec.write(new BinaryWire(bytes), record, form);
            final byte[] payload = bytes.toByteArray();
            final ByteBuffer b = ByteBuffer.allocate(FRAME_HEADER_BYTES + payload.length)
                .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(payload.length).putInt((int) crc(payload, 0, payload.length)).put(payload);
            return b.array();
        } finally {
            bytes.releaseLast();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
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
            throw new FileFormatException(file, "locked by another writer");
        }
        return lock;
    }

    private static LogForm form(final Path file) {
        return LogForm.of(file);
    }

    private static <T> Contents<T> parse(final Path file, final RecordCodec<T> codec, final byte[] all)
        throws FileFormatException {
        final LogForm form = form(file);
        final byte[] header = form == LogForm.YAML ? codec.yamlHeader().getBytes(StandardCharsets.UTF_8)
            : codec.binaryHeader();
        final int prefix = Math.min(all.length, header.length);
        if (!Arrays.equals(all, 0, prefix, header, 0, prefix)) {
            return new Contents<>(List.of(), "not a " + form.name().toLowerCase(java.util.Locale.ROOT) + " "
                + codec.name() + " (bad header)", 0, Damage.CORRUPT);
        }
        if (all.length < header.length) {
            // The crash came while the header itself was being written: nothing was ever recorded.
            return new Contents<>(List.of(), "the header is cut short at " + all.length + " bytes", 0,
                Damage.TORN_TAIL);
        }
        return form == LogForm.YAML ? parseYaml(file, codec, all, header.length) : parseBinary(file, codec, all,
            header.length);
    }

    private static <T> Contents<T> parseBinary(final Path file, final RecordCodec<T> codec, final byte[] all,
                                               final int start) throws FileFormatException {
        final List<T> out = new ArrayList<>();
        final ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).position(start);
        while (b.hasRemaining()) {
            final int at = b.position();
            if (b.remaining() < FRAME_HEADER_BYTES) {
                return damaged(out, at, "its 8-byte frame header is cut short", Damage.TORN_TAIL);
            }
            final int len = b.getInt();
            final int crc = b.getInt();
            if (len <= 0 || len > b.remaining()) {
                return damaged(out, at, "it declares " + len + " bytes, " + b.remaining() + " remain",
                    binaryFrameAfter(all, at + 1) ? Damage.CORRUPT : Damage.TORN_TAIL);
            }
            if ((int) crc(all, b.position(), len) != crc) {
                return damaged(out, at, "its CRC-32 does not match",
                    binaryFrameAfter(all, at + 1) ? Damage.CORRUPT : Damage.TORN_TAIL);
            }
            final Bytes<byte[]> bytes = Bytes.wrapForRead(Arrays.copyOfRange(all, b.position(), b.position() + len));
            try {
                out.add(decode(file, codec, new BinaryWire(bytes), LogForm.BINARY, out.size(), at));
            } finally {
                bytes.releaseLast();
            }
            b.position(b.position() + len);
        }
        return new Contents<>(out, null, all.length, Damage.NONE);
    }

    private static <T> Contents<T> parseYaml(final Path file, final RecordCodec<T> codec, final byte[] all,
                                             final int start) throws FileFormatException {
        final List<T> out = new ArrayList<>();
        final byte[] mark = ("\n" + CRC_MARK).getBytes(StandardCharsets.US_ASCII);
        int pos = start;
        while (pos < all.length) {
            final int markAt = indexOf(all, mark, pos);
            final int lineEnd = markAt < 0 ? -1 : indexOf(all, new byte[] {'\n'}, markAt + 1);
            if (markAt < 0 || lineEnd < 0) {
                return damaged(out, pos, "it has no complete checksum line", Damage.TORN_TAIL);
            }
            final int docEnd = markAt + 1;
            final String hex = new String(all, docEnd + CRC_MARK.length(), lineEnd - docEnd - CRC_MARK.length(),
                StandardCharsets.US_ASCII);
            if (!hex.equals(crcHex(all, pos, docEnd - pos))) {
                return damaged(out, pos, "its CRC-32 does not match",
                    yamlRecordAfter(all, pos + 1) ? Damage.CORRUPT : Damage.TORN_TAIL);
            }
            final String doc = new String(all, pos, docEnd - pos, StandardCharsets.UTF_8);
            final Bytes<byte[]> bytes = Bytes.from(doc.substring(doc.indexOf('\n') + 1));
            try {
                out.add(decode(file, codec, new YamlWire(bytes), LogForm.YAML, out.size(), pos));
            } finally {
                bytes.releaseLast();
            }
            pos = lineEnd + 1;
        }
        return new Contents<>(out, null, all.length, Damage.NONE);
    }

    private static <T> T decode(final Path file, final RecordCodec<T> codec, final Wire wire, final LogForm form,
                                final int index, final long offset) throws FileFormatException {
        try {
            return codec.read(wire, form);
        } catch (final RuntimeException e) {
            throw new FileFormatException(file, "record " + (index + 1) + " at byte " + offset
                + " passes its CRC-32 but is not a " + codec.name() + " record (" + e.getMessage() + ")");
        }
    }

    private static <T> Contents<T> damaged(final List<T> intact, final long offset, final String why,
                                           final Damage damage) {
        final int index = intact.size();
        return new Contents<>(intact, "record " + (index + 1) + " at byte " + offset + " is torn or corrupt (" + why
            + "); the " + index + " records before it are intact", offset, damage);
    }

    /** Whether an intact binary frame (positive length that fits, matching CRC) starts anywhere from {@code from}. */
    private static boolean binaryFrameAfter(final byte[] all, final int from) {
        final ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = from; p <= all.length - FRAME_HEADER_BYTES; p++) {
            final int len = b.getInt(p);
            if (len > 0 && len <= all.length - p - FRAME_HEADER_BYTES
                && (int) crc(all, p + FRAME_HEADER_BYTES, len) == b.getInt(p + 4)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an intact YAML record (a {@code ---} document with a matching CRC line) starts from {@code from}. */
    private static boolean yamlRecordAfter(final byte[] all, final int from) {
        // Not anchored to a preceding newline: the damaged byte may be the very newline that ends the record
        // before. A "---" that is not a record start simply fails its CRC.
        final byte[] start = "---\n".getBytes(StandardCharsets.US_ASCII);
        final byte[] mark = ("\n" + CRC_MARK).getBytes(StandardCharsets.US_ASCII);
        for (int doc = indexOf(all, start, from); doc >= 0; doc = indexOf(all, start, doc + 1)) {
            final int markAt = indexOf(all, mark, doc);
            final int lineEnd = markAt < 0 ? -1 : indexOf(all, new byte[] {'\n'}, markAt + 1);
            if (lineEnd < 0) {
                return false;
            }
            final int hexAt = markAt + 1 + CRC_MARK.length();
            if (new String(all, hexAt, lineEnd - hexAt, StandardCharsets.US_ASCII).equals(crcHex(all, doc,
                markAt + 1 - doc))) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(final byte[] all, final byte[] needle, final int from) {
        outer:
        for (int i = from; i <= all.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (all[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static long crc(final byte[] b, final int off, final int len) {
        final CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    private static String crcHex(final byte[] b, final int off, final int len) {
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
