package io.canopy.ledger;

import io.canopy.io.FileFormatException;
import io.canopy.ledger.RecordLog.Contents;
import io.canopy.ledger.RecordLog.Damage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BinaryWire;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.YamlWire;

/**
 * Reads a whole {@link RecordLog} file (format version 2, described there) and verifies it: header, chain
 * mode, each frame's length and CRC-32, the hash chain, the codec's schema and the codec's sequence rule.
 * Every length a frame declares is checked against the bytes that remain before anything is allocated.
 */
final class RecordParser<T> {

    /** What a parse found, plus what a writer needs to continue the chain. */
    record Parsed<T>(Contents<T> contents, RecordChain chain, byte[] head, T last) {
    }

    static final String CRC_MARK = "# crc32 ";
    static final String PREV_MARK = "# prev ";
    /** int32 length, int32 CRC-32, previous digest, own digest. */
    static final int FRAME_HEADER_BYTES = 8 + 2 * RecordChain.DIGEST_BYTES;
    private static final int LONGEST_CHAIN_LINE = 32;

    private final Path file;
    private final RecordCodec<T> codec;
    private final LogForm form;
    private final byte[] all;
    private final List<T> out = new ArrayList<>();
    private RecordChain chain;
    private byte[] head;
    private T last;

    private RecordParser(final Path file, final RecordCodec<T> codec, final byte[] all) {
        this.file = file;
        this.codec = codec;
        this.form = LogForm.of(file);
        this.all = all;
    }

    /**
     * Parses {@code all}, the bytes of {@code file}.
     *
     * @throws FileFormatException for a record that passes every check but the codec's schema, and for a file
     *                             chained with HMAC when no key is given
     */
    static <T> Parsed<T> parse(final Path file, final RecordCodec<T> codec, final byte[] all, final LedgerKey key)
        throws FileFormatException {
        return new RecordParser<>(file, codec, all).run(key);
    }

    /** The codec's header bytes for {@code form}. */
    static byte[] codecHeader(final RecordCodec<?> codec, final LogForm form) {
        return form == LogForm.YAML ? codec.yamlHeader().getBytes(StandardCharsets.UTF_8) : codec.binaryHeader();
    }

    private Parsed<T> run(final LedgerKey key) throws FileFormatException {
        final byte[] header = codecHeader(codec, form);
        final int prefix = Math.min(all.length, header.length);
        if (!Arrays.equals(all, 0, prefix, header, 0, prefix)) {
            return done(badHeader(header), 0, Damage.CORRUPT);
        }
        if (all.length < header.length) {
            // The crash came while the header itself was being written: nothing was ever recorded.
            return done("the header is cut short at " + all.length + " bytes", 0, Damage.TORN_TAIL);
        }
        final String lead = form == LogForm.YAML ? "# chain " : "chain ";
        final int lineEnd = indexOf(all, new byte[] {'\n'}, header.length);
        if (lineEnd < 0 || lineEnd - header.length > LONGEST_CHAIN_LINE) {
            final String partial = new String(all, header.length, Math.min(all.length - header.length,
                LONGEST_CHAIN_LINE), StandardCharsets.ISO_8859_1);
            for (final RecordChain.Mode m : RecordChain.Mode.values()) {
                if (lineEnd < 0 && (lead + m.word + "\n").startsWith(partial)) {
                    return done("the header is cut short at " + all.length + " bytes", 0, Damage.TORN_TAIL);
                }
            }
            return done("the header has no chain line ('" + lead + "sha256')", 0, Damage.CORRUPT);
        }
        final String line = new String(all, header.length, lineEnd - header.length, StandardCharsets.ISO_8859_1);
        final RecordChain.Mode mode = line.startsWith(lead) ? RecordChain.Mode.of(line.substring(lead.length())) : null;
        if (mode == null) {
            return done("the header names an unknown hash chain '" + line + "' (known: sha256, hmac-sha256)", 0,
                Damage.CORRUPT);
        }
        chain = RecordChain.forReading(mode, key);
        if (chain == null) {
            throw new FileFormatException(file, "its records are chained with HMAC-SHA256 under an operator key; set "
                + LedgerKey.ENVIRONMENT + " to that key to read or append to it");
        }
        head = chain.genesis(Arrays.copyOf(all, lineEnd + 1));
        return form == LogForm.YAML ? yaml(lineEnd + 1) : binary(lineEnd + 1);
    }

