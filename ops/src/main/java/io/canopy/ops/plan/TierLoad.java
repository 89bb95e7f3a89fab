package io.canopy.ops.plan;

/**
 * One tier's load in one round, per aggregator, per node and for the whole tier.
 *
 * @param tier              1 cluster, 2 continental, 3 global
 * @param name              "cluster", "continental", "global"
 * @param aggregators       aggregators in the tier
 * @param nodes             nodes running them
 * @param perNode           aggregators on the busiest node, ceil(aggregators / nodes)
 * @param inputs            inputs one aggregator aggregates (tier 1: the accepted updates)
 * @param memoryPerAggregator bytes: its block (rows·d·4), plus at tier 1 the Gram scratch
 * @param memoryPerNode     bytes on the busiest node, baseline included
 * @param bytesInPerNode    bytes received per round by the busiest node
 * @param bytesOutPerNode   bytes it sends up
 * @param bytesInTier       bytes the whole tier receives per round
 * @param networkS          seconds its NIC needs for the larger of the two directions
 * @param decodeS           seconds of its receive thread decoding what it accepts
 * @param ruleS             seconds of one core for one aggregator's rule and noise
 * @param cpuPerNodeS       core-seconds of the busiest node
 * @param cpuTierS          core-seconds of the whole tier
 * @param waitS             seconds until the tier's last input is in and decoded (collection, network, decode
 *                          overlap)
 * @param waitBound         which of those took longest
 * @param stageS            waitS plus the rule waves: the tier's share of the round
 */
public record TierLoad(int tier, String name, int aggregators, int nodes, int perNode, int inputs,
                       long memoryPerAggregator, long memoryPerNode, double bytesInPerNode, double bytesOutPerNode,
                       double bytesInTier, double networkS, double decodeS, double ruleS, double cpuPerNodeS,
                       double cpuTierS, double waitS, String waitBound, double stageS) {

    /** Seconds of rule work on the busiest node: ceil(perNode / cores) waves of one rule time. */
    public double ruleWavesS() {
        return stageS - waitS;
    }
}
