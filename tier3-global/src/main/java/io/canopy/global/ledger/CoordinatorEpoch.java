package io.canopy.global.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.canopy.io.AtomicFiles;
import io.canopy.io.FileFormatException;
import io.canopy.round.RoundPlan;

/**
 * The epoch of the coordinator that takes a journal over, kept in the file {@value #FILE} beside the ledgers: 0 for
 * the journal's first coordinator, one more for each that takes it over after (a failover or a restart). Every plan a
 * coordinator opens carries its epoch ({@link RoundPlan#epoch}), so the round it re-issues after a take-over — the
 * first it has not recorded, with the same round id — supersedes the copy the tiers opened for its predecessor.
 *
 * <p>Strictly increasing because a coordinator takes the journal over under its file locks ({@link DirectoryJournal})
 * and writes its epoch durably before it opens any round: no two coordinators that issued a plan share an epoch, and a
 * later one's is higher. Nothing in the ledgers could stand in for it: a coordinator that dies before recording
 * anything leaves the ledgers as it found them.
 */
public final class CoordinatorEpoch {
    /** The file in the journal directory: the last epoch taken, in decimal, and a newline. */
    public static final String FILE = "coordinator-epoch";

    private CoordinatorEpoch() {
    }

    /** The next epoch of {@code directory}'s journal (0 the first time), written durably before it is returned. */
    public static int take(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        int epoch = Files.exists(file) ? read(file) + 1 : 0;
        if (epoch > RoundPlan.MAX_EPOCH) {
            throw new FileFormatException(file, "holds epoch " + (epoch - 1) + ": no epoch is left for another take-over");
        }
        byte[] text = (epoch + "\n").getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, ch -> ch.write(ByteBuffer.wrap(text)));
        return epoch;
    }

    private static int read(Path file) throws IOException {
        if (Files.size(file) > 16) {
            throw new FileFormatException(file, "is " + Files.size(file) + " bytes; an epoch is a decimal number");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            int epoch = Integer.parseInt(text);
            if (epoch >= 0) {
                return epoch;
            }
        } catch (NumberFormatException e) {
            // reported below, with what was found
        }
        throw new FileFormatException(file, "does not hold a coordinator epoch: expected a decimal number >= 0, found '"
            + text + "'");
    }
}