    /** A header that is not this codec's: another kind of file, or this kind in another format version. */
    private String badHeader(final byte[] header) {
        int digits = header.length - 1;
        while (digits > 0 && Character.isDigit(header[digits - 1])) {
            digits--;
        }
        final String kind = form.name().toLowerCase(Locale.ROOT) + " " + codec.name();
        if (digits > 0 && digits < header.length - 1 && all.length > digits
            && Arrays.equals(all, 0, digits, header, 0, digits) && Character.isDigit(all[digits])) {
            int end = digits;
            while (end < all.length && end - digits < 9 && Character.isDigit(all[end])) {
                end++;
            }
            final String found = new String(all, digits, end - digits, StandardCharsets.US_ASCII);
            final String wanted = new String(header, digits, header.length - 1 - digits, StandardCharsets.US_ASCII);
            return "a " + kind + " in format version " + found + "; this Canopy reads format version " + wanted
                + " only (hash-chained records): read it with the Canopy release that wrote it, or start a new one";
        }
        return "not a " + kind + " (bad header)";
    }

    private Parsed<T> binary(final int start) throws FileFormatException {
        final ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int at = start;
        while (at < all.length) {
            final int remaining = all.length - at;
            if (remaining < FRAME_HEADER_BYTES) {
                return damaged(at, "its " + FRAME_HEADER_BYTES + "-byte frame header is cut short", Damage.TORN_TAIL);
            }
            final int len = b.getInt(at);
            if (len <= 0 || len > remaining - FRAME_HEADER_BYTES) {
                return damaged(at, "it declares " + len + " bytes, " + (remaining - FRAME_HEADER_BYTES) + " remain",
                    binaryFrameAfter(at + 1) ? Damage.CORRUPT : Damage.TORN_TAIL);
            }
            if ((int) RecordLog.crc(all, at + 8, FRAME_HEADER_BYTES - 8 + len) != b.getInt(at + 4)) {
                return damaged(at, "its CRC-32 does not match",
                    binaryFrameAfter(at + 1) ? Damage.CORRUPT : Damage.TORN_TAIL);
            }
            final int payload = at + FRAME_HEADER_BYTES;
            final String broken = chainProblem(at + 8, at + 8 + RecordChain.DIGEST_BYTES, payload, len);
            if (broken != null) {
                return damaged(at, broken, Damage.CORRUPT);
            }
            final Bytes<byte[]> bytes = Bytes.wrapForRead(Arrays.copyOfRange(all, payload, payload + len));
            final T record;
            try {
                record = decode(new BinaryWire(bytes), at);
            } finally {
                bytes.releaseLast();
            }
            final Parsed<T> unordered = accept(record, at);
            if (unordered != null) {
                return unordered;
            }
            head = Arrays.copyOfRange(all, at + 8 + RecordChain.DIGEST_BYTES, payload);
            at = payload + len;
        }
        return done(null, all.length, Damage.NONE);
    }

    private Parsed<T> yaml(final int start) throws FileFormatException {
        final byte[] mark = ("\n" + CRC_MARK).getBytes(StandardCharsets.US_ASCII);
        int at = start;
        while (at < all.length) {
            final int markAt = indexOf(all, mark, at);
            final int lineEnd = markAt < 0 ? -1 : indexOf(all, new byte[] {'\n'}, markAt + 1);
            if (markAt < 0 || lineEnd < 0) {
                return damaged(at, "it has no complete checksum line", Damage.TORN_TAIL);
            }
            final int covered = markAt + 1;
            final String hex = new String(all, covered + CRC_MARK.length(), lineEnd - covered - CRC_MARK.length(),
                StandardCharsets.US_ASCII);
            if (!hex.equals(RecordLog.crcHex(all, at, covered - at))) {
                return damaged(at, "its CRC-32 does not match", yamlRecordAfter(at + 1) ? Damage.CORRUPT : Damage.TORN_TAIL);
            }
            final int digestLine = lastLineStart(covered - 1, at);
            final int prevLine = digestLine <= at ? -1 : lastLineStart(digestLine - 1, at);
            final String digestLead = "# " + chain.mode().word + " ";
            final byte[] prev = prevLine <= at ? null : hexAfter(prevLine, digestLine - 1, PREV_MARK);
            final byte[] own = prev == null ? null : hexAfter(digestLine, covered - 1, digestLead);
            if (own == null || !startsWith(all, at, "---\n")) {
                return damaged(at, "its CRC-32 holds but it lacks the '" + PREV_MARK + "' and '" + digestLead
                    + "' lines of the hash chain", Damage.CORRUPT);
            }
            final byte[] chained = new byte[2 * RecordChain.DIGEST_BYTES];
            System.arraycopy(prev, 0, chained, 0, RecordChain.DIGEST_BYTES);
            System.arraycopy(own, 0, chained, RecordChain.DIGEST_BYTES, RecordChain.DIGEST_BYTES);
            final String broken = chainProblem(chained, 0, RecordChain.DIGEST_BYTES, at, prevLine - at);
            if (broken != null) {
                return damaged(at, broken, Damage.CORRUPT);
            }
            final Bytes<byte[]> bytes = Bytes.wrapForRead(Arrays.copyOfRange(all, at + 4, prevLine));
            final T record;
            try {
                record = decode(new YamlWire(bytes), at);
            } finally {
                bytes.releaseLast();
            }
            final Parsed<T> unordered = accept(record, at);
            if (unordered != null) {
                return unordered;
            }
            head = own;
            at = lineEnd + 1;
        }
        return done(null, all.length, Damage.NONE);
    }

