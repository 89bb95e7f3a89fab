package io.canopy.global.ledger;

import io.canopy.frame.RejectReason;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import java.util.Arrays;

/**
 * One round of the round ledger: what the global tier saw and published, enough for an operator to audit
 * the round and for a restarted coordinator to resume after it. Validated once here, so every record in a
 * ledger (written or read back) satisfies these bounds; each refusal names the field as {@code name=value}.
 *
 * @param round              round id, {@code >= 0}, strictly increasing in a ledger
 * @param modelVersion       the model version in force after the round ({@code >= 0}); a round that
 *                           published nothing repeats the previous version
 * @param openedAtEpochMs    when the global tier opened the round (ms since the epoch)
 * @param closedAtEpochMs    when it closed, {@code >= openedAtEpochMs}
 * @param outcome            how the global tier's own quorum ended
 * @param continentsExpected continents the plan expected
 * @param continentsAccepted continental aggregates accepted ({@code accepted + failed <= expected};
 *                           all of them when the outcome is {@link QuorumOutcome#COMPLETE})
 * @param continentsFailed   continents that reported a failed quorum
 * @param clustersExpected   clusters the plan expected, fleet-wide
 * @param clustersReleased   clusters that released an aggregate ({@code released + failed <= expected})
 * @param clustersFailed     clusters that reported a failed quorum
 * @param leavesInvited      leaves sampled into the round (over-selection included)
 * @param leavesAccepted     leaf updates accepted by their clusters ({@code <= invited})
 * @param leavesLate         leaf updates that arrived after their cluster closed and before it reported
 *                           ({@code <= invited}); later stragglers are counted by the cluster tier's ingest only
 * @param ingestRejections   ingest refusals per {@link IngestRejection}, indexed by ordinal
 * @param frameRejections    frame refusals per {@link RejectReason}, indexed by ordinal
 * @param krumRejected       updates Multi-Krum left out, summed over clusters
 * @param epsilon            ε of the published model so far, end to end ({@code >= 0}; +∞ if a round
 *                           published without noise)
 * @param delta              the δ that ε is stated at, in [0, 1)
 * @param sampler            which Gaussian sampler ran: {@code "secure"}, or {@code "fast"} (a simulation)
 * @param checkpoint         file name of the model checkpoint, {@link ModelCheckpoint#fileName(long)} of
 *                           {@code modelVersion}, in the ledger's directory
 * @param modelCrc32c        CRC32C of the checkpoint's float bytes (little-endian), an unsigned 32-bit value
 * @param tier1WallMs        wall time of the slowest cluster's round, ms
 * @param tier2WallMs        wall time of the slowest continent's round, ms
 * @param tier3WallMs        wall time of the global tier's round, ms
 */
