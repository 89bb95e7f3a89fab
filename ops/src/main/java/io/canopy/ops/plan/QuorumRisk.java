package io.canopy.ops.plan;

import io.canopy.straggler.QuorumMath;

/**
 * How likely a round loses inputs to missed quorums, from {@link QuorumMath}: per cluster (invited leaves
 * answering in time independently with probability {@link ClusterRound#inTime()}), fleet-wide (any of the
 * clusters), and up the tree (a continent misses when too few of its clusters meet theirs; the round fails when
 * too few continents meet theirs). Also the over-selection a target completion probability needs.
 *
 * @param clusterMiss            exact P[Binomial(invited, inTime) &lt; quorum]
 * @param clusterMissChernoff    Chernoff bound exp(−(p − κ)²·invited/(2p)) on the same event, κ = (quorum − 1)/invited
 * @param fleetMiss              exact P[at least one cluster misses], 1 − (1 − clusterMiss)^clusters
 * @param fleetMissChernoff      the same from the Chernoff bound
 * @param clusterComplete        exact P[a cluster gets all {@code expected} answers in time]
 * @param continentMiss          exact P[a continent has fewer than its quorum of clusters]
 * @param roundMiss              exact P[the global tier has fewer than its quorum of continents]
 * @param overSelectionComplete  invitations per expected update for P[a cluster completes] ≥ target; NaN if
 *                               unreachable; at least 1
 * @param overSelectionQuorum    invitations per expected update for P[every cluster meets its quorum] ≥ target;
 *                               at least 1
 */
public record QuorumRisk(double clusterMiss, double clusterMissChernoff, double fleetMiss, double fleetMissChernoff,
                         double clusterComplete, double continentMiss, double roundMiss, double overSelectionComplete,
                         double overSelectionQuorum) {

    public static QuorumRisk of(final Fleet f, final ClusterRound c) {
        final int n = c.invited();
        final double p = c.inTime();
        final double logMiss = QuorumMath.logProbabilityBelow(n, p, c.quorum());
        final double logChernoff = QuorumMath.logChernoffMissBound(n, p, (c.quorum() - 1.0) / n);
        final double fleet = QuorumMath.fleetMissProbability(logMiss, f.clusters());
        final double fleetChernoff = QuorumMath.fleetMissProbability(logChernoff, f.clusters());
        final double complete = Math.exp(QuorumMath.logProbabilityAtLeast(n, p, c.expected()));

        final double clusterMiss = Math.exp(logMiss);
        final int k = f.clustersPerContinent();
        final double continentMiss = QuorumMath.missProbability(k, 1 - clusterMiss,
            ClusterRound.policy(f, k).quorumCount());
        final int m = f.continents();
        final double roundMiss = QuorumMath.missProbability(m, 1 - continentMiss, ClusterRound.policy(f, m).quorumCount());

        final double target = f.targetCompletion();
        // Every one of the clusters meets its quorum with probability target: each must, with target^(1/clusters).
        final double perCluster = Math.min(Math.nextDown(1.0), Math.exp(Math.log(target) / f.clusters()));
        return new QuorumRisk(clusterMiss, Math.exp(logChernoff), fleet, fleetChernoff, complete, continentMiss,
            roundMiss, overSelection(c.expected(), p, target, c.expected()),
            overSelection(c.quorum(), p, perCluster, c.expected()));
    }

    private static double overSelection(final int needed, final double p, final double target, final int expected) {
        if (p <= 0) {
            return Double.NaN;
        }
        final long bound = (long) Math.ceil(20.0 * needed / p) + 1000;
        final int max = (int) Math.min(bound, 100_000_000L);
        final int invitations = QuorumMath.invitationsFor(needed, p, target, max);
        // Over-selection is at least 1 (QuorumPolicy): inviting fewer than the expected count is not a plan.
        return invitations < 0 ? Double.NaN : Math.max(1.0, (double) invitations / expected);
    }
}
