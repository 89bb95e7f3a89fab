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
 * @param krumF                the f Multi-Krum assumed, or {@link #NO_DETECTOR} when the release's detector sample
 *                             left this cluster out this round ({@link ReleaseSpec#detects})
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

    /** {@link #krumF} of a cluster whose Multi-Krum detector did not run this round (not sampled). */
    public static final int NO_DETECTOR = -1;

    /** Whether Multi-Krum ran on this cluster's block (it did not when nothing was released, or when not sampled). */
    public boolean detectorRan() {
        return krumF != NO_DETECTOR && outcome.releases();
    }
}