public record RoundRecord(
    long round, long modelVersion, long openedAtEpochMs, long closedAtEpochMs, QuorumOutcome outcome,
    int continentsExpected, int continentsAccepted, int continentsFailed,
    int clustersExpected, int clustersReleased, int clustersFailed,
    long leavesInvited, long leavesAccepted, long leavesLate,
    long[] ingestRejections, long[] frameRejections, long krumRejected,
    double epsilon, double delta, String sampler, String checkpoint, long modelCrc32c,
    long tier1WallMs, long tier2WallMs, long tier3WallMs) {

    /** The samplers a record may name. */
    public static final String SAMPLER_SECURE = "secure";
    public static final String SAMPLER_FAST = "fast";

    public RoundRecord {
        atLeastZero("round", round);
        atLeastZero("modelVersion", modelVersion);
        atLeastZero("openedAtEpochMs", openedAtEpochMs);
        if (closedAtEpochMs < openedAtEpochMs) {
            throw new IllegalArgumentException("closedAtEpochMs=" + closedAtEpochMs + " must be >= openedAtEpochMs="
                + openedAtEpochMs);
        }
        if (outcome == null) {
            throw new IllegalArgumentException("outcome=null");
        }
        parts("continents", continentsExpected, continentsAccepted, continentsFailed, "Accepted");
        if (outcome == QuorumOutcome.COMPLETE && continentsAccepted != continentsExpected) {
            throw new IllegalArgumentException("outcome=COMPLETE needs continentsAccepted=" + continentsAccepted
                + " == continentsExpected=" + continentsExpected);
        }
        parts("clusters", clustersExpected, clustersReleased, clustersFailed, "Released");
        atLeastZero("leavesInvited", leavesInvited);
        atMost("leavesAccepted", leavesAccepted, "leavesInvited", leavesInvited);
        atMost("leavesLate", leavesLate, "leavesInvited", leavesInvited);
        ingestRejections = counters("ingestRejections", ingestRejections, IngestRejection.values().length);
        frameRejections = counters("frameRejections", frameRejections, RejectReason.values().length);
        atLeastZero("krumRejected", krumRejected);
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon=" + epsilon + " must be >= 0");
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta=" + delta + " must be in [0, 1)");
        }
        if (!SAMPLER_SECURE.equals(sampler) && !SAMPLER_FAST.equals(sampler)) {
            throw new IllegalArgumentException("sampler=" + sampler + " must be secure or fast");
        }
        if (!ModelCheckpoint.fileName(modelVersion).equals(checkpoint)) {
            throw new IllegalArgumentException("checkpoint=" + checkpoint + " must be "
                + ModelCheckpoint.fileName(modelVersion) + " for modelVersion=" + modelVersion);
        }
        if (modelCrc32c < 0 || modelCrc32c > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("modelCrc32c=" + modelCrc32c + " must be an unsigned 32-bit value");
        }
        atLeastZero("tier1WallMs", tier1WallMs);
        atLeastZero("tier2WallMs", tier2WallMs);
        atLeastZero("tier3WallMs", tier3WallMs);
    }

    @Override
    public long[] ingestRejections() {
        return ingestRejections.clone();
    }

    @Override
    public long[] frameRejections() {
        return frameRejections.clone();
    }

    /** Ingest refusals for one reason. */
    public long ingestRejections(final IngestRejection reason) {
        return ingestRejections[reason.ordinal()];
    }

    /** Frame refusals for one reason. */
    public long frameRejections(final RejectReason reason) {
        return frameRejections[reason.ordinal()];
    }

    private static void atLeastZero(final String name, final long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + "=" + value + " must be >= 0");
        }
    }

    private static void atMost(final String name, final long value, final String boundName, final long bound) {
        atLeastZero(name, value);
        if (value > bound) {
            throw new IllegalArgumentException(name + "=" + value + " must be <= " + boundName + "=" + bound);
        }
    }

    private static void parts(final String tier, final int expected, final int ok, final int failed,
                              final String okName) {
        atLeastZero(tier + "Expected", expected);
        atLeastZero(tier + okName, ok);
        atLeastZero(tier + "Failed", failed);
        if ((long) ok + failed > expected) {
            throw new IllegalArgumentException(tier + okName + "=" + ok + " + " + tier + "Failed=" + failed
                + " must be <= " + tier + "Expected=" + expected);
        }
    }

    private static long[] counters(final String name, final long[] values, final int length) {
        if (values == null || values.length != length) {
            throw new IllegalArgumentException(name + " has " + (values == null ? "null" : values.length + " entries")
                + ", expected " + length + " (one per reason, by ordinal)");
        }
        final long[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            atLeastZero(name + "[" + i + "]", copy[i]);
        }
        return copy;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof RoundRecord r && round == r.round && modelVersion == r.modelVersion
            && openedAtEpochMs == r.openedAtEpochMs && closedAtEpochMs == r.closedAtEpochMs && outcome == r.outcome
            && continentsExpected == r.continentsExpected && continentsAccepted == r.continentsAccepted
            && continentsFailed == r.continentsFailed && clustersExpected == r.clustersExpected
            && clustersReleased == r.clustersReleased && clustersFailed == r.clustersFailed
            && leavesInvited == r.leavesInvited && leavesAccepted == r.leavesAccepted && leavesLate == r.leavesLate
            && Arrays.equals(ingestRejections, r.ingestRejections) && Arrays.equals(frameRejections, r.frameRejections)
            && krumRejected == r.krumRejected && Double.compare(epsilon, r.epsilon) == 0
            && Double.compare(delta, r.delta) == 0 && sampler.equals(r.sampler) && checkpoint.equals(r.checkpoint)
            && modelCrc32c == r.modelCrc32c && tier1WallMs == r.tier1WallMs && tier2WallMs == r.tier2WallMs
            && tier3WallMs == r.tier3WallMs;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(round) * 31 + Long.hashCode(modelCrc32c);
    }

    @Override
    public String toString() {
        return "RoundRecord[round=" + round + ", modelVersion=" + modelVersion + ", outcome=" + outcome
            + ", continents=" + continentsAccepted + "/" + continentsExpected + " (" + continentsFailed + " failed)"
            + ", clusters=" + clustersReleased + "/" + clustersExpected + " (" + clustersFailed + " failed)"
            + ", leaves=" + leavesAccepted + "/" + leavesInvited + " (" + leavesLate + " late)"
            + ", ingestRejections=" + Arrays.toString(ingestRejections) + ", frameRejections="
            + Arrays.toString(frameRejections) + ", krumRejected=" + krumRejected + ", epsilon=" + epsilon
            + ", delta=" + delta + ", sampler=" + sampler + ", checkpoint=" + checkpoint + ", modelCrc32c="
            + String.format("%08x", modelCrc32c) + ", wallMs=[" + tier1WallMs + ", " + tier2WallMs + ", "
            + tier3WallMs + "]]";
    }
}
