package io.canopy.round;

import io.canopy.control.ControlMessage;

/**
 * What happened to the leaves under a part of the tree in one round, summed from its clusters' reports as
 * they travel up: the continental report carries its clusters' sum, the global tier sums the continents'.
 * Counts only what was reported; a cluster whose report never came is missing from every field, and
 * {@link #clustersReported()} says how many did report.
 *
 * @param invited           leaves invited (over-selection included)
 * @param accepted          leaf updates that entered Multi-Krum
 * @param late              leaf updates that arrived after their cluster closed
 * @param krumRejected      leaf updates Multi-Krum left out
 * @param rejectedByReason  leaf-update refusals at the clusters, indexed by {@link IngestRejection} ordinal
 * @param clustersReported  clusters whose report was counted
 * @param clustersReleased  of those, clusters that released an aggregate
 * @param slowestClusterNs  the longest from a cluster's opening to its close
 */
public record LeafTally(long invited, long accepted, long late, long krumRejected, long[] rejectedByReason,
                        int clustersReported, int clustersReleased, long slowestClusterNs) implements ControlMessage {

    public LeafTally {
        if (rejectedByReason.length != IngestRejection.count()) {
            throw new IllegalArgumentException("rejectedByReason has " + rejectedByReason.length + " counters, not "
                + IngestRejection.count());
        }
        rejectedByReason = rejectedByReason.clone();
    }

    /** Nothing reported yet. */
    public static LeafTally none() {
        return new LeafTally(0, 0, 0, 0, new long[IngestRejection.count()], 0, 0, 0);
    }

    /** One cluster's report as a tally. */
    public static LeafTally of(ClusterReport r) {
        return new LeafTally(r.invited(), r.accepted(), r.late(), r.krumRejected().length, r.rejectedByReason(), 1,
            r.outcome().releases() ? 1 : 0, r.closedAfterNs());
    }

    /** The sum of two disjoint parts of the tree. */
    public LeafTally plus(LeafTally o) {
        long[] rejected = rejectedByReason.clone();
        for (int i = 0; i < rejected.length; i++) {
            rejected[i] += o.rejectedByReason[i];
        }
        return new LeafTally(invited + o.invited, accepted + o.accepted, late + o.late, krumRejected + o.krumRejected,
            rejected, clustersReported + o.clustersReported, clustersReleased + o.clustersReleased,
            Math.max(slowestClusterNs, o.slowestClusterNs));
    }

    @Override
    public long[] rejectedByReason() {
        return rejectedByReason.clone();
    }

    /** Refusals for one reason. */
    public long rejected(IngestRejection reason) {
        return rejectedByReason[reason.ordinal()];
    }
}
