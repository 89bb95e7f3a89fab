package io.canopy.global.ledger;

import static io.canopy.ledger.WireValues.required;

import io.canopy.frame.RejectReason;
import io.canopy.ledger.LogForm;
import io.canopy.ledger.RecordCodec;
import io.canopy.ledger.WireValues;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Writes a {@link RoundRecord} field by field (format version 2: binary header {@code CNPYRL2\n}, YAML
 * header {@code # canopy round ledger v2}; the fields are version 1's, version 2 is
 * {@link io.canopy.ledger.RecordLog}'s hash-chained framing). Fields in order: round, modelVersion, openedAtEpochMs,
 * closedAtEpochMs, outcome (the {@link QuorumOutcome} name), continentsExpected, continentsAccepted,
 * continentsFailed, clustersExpected, clustersReleased, clustersFailed, leavesInvited, leavesAccepted,
 * leavesLate, ingestRejections and frameRejections (maps from reason name to count, every reason written),
 * krumRejected, epsilon, delta, sampler, checkpoint, modelCrc32c, tier1WallMs, tier2WallMs, tier3WallMs.
 * Every field is required on read; the record's constructor validates what was read.
 */
final class RoundRecordCodec implements RecordCodec<RoundRecord> {

    static final RoundRecordCodec INSTANCE = new RoundRecordCodec();

    private static final byte[] BINARY_HEADER = "CNPYRL2\n".getBytes(StandardCharsets.US_ASCII);

    private RoundRecordCodec() {
    }

    @Override
    public String name() {
        return "round ledger";
    }

    @Override
    public byte[] binaryHeader() {
        return BINARY_HEADER.clone();
    }

    @Override
    public String yamlHeader() {
        return "# canopy round ledger v2\n";
    }

    @Override
    public void write(final WireOut w, final RoundRecord r, final LogForm form) {
        w.write("round").int64(r.round());
        w.write("modelVersion").int64(r.modelVersion());
        w.write("openedAtEpochMs").int64(r.openedAtEpochMs());
        w.write("closedAtEpochMs").int64(r.closedAtEpochMs());
        w.write("outcome").text(r.outcome().name());
        w.write("continentsExpected").int32(r.continentsExpected());
        w.write("continentsAccepted").int32(r.continentsAccepted());
        w.write("continentsFailed").int32(r.continentsFailed());
        w.write("clustersExpected").int32(r.clustersExpected());
        w.write("clustersReleased").int32(r.clustersReleased());
        w.write("clustersFailed").int32(r.clustersFailed());
        w.write("leavesInvited").int64(r.leavesInvited());
        w.write("leavesAccepted").int64(r.leavesAccepted());
        w.write("leavesLate").int64(r.leavesLate());
        WireValues.counts(w, "ingestRejections", IngestRejection.class, r.ingestRejections());
        WireValues.counts(w, "frameRejections", RejectReason.class, r.frameRejections());
        w.write("krumRejected").int64(r.krumRejected());
        WireValues.float64(w.write("epsilon"), r.epsilon(), form);
        WireValues.float64(w.write("delta"), r.delta(), form);
        w.write("sampler").text(r.sampler());
        w.write("checkpoint").text(r.checkpoint());
        w.write("modelCrc32c").int64(r.modelCrc32c());
        w.write("tier1WallMs").int64(r.tier1WallMs());
        w.write("tier2WallMs").int64(r.tier2WallMs());
        w.write("tier3WallMs").int64(r.tier3WallMs());
    }

    /**
     * Round ids strictly increase (the record's constructor has already refused negative ones), model versions
     * never decrease, and ε never decreases while δ stays the same: the privacy spent only grows.
     */
    @Override
    public String sequenceProblem(final RoundRecord previous, final RoundRecord r) {
        if (previous == null) {
            return null;
        }
        if (r.round() == previous.round()) {
            return "round " + r.round() + " repeats the round before it (a duplicate record)";
        }
        if (r.round() < previous.round()) {
            return "round " + r.round() + " comes after round " + previous.round() + " (out of order)";
        }
        if (r.modelVersion() < previous.modelVersion()) {
            return "round " + r.round() + " has model version " + r.modelVersion() + ", below round "
                + previous.round() + "'s " + previous.modelVersion();
        }
        if (r.delta() == previous.delta() && r.epsilon() < previous.epsilon()) {
            return "round " + r.round() + " states epsilon=" + r.epsilon() + ", below round " + previous.round()
                + "'s " + previous.epsilon() + " at the same delta: the privacy spent cannot go down";
        }
        return null;
    }

    @Override
    public RoundRecord read(final WireIn w, final LogForm form) {
        // Locals in wire order: Chronicle reads fields in sequence, so the order here is the schema's.
        final long round = required(w, "round").int64();
        final long modelVersion = required(w, "modelVersion").int64();
        final long opened = required(w, "openedAtEpochMs").int64();
        final long closed = required(w, "closedAtEpochMs").int64();
        final QuorumOutcome outcome = QuorumOutcome.valueOf(required(w, "outcome").text());
        final int contExpected = required(w, "continentsExpected").int32();
        final int contAccepted = required(w, "continentsAccepted").int32();
        final int contFailed = required(w, "continentsFailed").int32();
        final int clExpected = required(w, "clustersExpected").int32();
        final int clReleased = required(w, "clustersReleased").int32();
        final int clFailed = required(w, "clustersFailed").int32();
        final long invited = required(w, "leavesInvited").int64();
        final long accepted = required(w, "leavesAccepted").int64();
        final long late = required(w, "leavesLate").int64();
        final long[] ingest = WireValues.counts(w, "ingestRejections", IngestRejection.class);
        final long[] frames = WireValues.counts(w, "frameRejections", RejectReason.class);
        final long krum = required(w, "krumRejected").int64();
        final double epsilon = WireValues.float64(required(w, "epsilon"), form);
        final double delta = WireValues.float64(required(w, "delta"), form);
        final String sampler = required(w, "sampler").text();
        final String checkpoint = required(w, "checkpoint").text();
        final long crc = required(w, "modelCrc32c").int64();
        return new RoundRecord(round, modelVersion, opened, closed, outcome, contExpected, contAccepted, contFailed,
            clExpected, clReleased, clFailed, invited, accepted, late, ingest, frames, krum, epsilon, delta, sampler,
            checkpoint, crc, required(w, "tier1WallMs").int64(), required(w, "tier2WallMs").int64(),
            required(w, "tier3WallMs").int64());
    }
}
