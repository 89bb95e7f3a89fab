package io.canopy.global;

import io.canopy.global.ledger.ModelCheckpoint;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.round.LeafTally;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;

/**
 * A round whose global block has closed and whose update is computed, while the coordinator waits for the
 * continents' reports (their leaf tallies go into the round's record) before making it durable.
 *
 * @param rdp           this round's RDP of the published release at the accountant's orders (+∞ without
 *                      tier-3 noise)
 */
record ClosingRound(RoundPlan plan, long openedAtEpochMs, long openedAtNs, QuorumOutcome outcome, CloseReason reason,
                    int accepted, int trimmed, float[] robust, float[] update, long modelVersion, String sampler,
                    long aggregateNanos, long noiseNanos, double[] rdp, long gatedCount,
                    double gatedNoisyCount) {

    /** The round ledger's record of this round. */
    RoundRecord record(long modelCrc32c, int continentsFailed, LeafTally leaves, long[] frameRejections,
                       long slowestContinentNs, double epsilon, double delta, long closedAtEpochMs, long wallNanos) {
        int expected = plan.layout().continents();
        // A continent that failed its quorum and later sent an aggregate anyway is counted once, as accepted.
        int failed = Math.min(continentsFailed, expected - accepted);
        return new RoundRecord(plan.roundId(), modelVersion, openedAtEpochMs, Math.max(openedAtEpochMs, closedAtEpochMs),
            outcome, expected, accepted, failed, plan.layout().clusters(), leaves.clustersReleased(),
            leaves.clustersReported() - leaves.clustersReleased(), leaves.invited(), leaves.accepted(),
            Math.min(leaves.late(), leaves.invited()), leaves.rejectedByReason(), frameRejections, leaves.krumRejected(),
            epsilon, delta, sampler, ModelCheckpoint.fileName(modelVersion), modelCrc32c,
            leaves.slowestClusterNs() / 1_000_000, slowestContinentNs / 1_000_000, wallNanos / 1_000_000);
    }

    /** The privacy ledger's entry: enough to recompute ε of the published model from scratch. */
    LedgerEntry privacyEntry() {
        TierSpec[] tiers = {plan.cluster(), plan.continental(), plan.global()};
        double[] z = new double[tiers.length];
        double[] sensitivity = new double[tiers.length];
        for (int t = 0; t < tiers.length; t++) {
            z[t] = tiers[t].noiseMultiplier();
            sensitivity[t] = tiers[t].sensitivity();
        }
        if (plan.release().rule() == io.canopy.round.ReleaseSpec.Rule.FIXED && plan.global().noiseMultiplier() > 0) {
            return LedgerEntry.withPasses(plan.roundId(), plan.samplingRate(), sampler, z, sensitivity, rdp, "fixed",
                io.canopy.privacy.release.ReleasePasses.onePass("mean", plan.global().noiseMultiplier(),
                    GatedRelease.firstSensitivity(plan)));
        }
        if (plan.release().gated() && plan.global().noiseMultiplier() > 0) {
            // One accountant step at z_eff for the round; the ledger keeps both passes so a replay can check
            // that 1/z1² + 1/z2² = 1/z_eff².
            return LedgerEntry.withPasses(plan.roundId(), plan.samplingRate(), sampler, z, sensitivity, rdp, "gated",
                new io.canopy.privacy.release.ReleasePasses(plan.global().noiseMultiplier(), java.util.List.of(
                    new io.canopy.privacy.release.ReleasePasses.Pass("centre", plan.release().z1(),
                        GatedRelease.firstSensitivity(plan)),
                    new io.canopy.privacy.release.ReleasePasses.Pass("update", plan.release().z2(),
                        GatedRelease.secondSensitivity(plan)))));
        }
        return new LedgerEntry(plan.roundId(), plan.samplingRate(), sampler, z, sensitivity, rdp);
    }
}
