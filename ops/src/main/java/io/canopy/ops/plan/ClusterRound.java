package io.canopy.ops.plan;

import io.canopy.straggler.QuorumPolicy;
import java.time.Duration;

/**
 * What one cluster sees in an average round, from the fleet's sampling, over-selection, response and latency
 * figures (see {@link CostModel} for the assumptions).
 *
 * @param rule       the release, which decides the planned count and what a cluster keeps
 * @param invited    round(q·c), at least 1: invitations per cluster
 * @param expected   the planned count that closes it COMPLETE and sizes its block: invited under the gated and fixed
 *                   releases, round(invited / over-selection) (between 1 and invited) under Multi-Krum
 * @param quorum     ceil(quorum · expected), by {@link QuorumPolicy#quorumCount()}
 * @param answering  p·invited: answers that cross the NIC, late ones included
 * @param inTime     probability one invited leaf answers by the cluster deadline
 * @param accepted   round(min(expected, inTime·invited)), at least 1: the n Multi-Krum runs on
 * @param collectS   seconds from opening to closing
 */
public record ClusterRound(ReleaseRule rule, int invited, int expected, int quorum, double answering, double inTime, int accepted,
                           double collectS) {

    public static ClusterRound of(final Fleet f) {
        final ReleaseRule rule = ReleaseRule.of(f);
        final int invited = (int) Math.max(1, Math.round(f.samplingRate() * f.clusterSize()));
        final int expected = rule.plansEveryInvitation() ? invited
            : (int) Math.max(1, Math.min(invited, Math.round(invited / f.overSelection())));
        final int quorum = policy(f, expected).quorumCount();
        final double inTime = CostModel.answerInTime(f.responseProbability(), f.latencyMedianMs(), f.latencySigma(),
            f.clusterDeadlineMs());
        final int accepted = (int) Math.max(1, Math.round(Math.min(expected, inTime * invited)));
        final double collect = f.embedded() ? 0 : CostModel.collectSeconds(expected, invited, f.responseProbability(),
            inTime, f.latencyMedianMs(), f.latencySigma(), f.clusterDeadlineMs());
        return new ClusterRound(rule, invited, expected, quorum, f.responseProbability() * invited, inTime, accepted, collect);
    }

    /** The quorum policy of a tier expecting {@code expected} inputs (deadlines do not enter the counts). */
    static QuorumPolicy policy(final Fleet f, final int expected) {
        final Duration deadline = Duration.ofMillis(Math.max(1, (long) f.clusterDeadlineMs()));
        return new QuorumPolicy(expected, f.quorum(), deadline, deadline, Duration.ZERO, f.overSelection());
    }
}
