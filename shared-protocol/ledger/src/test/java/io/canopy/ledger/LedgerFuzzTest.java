package io.canopy.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

import io.canopy.fuzz.FuzzRun;
import io.canopy.io.FileFormatException;
import io.canopy.ledger.RecordLogTest.Sample;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Whatever a ledger file holds, a reader returns a prefix of the records that were written (every record it returns
 * passed its CRC and hash chain) or throws {@link FileFormatException} naming the file, never another exception, and
 * allocates no more than a small multiple of the file.
 */
class LedgerFuzzTest {

    private static final String SEED = "20261202";
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final List<Sample> WRITTEN = RecordChainTest.samples(4);
    private static final Path DIR;
    private static final byte[] BINARY;
    private static final byte[] YAML;

    static {
        try {
            DIR = Files.createTempDirectory("ledger-fuzz");
            BINARY = written("valid.bin");
            YAML = written("valid.yaml");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static byte[] written(String name) throws IOException {
        Path file = DIR.resolve(name);
        try (RecordLog<Sample> log = RecordLog.open(file, RecordChainTest.ORDERED, null)) {
            for (Sample s : WRITTEN) {
                log.append(s);
            }
        }
        return Files.readAllBytes(file);
    }

    private static void readsAPrefixOrRefuses(byte[] bytes, boolean yaml) throws IOException {
        Path file = DIR.resolve(yaml ? "fuzz.yaml" : "fuzz.bin");
        Files.write(file, bytes);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            RecordLog.Contents<Sample> c = RecordLog.read(file, RecordChainTest.ORDERED, null);
            assertEquals(WRITTEN.subList(0, c.records().size()), c.records(), "only records that were written");
            assertTrue(c.damage() == RecordLog.Damage.NONE ? c.problem() == null : !c.problem().isBlank());
        } catch (FileFormatException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 16L * bytes.length + (1 << 20), allocated + " bytes for a file of " + bytes.length);
    }

    @Property(seed = SEED, tries = 2000)
    void aLedgerWithBytesChangedReadsAPrefixOrIsRefused(@ForAll @IntRange(max = 4000) int where, @ForAll byte value,
                                                        @ForAll @IntRange(max = 3) int how, @ForAll boolean yaml)
        throws IOException {
        byte[] valid = yaml ? YAML : BINARY;
        int at = where % valid.length;
        byte[] b = switch (how) {
            case 0 -> valid.clone();
            case 1 -> Arrays.copyOf(valid, at);
            case 2 -> {
                byte[] c = Arrays.copyOf(valid, valid.length + 4);
                System.arraycopy(valid, at, c, at + 4, valid.length - at);
                Arrays.fill(c, at, at + 4, value);
                yield c;
            }
            default -> {
                byte[] c = new byte[valid.length - Math.min(7, valid.length - at)];
                System.arraycopy(valid, 0, c, 0, at);
                System.arraycopy(valid, at + (valid.length - c.length), c, at, c.length - at);
                yield c;
            }
        };
        if (how == 0) {
            b[at] = value;
        }
        readsAPrefixOrRefuses(b, yaml);
    }

    @Property(seed = SEED, tries = 1000)
    void arbitraryBytesAfterAValidHeaderAreRefusedOrReadAsNothing(@ForAll @Size(max = 200) byte[] tail,
                                                                 @ForAll boolean yaml) throws IOException {
        byte[] valid = yaml ? YAML : BINARY;
        int header = RecordLogTest.headerBytes(yaml ? LogForm.YAML : LogForm.BINARY);
        byte[] b = Arrays.copyOf(valid, header + tail.length);
        System.arraycopy(tail, 0, b, header, tail.length);
        readsAPrefixOrRefuses(b, yaml);
    }

    /**
     * A forger who knows the format: a binary record whose payload is changed and whose CRC and chain are then
     * recomputed as documented (hᵢ = SHA-256(hᵢ₋₁ ‖ payload)). The codec then meets the payload: it must decode, be
     * refused by the sequence rule, or be refused as a {@link FileFormatException}.
     */
    @Property(seed = SEED, tries = 2000)
    void aForgedRecordWithAValidChainDecodesOrIsRefused(@ForAll @IntRange(max = 4000) int where, @ForAll byte value,
                                                        @ForAll @IntRange(max = 3) int which) throws Exception {
        int header = RecordLogTest.headerBytes(LogForm.BINARY);
        int[] frames = RecordChainTest.frames(BINARY, header);
        byte[] b = BINARY.clone();
        int start = frames[which];
        int len = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(start);
        b[start + 72 + where % len] = value;
        byte[] prev = Arrays.copyOfRange(b, start + 8, start + 40);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(prev);
        sha.update(b, start + 72, len);
        System.arraycopy(sha.digest(), 0, b, start + 40, 32);
        CRC32 crc = new CRC32();
        crc.update(b, start + 8, 64 + len);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(start + 4, (int) crc.getValue());
        Path file = DIR.resolve("forged.bin");
        Files.write(file, b);
        try {
            RecordLog.Contents<Sample> c = RecordLog.read(file, RecordChainTest.ORDERED, null);
            assertTrue(c.records().size() >= which, "records before the forged one are intact");
            if (c.damage() != RecordLog.Damage.NONE) {
                assertTrue(c.problem().startsWith("record "), c.problem());
            }
        } catch (FileFormatException e) {
            assertTrue(e.getMessage().startsWith(file + ": record " + (which + 1) + " at byte " + start), e.getMessage());
        }
    }

    @Property(seed = SEED, tries = 200)
    void aForgedYamlRecordNeverPassesWithoutItsChainRecomputed(@ForAll @IntRange(max = 4000) int where,
                                                              @ForAll @IntRange(min = 'a', max = 'z') int letter)
        throws IOException {
        String text = new String(YAML, StandardCharsets.UTF_8);
        int at = text.indexOf("note: round ", where % (text.length() - 20));
        if (at < 0) {
            return;
        }
        String edited = RecordChainTest.editYaml(text, "note: round ", "note: rou" + (char) letter + "d ");
        Files.writeString(DIR.resolve("edited.yaml"), edited);
        RecordLog.Contents<Sample> c = RecordLog.read(DIR.resolve("edited.yaml"), RecordChainTest.ORDERED, null);
        if (letter != 'n') {
            assertEquals(RecordLog.Damage.CORRUPT, c.damage(), c.problem());
        }
    }

    @Test
    @Tag(FuzzRun.TAG)
    void longRun() {
        FuzzRun.run("ledgers", r -> {
            aLedgerWithBytesChangedReadsAPrefixOrIsRefused(r.nextInt(4001), (byte) r.nextInt(), r.nextInt(4), r.nextBoolean());
            arbitraryBytesAfterAValidHeaderAreRefusedOrReadAsNothing(FuzzRun.bytes(r, 200), r.nextBoolean());
            aForgedRecordWithAValidChainDecodesOrIsRefused(r.nextInt(4001), (byte) r.nextInt(), r.nextInt(4));
        });
    }
}
