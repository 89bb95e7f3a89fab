package io.canopy.round;

import io.canopy.control.ControlMessage;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;

/**
 * A cluster's account of its round, sent up the control plane whether or not it released anything.
 *
 * @param invited              leaves the platform invited
 * @param accepted             updates that entered Multi-Krum
 * @param late                 updates that arrived after the close
 * @param rejectedByReason     ingest refusals, indexed by {@link io.canopy.round.IngestRejection} ordinal
 * @param krumRejected         the leaf ids Multi-Krum left out, ascending
 * @param krumF                the f Multi-Krum assumed
 * @param closedAfterNs        from the round's opening to the close, on the tier's clock
 * @param aggregateNanos       wall time of Multi-Krum
 * @param noiseNanos           wall time of the Gaussian mechanism
 */
public record ClusterReport(
    long roundId,
    int clusterId,
    int continentId,
    QuorumOutcome outcome,
    CloseReason closeReason,
    int invited,
    int accepted,
    int late,
    long[] rejectedByReason,
    long[] krumRejected,
    int krumF,
    long closedAfterNs,
    long aggregateNanos,
    long noiseNanos) implements ControlMessage {
}
