package io.canopy.enroll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

import io.canopy.frame.SignatureScheme;
import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;

/**
 * One cluster's shard of the enrollment registry on disk ({@code cluster-<id>.enroll}; docs/security.md,
 * "The enrollment registry"). Little-endian:
 *
 * <pre>
 *   0  8  magic        "CNPYENR1"
 *   8  1  scheme       {@link SignatureScheme} code: 1 Ed25519, 2 ML-DSA-44, 3 ML-DSA-65
 *   9  3  reserved     zero
 *  12  4  cluster id   int32, the cluster the file name names
 *  16  4  entry count  int32, n
 *  20     n entries    leaf id (int64, strictly increasing, >= 0), then its raw public key (the scheme's length)
 *  end 4  CRC32C       of every byte before it
 * </pre>
 *
 * A read is bounded: the length the header implies must be exactly the file's, and no file over
 * {@value #MAX_BYTES} bytes is read at all. Damage is refused with a one-line {@link FileFormatException}
 * naming the file and what is wrong.
 */
public final class EnrollmentFile {

    /** The largest shard read: 6.7 million Ed25519 leaves, 200 thousand ML-DSA-44 ones. */
    public static final long MAX_BYTES = 256L << 20;

    static final byte[] MAGIC = "CNPYENR1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 20;
    static final int TRAILER = 4;

    private EnrollmentFile() {
    }

    /** The shard file of {@code cluster} in a registry directory. */
    public static Path of(Path directory, int cluster) {
        return directory.resolve("cluster-" + cluster + ".enroll");
    }

    /** Writes {@code shard} to {@code file}, atomically. */
    public static void write(Path file, EnrollmentShard shard) throws IOException {
        int k = shard.scheme().publicKeyLength();
        long length = HEADER + (long) shard.size() * (8 + k) + TRAILER;
        if (length > MAX_BYTES) {
            throw new IllegalArgumentException("a shard of " + shard.size() + " " + shard.scheme() + " keys needs " + length
                + " bytes, more than the " + MAX_BYTES + " a shard may have: enroll fewer leaves per cluster");
        }
        ByteBuffer out = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) shard.scheme().code()).put(new byte[3]).putInt(shard.cluster()).putInt(shard.size());
        long[] leaves = shard.leaves();
        byte[] keys = shard.keys();
        for (int i = 0; i < leaves.length; i++) {
            out.putLong(leaves[i]).put(keys, i * k, k);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        out.flip();
        AtomicFiles.write(file, channel -> {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        });
    }

    /**
     * Reads the shard in {@code file}, which must be {@code cluster}'s.
     *
     * @throws FileFormatException when the file is damaged or is not cluster {@code cluster}'s shard
     * @throws IOException         when it cannot be read (e.g. it does not exist)
     */
    public static EnrollmentShard read(Path file, int cluster) throws IOException {
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_BYTES) {
                throw new FileFormatException(file, "is " + size + " bytes, more than the " + MAX_BYTES
                    + " an enrollment shard may have");
            }
            if (size < HEADER + TRAILER) {
                throw new FileFormatException(file, "is " + size + " bytes, shorter than an enrollment shard's "
                    + (HEADER + TRAILER) + "-byte header and checksum (truncated?)");
            }
            bytes = new byte[(int) size];
            ByteBuffer into = ByteBuffer.wrap(bytes);
            while (into.hasRemaining() && channel.read(into) >= 0) {
                // Reads until the size seen above; a file that shrank meanwhile fails the length check below.
            }
        }
        return parse(file, bytes, cluster);
    }

    static EnrollmentShard parse(Path file, byte[] bytes, int cluster) throws FileFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER + TRAILER || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new FileFormatException(file, "is not an enrollment shard (it does not start with \"CNPYENR1\")");
        }
        SignatureScheme scheme = SignatureScheme.fromCode(bytes[8] & 0xFF);
        if (scheme == null || !scheme.isPublicKey()) {
            throw new FileFormatException(file, "names signature scheme " + (bytes[8] & 0xFF)
                + ", not one of 1 (Ed25519), 2 (ML-DSA-44), 3 (ML-DSA-65)");
        }
        if (bytes[9] != 0 || bytes[10] != 0 || bytes[11] != 0) {
            throw new FileFormatException(file, "has non-zero reserved bytes 9..11 (damaged, or a newer format)");
        }
        int fileCluster = in.getInt(12);
        if (fileCluster != cluster) {
            throw new FileFormatException(file, "holds cluster " + fileCluster + "'s keys, not cluster " + cluster + "'s");
        }
        int n = in.getInt(16);
        long expected = HEADER + (long) Math.max(n, 0) * (8 + scheme.publicKeyLength()) + TRAILER;
        if (n < 0 || expected != bytes.length) {
            throw new FileFormatException(file, "says " + n + " " + scheme + " entries, which take " + expected
                + " bytes, but the file has " + bytes.length + (expected > bytes.length ? " (truncated)" : " (trailing bytes)"));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - TRAILER);
        int stored = in.getInt(bytes.length - TRAILER);
        if ((int) crc.getValue() != stored) {
            throw new FileFormatException(file, String.format("checksum mismatch (stored %08x, computed %08x): the file is"
                + " damaged", stored, (int) crc.getValue()));
        }
        int k = scheme.publicKeyLength();
        long[] leaves = new long[n];
        byte[] keys = new byte[n * k];
        for (int i = 0; i < n; i++) {
            int at = HEADER + i * (8 + k);
            leaves[i] = in.getLong(at);
            System.arraycopy(bytes, at + 8, keys, i * k, k);
        }
        try {
            return new EnrollmentShard(cluster, scheme, leaves, keys);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, e.getMessage());
        }
    }
}
