package io.canopy.global.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.canopy.io.FileFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {

    @TempDir
    Path dir;

    /** Awkward values on purpose: signed zero, subnormals, extremes, a NaN payload. */
    static float[] model(final int d) {
        final float[] m = new float[d];
        for (int i = 0; i < d; i++) {
            m[i] = (float) Math.sin(i * 0.37) * (i % 7 == 0 ? 1e-30f : 3.5f);
        }
        m[0] = -0f;
        m[1] = Float.MIN_VALUE;
        m[2] = Float.MAX_VALUE;
        m[3] = -Float.MIN_NORMAL;
        m[4] = Float.intBitsToFloat(0x7fc0_1234);
        return m;
    }

    private static int[] bits(final float[] m) {
        final int[] b = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            b[i] = Float.floatToRawIntBits(m[i]);
        }
        return b;
    }

    @Test
    void shouldReadBackTheModelBitForBitAndAgreeOnItsCrc32c() throws Exception {
        final float[] m = model(100_003);
        final Path file = dir.resolve(ModelCheckpoint.fileName(12));
        final long crc = ModelCheckpoint.write(file, m);
        assertEquals("model-v00000012.npy", file.getFileName().toString());
        assertEquals(ModelCheckpoint.crc32c(m), crc);
        assertArrayEquals(bits(m), bits(ModelCheckpoint.read(file)));
        assertArrayEquals(bits(m), bits(ModelCheckpoint.read(file, crc)));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "only the checkpoint, no temporary file");
        }
    }

    @Test
    void shouldComputeTheCastagnoliChecksumOfTheLittleEndianBytes() {
        // CRC-32C check value from RFC 3720 (iSCSI), B.4: 32 bytes of zeros give 0x8A9136AA.
        assertEquals(0x8A9136AAL, ModelCheckpoint.crc32c(new float[8]));
    }

    private String refusal(final String name, final byte[] bytes) throws IOException {
        final Path p = dir.resolve(name);
        Files.write(p, bytes);
        return assertThrows(FileFormatException.class, () -> ModelCheckpoint.read(p)).getMessage();
    }

    @Test
    void shouldRefuseADamagedCheckpointNamingTheFileAndTheProblem() throws Exception {
        final Path good = dir.resolve(ModelCheckpoint.fileName(1));
        final long crc = ModelCheckpoint.write(good, model(10));
        final byte[] bytes = Files.readAllBytes(good);
        assertEquals(128 + 40, bytes.length, "header padded to 64 bytes, then 10 floats");

        assertEquals(dir.resolve("t.npy") + ": truncated data: shape (10,) of 4-byte values needs 40 bytes, file has 39",
            refusal("t.npy", Arrays.copyOf(bytes, bytes.length - 1)));
        assertEquals(dir.resolve("h.npy") + ": header length 118 exceeds the file (100 bytes)",
            refusal("h.npy", Arrays.copyOf(bytes, 100)));
        assertEquals(dir.resolve("x.npy") + ": 4 bytes after the data of shape (10,) (40 bytes expected)",
            refusal("x.npy", Arrays.copyOf(bytes, bytes.length + 4)));
        assertEquals(dir.resolve("e.npy") + ": too short to be a .npy file (0 bytes)", refusal("e.npy", new byte[0]));
        final byte[] magic = bytes.clone();
        magic[0] = 'x';
        assertEquals(dir.resolve("m.npy") + ": not a .npy file (bad magic; expected \\x93NUMPY)", refusal("m.npy", magic));
        final String header = new String(bytes, 0, 128, StandardCharsets.ISO_8859_1);
        assertEquals(dir.resolve("d.npy") + ": dtype '>f4' is not a checkpoint's '<f4'",
            refusal("d.npy", swapHeader(bytes, header.replace("'<f4'", "'>f4'"))));
        assertEquals(dir.resolve("s.npy") + ": expected a 1-D array of shape (d,), got shape (2, 5)",
            refusal("s.npy", swapHeader(bytes, header.replace("(10,), }", "(2, 5),}"))));
        assertEquals(dir.resolve("n.npy") + ": no such checkpoint",
            assertThrows(FileFormatException.class, () -> ModelCheckpoint.read(dir.resolve("n.npy"))).getMessage());

        final byte[] flipped = bytes.clone();
        flipped[bytes.length - 3] ^= 0x10;
        Files.write(dir.resolve("f.npy"), flipped);
        final String msg = assertThrows(FileFormatException.class,
            () -> ModelCheckpoint.read(dir.resolve("f.npy"), crc)).getMessage();
        assertEquals(dir.resolve("f.npy") + ": CRC32C of the model is " + String.format("%08x",
            ModelCheckpoint.crc32c(ModelCheckpoint.read(dir.resolve("f.npy")))) + ", the ledger recorded "
            + String.format("%08x", crc), msg);
    }

    private static byte[] swapHeader(final byte[] bytes, final String header) {
        final byte[] out = bytes.clone();
        final byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(128, h.length, "same header length");
        System.arraycopy(h, 0, out, 0, h.length);
        return out;
    }

    @Test
    void shouldBeReadableByNumpyBitForBit() throws Exception {
        final float[] m = model(1000);
        final Path file = dir.resolve(ModelCheckpoint.fileName(7));
        ModelCheckpoint.write(file, m);
        final String script = "import sys, hashlib, numpy as np; a = np.load(sys.argv[1]); "
            + "print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], hashlib.sha256(a.tobytes()).hexdigest())";
        final Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true).start();
        } catch (final IOException e) {
            assumeTrue(false, "python3 is not installed: numpy compatibility not checked");
            return;
        }
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not finish in 60 s");
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(!out.contains("No module named 'numpy'"), "numpy is not installed: compatibility not checked");
        assertEquals(0, p.exitValue(), out);
        final ByteBuffer le = ByteBuffer.allocate(m.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (final float v : m) {
            le.putInt(Float.floatToRawIntBits(v));
        }
        final String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(le.array()));
        assertEquals("<f4 (1000,) True " + sha, out);
    }
}
