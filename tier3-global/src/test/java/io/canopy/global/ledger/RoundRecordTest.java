package io.canopy.global.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.canopy.frame.RejectReason;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import org.junit.jupiter.api.Test;

class RoundRecordTest {

    /** Rebuilds a valid record with one field replaced, through the canonical constructor. */
    private static String refusal(final java.util.function.UnaryOperator<Object[]> change) {
        final RoundRecord r = Rounds.record(3, 3, 0xCAFEL);
        final Object[] f = {r.round(), r.modelVersion(), r.openedAtEpochMs(), r.closedAtEpochMs(), r.outcome(),
            r.continentsExpected(), r.continentsAccepted(), r.continentsFailed(), r.clustersExpected(),
            r.clustersReleased(), r.clustersFailed(), r.leavesInvited(), r.leavesAccepted(), r.leavesLate(),
            r.ingestRejections(), r.frameRejections(), r.krumRejected(), r.epsilon(), r.delta(), r.sampler(),
            r.checkpoint(), r.modelCrc32c(), r.tier1WallMs(), r.tier2WallMs(), r.tier3WallMs()};
        final Object[] g = change.apply(f);
        return assertThrows(IllegalArgumentException.class, () -> new RoundRecord((long) g[0], (long) g[1],
            (long) g[2], (long) g[3], (QuorumOutcome) g[4], (int) g[5], (int) g[6], (int) g[7], (int) g[8], (int) g[9],
            (int) g[10], (long) g[11], (long) g[12], (long) g[13], (long[]) g[14], (long[]) g[15], (long) g[16],
            (double) g[17], (double) g[18], (String) g[19], (String) g[20], (long) g[21], (long) g[22], (long) g[23],
            (long) g[24])).getMessage();
    }

    private static java.util.function.UnaryOperator<Object[]> set(final int index, final Object value) {
        return f -> {
            f[index] = value;
            return f;
        };
    }

    @Test
    void shouldNameTheFieldAndItsValueInEveryRefusal() {
        assertEquals("round=-1 must be >= 0", refusal(set(0, -1L)));
        assertEquals("closedAtEpochMs=5 must be >= openedAtEpochMs=1790000180000", refusal(set(3, 5L)));
        assertEquals("outcome=null", refusal(set(4, null)));
        assertEquals("continentsAccepted=8 + continentsFailed=1 must be <= continentsExpected=8", refusal(set(6, 8)));
        assertEquals("outcome=COMPLETE needs continentsAccepted=6 == continentsExpected=8",
            refusal(set(4, QuorumOutcome.COMPLETE)));
        assertEquals("clustersFailed=-2 must be >= 0", refusal(set(10, -2)));
        assertEquals("leavesAccepted=1300001 must be <= leavesInvited=1300000", refusal(set(12, 1_300_001L)));
        assertEquals("ingestRejections has 3 entries, expected " + IngestRejection.values().length
            + " (one per reason, by ordinal)", refusal(set(14, new long[3])));
        final long[] negative = new long[RejectReason.values().length];
        negative[2] = -7;
        assertEquals("frameRejections[2]=-7 must be >= 0", refusal(set(15, negative)));
        assertEquals("epsilon=NaN must be >= 0", refusal(set(17, Double.NaN)));
        assertEquals("delta=1.0 must be in [0, 1)", refusal(set(18, 1.0)));
        assertEquals("sampler=Secure must be secure or fast", refusal(set(19, "Secure")));
        assertEquals("checkpoint=model-v00000004.npy must be model-v00000003.npy for modelVersion=3",
            refusal(set(20, "model-v00000004.npy")));
        assertEquals("modelCrc32c=4294967296 must be an unsigned 32-bit value", refusal(set(21, 1L << 32)));
        assertEquals("tier3WallMs=-1 must be >= 0", refusal(set(24, -1L)));
    }

    @Test
    void shouldNotLetCallersChangeTheCountersOfARecord() {
        final long[] ingest = new long[IngestRejection.values().length];
        final RoundRecord r = Rounds.record(2, 2, 1);
        final RoundRecord copy = new RoundRecord(2, 2, r.openedAtEpochMs(), r.closedAtEpochMs(), r.outcome(), 8, 8, 0,
            800, 790, 4, 10, 9, 1, ingest, r.frameRejections(), 0, 0.5, 1e-5, "secure", r.checkpoint(), 1, 1, 2, 3);
        ingest[IngestRejection.LATE.ordinal()] = 99;
        copy.ingestRejections()[IngestRejection.LATE.ordinal()] = 99;
        assertEquals(0, copy.ingestRejections(IngestRejection.LATE));
        assertEquals(5, r.frameRejections(RejectReason.BAD_CHECKSUM));
    }
}
