package io.canopy.privacy.ledger;

import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * An append-only, durable file of {@link LedgerEntry} records, one per round, that the accountant can
 * replay. Two forms, chosen by the file name: {@code .yaml}/{@code .yml} for the human-readable YAML form,
 * anything else for the compact binary form; both are written with Chronicle Wire ({@link LedgerCodec}).
 *
 * <p>Framing, so a crash mid-write is detected rather than misread:
 * <ul>
 *   <li>binary: header {@code CNPYPL1\n}, then per record a little-endian int32 payload length, an int32
 *       CRC-32 of the payload, and the payload;</li>
 *   <li>YAML: header {@code # canopy privacy ledger v1}, then per record a {@code ---} document followed by a
 *       line {@code # crc32 XXXXXXXX} over the document's text.</li>
 * </ul>
 * {@link #append} writes a whole record and then forces it to the device (fsync) before returning: a round
 * is closed only once its record is durable. Reading stops at the first record that is incomplete or fails
 * its checksum and reports it ({@link Contents#problem()}); every earlier record is returned. Reopening for
 * append truncates such a torn tail first. Not thread-safe: one writer per file.
 */
public final class PrivacyLedger implements Closeable {

    static final byte[] BINARY_HEADER = "CNPYPL1\n".getBytes(StandardCharsets.US_ASCII);
    static final String YAML_HEADER = "# canopy privacy ledger v1\n";
    private static final String CRC_MARK = "# crc32 ";

    /** What a read found: the intact records, and a description of a torn or corrupt tail (null if none). */
    public record Contents(List<LedgerEntry> entries, String problem, long validBytes) {
        public Contents {
            entries = List.copyOf(entries);
        }
    }

    private final FileChannel channel;
    private final boolean yaml;
    private long lastRound;

    private PrivacyLedger(final FileChannel channel, final boolean yaml, final long lastRound) {
        this.channel = channel;
        this.yaml = yaml;
        this.lastRound = lastRound;
    }

    /** True when {@code file} is written in the YAML form (by its name). */
    public static boolean isYaml(final Path file) {
        final String n = file.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** Opens (creating if needed) a ledger for appending; a torn tail left by a crash is cut off first. */
    public static PrivacyLedger open(final Path file) throws IOException {
        final boolean yaml = isYaml(file);
        long lastRound = Long.MIN_VALUE;
        if (Files.exists(file) && Files.size(file) > 0) {
            final Contents c = read(file);
            if (c.problem() != null) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(c.validBytes());
                    ch.force(true);
                }
            }
            if (!c.entries().isEmpty()) {
                lastRound = c.entries().getLast().round();
            }
        }
        final FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        if (ch.size() == 0) {
            writeFully(ch, ByteBuffer.wrap(yaml ? YAML_HEADER.getBytes(StandardCharsets.UTF_8) : BINARY_HEADER));
            ch.force(true);
        }
        return new PrivacyLedger(ch, yaml, lastRound);
    }

    /** Appends one round's record and makes it durable (fsync) before returning. */
    public void append(final LedgerEntry e) throws IOException {
        if (e.round() <= lastRound) {
            throw new IllegalArgumentException("round must increase: " + e.round() + " after " + lastRound);
        }
        writeFully(channel, ByteBuffer.wrap(frame(e, yaml)));
        channel.force(true);
        lastRound = e.round();
    }

    /** The bytes {@link #append} writes for one record (exposed to tests that simulate torn writes). */
    static byte[] frame(final LedgerEntry e, final boolean yaml) {
        if (yaml) {
            final String doc = "---\n" + LedgerCodec.yaml(e).stripTrailing() + "\n";
            return (doc + CRC_MARK + crcHex(doc.getBytes(StandardCharsets.UTF_8)) + "\n").getBytes(StandardCharsets.UTF_8);
        }
        final byte[] payload = LedgerCodec.binary(e);
        final ByteBuffer b = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(payload.length).putInt((int) crc(payload)).put(payload);
        return b.array();
    }

    /** Reads every intact record of a ledger in either form. */
    public static Contents read(final Path file) throws IOException {
        final byte[] all = Files.readAllBytes(file);
        return isYaml(file) ? readYaml(all) : readBinary(all);
    }

    /** Recomputes ε of the published release from scratch: the RDP of each round from its (q, z₃), composed. */
    public static PrivacySpent replay(final List<LedgerEntry> entries, final double delta) {
        final RdpAccountant acc = new RdpAccountant();
        for (final LedgerEntry e : entries) {
            acc.compose(e.q(), e.publishedZ(), 1);
        }
        return acc.spent(delta);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static Contents readBinary(final byte[] all) {
        final List<LedgerEntry> out = new ArrayList<>();
        if (all.length < BINARY_HEADER.length || !java.util.Arrays.equals(all, 0, BINARY_HEADER.length, BINARY_HEADER, 0,
            BINARY_HEADER.length)) {
            return new Contents(out, "not a binary privacy ledger (bad header)", 0);
        }
        final ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        b.position(BINARY_HEADER.length);
        while (b.hasRemaining()) {
            final int start = b.position();
            final int index = out.size();
            if (b.remaining() < 8) {
                return new Contents(out, torn(index, start, "its 8-byte frame header is cut short"), start);
            }
            final int len = b.getInt();
            final int crc = b.getInt();
            if (len < 0 || len > b.remaining()) {
                return new Contents(out, torn(index, start, "it declares " + len + " bytes, " + b.remaining() + " remain"),
                    start);
            }
            final byte[] payload = new byte[len];
            b.get(payload);
            if ((int) crc(payload) != crc) {
                return new Contents(out, torn(index, start, "its CRC-32 does not match"), start);
            }
            out.add(LedgerCodec.fromBinary(payload));
        }
        return new Contents(out, null, all.length);
    }

    private static Contents readYaml(final byte[] all) {
        final String text = new String(all, StandardCharsets.UTF_8);
        final List<LedgerEntry> out = new ArrayList<>();
        if (!text.startsWith(YAML_HEADER)) {
            return new Contents(out, "not a YAML privacy ledger (bad header)", 0);
        }
        int pos = YAML_HEADER.length();
        while (pos < text.length()) {
            final int mark = text.indexOf("\n" + CRC_MARK, pos);
            final int lineEnd = mark < 0 ? -1 : text.indexOf('\n', mark + 1);
            final long startByte = text.substring(0, pos).getBytes(StandardCharsets.UTF_8).length;
            if (mark < 0 || lineEnd < 0) {
                return new Contents(out, torn(out.size(), startByte, "it has no complete checksum line"), startByte);
            }
            final String doc = text.substring(pos, mark + 1);
            final String hex = text.substring(mark + 1 + CRC_MARK.length(), lineEnd).trim();
            if (!hex.equals(crcHex(doc.getBytes(StandardCharsets.UTF_8)))) {
                return new Contents(out, torn(out.size(), startByte, "its CRC-32 does not match"), startByte);
            }
            out.add(LedgerCodec.fromYaml(doc.substring(doc.indexOf('\n') + 1)));
            pos = lineEnd + 1;
        }
        return new Contents(out, null, all.length);
    }

    private static String torn(final int index, final long offset, final String why) {
        return "record " + (index + 1) + " at byte " + offset + " is torn or corrupt (" + why + "); the " + index
            + " records before it are intact";
    }

    private static long crc(final byte[] b) {
        final CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static String crcHex(final byte[] b) {
        return String.format("%08x", crc(b));
    }

    private static void writeFully(final FileChannel ch, final ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