    /** Checks a record's stored hᵢ₋₁ (at {@code prevAt}) and hᵢ (at {@code ownAt}) in {@link #all}. */
    private String chainProblem(final int prevAt, final int ownAt, final int payload, final int len) {
        return chainProblem(all, prevAt, ownAt, payload, len);
    }

    private String chainProblem(final byte[] digests, final int prevAt, final int ownAt, final int payload,
                                final int len) {
        // Under HMAC the first record's hashes also fail when the key is not the writer's: say so.
        final String orKey = chain.mode() == RecordChain.Mode.HMAC_SHA256
            ? ", or " + LedgerKey.ENVIRONMENT + " is not the key it was written with" : "";
        if (!RecordChain.equal(head, digests, prevAt)) {
            return out.isEmpty()
                ? "its previous-record hash is not the header's: records before it were removed" + orKey
                : "its previous-record hash is not record " + out.size() + "'s " + chain.mode().display
                + ": a record was removed, inserted or reordered before it";
        }
        if (!RecordChain.equal(chain.next(head, all, payload, len), digests, ownAt)) {
            return "its " + chain.mode().display + " does not match its content: it was edited after it was written"
                + orKey;
        }
        return null;
    }

    /** Adds a verified record, or reports it when it does not follow the one before (codec's rule). */
    private Parsed<T> accept(final T record, final int at) {
        final String order = codec.sequenceProblem(last, record);
        if (order != null) {
            return damaged(at, order, Damage.CORRUPT);
        }
        out.add(record);
        last = record;
        return null;
    }

    private T decode(final Wire wire, final int offset) throws FileFormatException {
        try {
            return codec.read(wire, form);
        } catch (final RuntimeException e) {
            throw new FileFormatException(file, "record " + (out.size() + 1) + " at byte " + offset
                + " passes its CRC-32 and hash chain but is not a " + codec.name() + " record (" + e.getMessage() + ")");
        }
    }

    private Parsed<T> damaged(final int offset, final String why, final Damage damage) {
        final int index = out.size();
        final String what = damage == Damage.TORN_TAIL || why.startsWith("its CRC-32 does not")
            || why.startsWith("it declares") ? "is torn or corrupt" : "is corrupt";
        return done("record " + (index + 1) + " at byte " + offset + " " + what + " (" + why + "); the " + index
            + " records before it are intact", offset, damage);
    }

    private Parsed<T> done(final String problem, final long validBytes, final Damage damage) {
        return new Parsed<>(new Contents<>(out, problem, validBytes, damage), chain, head, last);
    }

    /** Whether an intact binary frame (positive length that fits, matching CRC) starts anywhere from {@code from}. */
    private boolean binaryFrameAfter(final int from) {
        final ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = from; p <= all.length - FRAME_HEADER_BYTES; p++) {
            final int len = b.getInt(p);
            if (len > 0 && len <= all.length - p - FRAME_HEADER_BYTES
                && (int) RecordLog.crc(all, p + 8, FRAME_HEADER_BYTES - 8 + len) == b.getInt(p + 4)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an intact YAML record (a {@code ---} document with a matching CRC line) starts from {@code from}. */
    private boolean yamlRecordAfter(final int from) {
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
            if (new String(all, hexAt, lineEnd - hexAt, StandardCharsets.US_ASCII)
                .equals(RecordLog.crcHex(all, doc, markAt + 1 - doc))) {
                return true;
            }
        }
        return false;
    }

    /** Start of the line that ends with the newline at {@code newline}, not before {@code floor}. */
    private int lastLineStart(final int newline, final int floor) {
        int p = newline - 1;
        while (p >= floor && all[p] != '\n') {
            p--;
        }
        return p + 1;
    }

    /** The 32 bytes of hex after {@code lead} in the line [{@code from}, {@code newline}), or null. */
    private byte[] hexAfter(final int from, final int newline, final String lead) {
        final int hexLen = 2 * RecordChain.DIGEST_BYTES;
        if (newline - from != lead.length() + hexLen || !startsWith(all, from, lead)) {
            return null;
        }
        try {
            return java.util.HexFormat.of().parseHex(new String(all, from + lead.length(), hexLen,
                StandardCharsets.US_ASCII));
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean startsWith(final byte[] all, final int at, final String s) {
        final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return at >= 0 && at + b.length <= all.length && Arrays.equals(all, at, at + b.length, b, 0, b.length);
    }

    static int indexOf(final byte[] all, final byte[] needle, final int from) {
        outer:
        for (int i = Math.max(0, from); i <= all.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (all[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
