package io.canopy.global;

import io.canopy.round.LeafTally;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;

/**
 * What one round produced, as the global tier saw it (published on the event stream; local only: it
 * carries the update and the model).
 *
 * @param robustUpdate  the trimmed mean of the continental aggregates before tier-3 noise (what robustness
 *                      alone achieved), null when nothing was released
 * @param update        the released global update Δ (after tier-3 noise), null when nothing was released
 * @param model         the model after the server step (a copy)
 * @param epsilon       ε spent so far by the published model (Balle et al. 2020 conversion), at {@code delta}
 * @param wallNanos     from opening the round to publishing the model
 * @param leaves        the leaves under the tree, summed from the cluster reports that reached the global tier
 * @param journal       where the round was made durable (null when the coordinator keeps no journal)
 * @param journalProblem why the round could not be made durable (the run ends there), or null
 * @param gatedCount    the gated release's W: leaves inside the gate, summed over the tree (the operator's view;
 *                      not released), or −1 for other releases
 * @param gatedNoisyCount W̃ = W + noise, released with the update; the round publishes iff W̃ ≥ W_min; NaN for
 *                      other releases
 */
public record RoundResult(
    long roundId,
    long modelVersion,
    QuorumOutcome outcome,
    CloseReason closeReason,
    int continentsExpected,
    int continentsAccepted,
    int continentsFailed,
    int trimmed,
    float[] robustUpdate,
    float[] update,
    float[] model,
    double epsilon,
    double epsilonClassic,
    double delta,
    String sampler,
    long aggregateNanos,
    long noiseNanos,
    long wallNanos,
    LeafTally leaves,
    String journal,
    String journalProblem,
    long gatedCount,
    double gatedNoisyCount) {
}
