package io.canopy.demo;

import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.round.RoundPlan;

/**
 * What the swarm's leaves are and send: who is Byzantine, who drops out, how late each answers, and each
 * leaf's update for a round. The synthetic swarm makes the update from a seeded true gradient; the
 * training swarm ({@code io.canopy.train}) trains it on the model version the round plan names.
 */
public interface LeafWork {

    /** Whether the leaf attacks (fixed for its life); the ground truth the detector is scored against. */
    boolean isByzantine(long leafId);

    /** Whether the invited leaf never answers this round. */
    boolean dropsOut(long round, long leafId);

    /** How long after the round opens the leaf's frame arrives (the clusters' simulated clock). */
    long latencyNanos(long round, long leafId);

    /** One sending thread's update maker; it owns its scratch, so each thread gets its own. */
    Worker worker();

    /** Makes leaf updates on one thread. */
    interface Worker {
        /**
         * Writes the leaf's update for {@code plan}'s round into {@code out[0 .. d)} (unclipped; the leaf client
         * clips) and returns the model version it was computed on, which its frame names.
         */
        long update(RoundPlan plan, long leafId, float[] out);
    }

    /** The synthetic swarm: updates from its seeded true gradient, as if computed on the plan's model. */
    static LeafWork synthetic(SyntheticSwarm swarm) {
        return new LeafWork() {
            @Override
            public boolean isByzantine(long leafId) {
                return swarm.isByzantine(leafId);
            }

            @Override
            public boolean dropsOut(long round, long leafId) {
                return swarm.dropsOut(round, leafId);
            }

            @Override
            public long latencyNanos(long round, long leafId) {
                return swarm.latencyNanos(round, leafId);
            }

            @Override
            public Worker worker() {
                return (plan, leafId, out) -> {
                    swarm.update(plan.roundId(), leafId, out, 0);
                    return plan.modelVersion();
                };
            }
        };
    }
}
