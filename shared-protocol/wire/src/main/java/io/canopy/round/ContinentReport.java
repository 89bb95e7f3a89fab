package io.canopy.round;

import io.canopy.control.ControlMessage;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;

/**
 * A continental aggregator's account of its round.
 *
 * @param clustersExpected   clusters assigned to the continent
 * @param clustersAccepted   cluster aggregates that entered the trimmed mean
 * @param clustersFailed     clusters that reported a failed quorum (stragglers)
 * @param rejectedByReason   ingest refusals, indexed by {@link io.canopy.round.IngestRejection} ordinal
 * @param trimmed            values dropped from each end of every coordinate
 * @param leaves             the leaves under the continent, summed from the reports of its clusters that came
 *                           in before this report left
 */
public record ContinentReport(
    long roundId,
    int continentId,
    QuorumOutcome outcome,
    CloseReason closeReason,
    int clustersExpected,
    int clustersAccepted,
    int clustersFailed,
    int late,
    long[] rejectedByReason,
    int trimmed,
    long closedAfterNs,
    long aggregateNanos,
    long noiseNanos,
    LeafTally leaves) implements ControlMessage {

    /** This report with the tally of its clusters' leaves. */
    public ContinentReport withLeaves(LeafTally tally) {
        return new ContinentReport(roundId, continentId, outcome, closeReason, clustersExpected, clustersAccepted,
            clustersFailed, late, rejectedByReason, trimmed, closedAfterNs, aggregateNanos, noiseNanos, tally);
    }
}
