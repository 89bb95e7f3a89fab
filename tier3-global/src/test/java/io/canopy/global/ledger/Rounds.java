package io.canopy.global.ledger;

import io.canopy.frame.RejectReason;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;

/** Test records: every field set to a distinct value derived from the round, so a swapped field shows. */
public final class Rounds {

    private Rounds() {
    }

    public static RoundRecord record(final long round, final long modelVersion, final long crc) {
        final long[] ingest = new long[IngestRejection.values().length];
        for (int i = 0; i < ingest.length; i++) {
            ingest[i] = round * 10 + i;
        }
        final long[] frames = new long[RejectReason.values().length];
        frames[RejectReason.BAD_CHECKSUM.ordinal()] = round + 3;
        frames[RejectReason.NON_FINITE.ordinal()] = 1;
        final long opened = 1_790_000_000_000L + round * 60_000;
        return new RoundRecord(round, modelVersion, opened, opened + 41_234, round % 3 == 0
            ? QuorumOutcome.QUORUM_AT_DEADLINE : QuorumOutcome.COMPLETE, 8, round % 3 == 0 ? 6 : 8, round % 3 == 0 ? 1 : 0,
            800, 790, 4, 1_300_000, 1_000_000 - round, 1_234, ingest, frames, 3 * round,
            0.1 * round + 7.060889647943549E-4, 1e-5, round % 2 == 0 ? "secure" : "fast",
            ModelCheckpoint.fileName(modelVersion), crc, 30_000 + round, 35_000, 41_000);
    }
}
