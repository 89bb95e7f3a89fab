package io.canopy.global.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;

/**
 * A journal's run id: a random non-zero 64-bit value drawn when a coordinator first takes the journal over and kept
 * in the file {@value #FILE} beside the ledgers, so every coordinator that resumes the run stamps the same id on its
 * round plans. Leaf signatures bind it through the round nonce ({@code io.canopy.enroll.RoundNonce}): a frame captured
 * in one run does not verify in another, even one whose plans agree in every other field.
 */
public final class RunId {
    /** The file in the journal directory: 16 hexadecimal digits and a newline. */
    public static final String FILE = "run-id";

    private static final SecureRandom RANDOM = new SecureRandom();

    private RunId() {
    }

    /** The run id in {@code directory}, drawn and written durably now if there is none yet. */
    public static long readOrCreate(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (Files.exists(file)) {
            return read(file);
        }
        long id = draw();
        byte[] text = (HexFormat.of().toHexDigits(id) + "\n").getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, ch -> ch.write(ByteBuffer.wrap(text)));
        return id;
    }

    /** A fresh non-zero run id (0 means "no run" in a plan). */
    public static long draw() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0);
        return id;
    }

    private static long read(Path file) throws IOException {
        if (Files.size(file) > 64) {
            throw new FileFormatException(file, "is " + Files.size(file) + " bytes; a run id is 16 hexadecimal digits");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (text.length() != 16 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new FileFormatException(file, "does not hold a run id: expected 16 hexadecimal digits, found '" + text
                + "'; restore it from a backup, or remove it only if this journal's run should count as a new one");
        }
        long id = HexFormat.fromHexDigitsToLong(text);
        if (id == 0) {
            throw new FileFormatException(file, "holds run id 0, which means no run");
        }
        return id;
    }
}
