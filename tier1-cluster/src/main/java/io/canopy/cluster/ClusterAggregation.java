package io.canopy.cluster;

import java.util.Arrays;

import io.canopy.aggregation.AggregationResult.KrumResult;
import io.canopy.aggregation.MultiKrum;
import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.noise.TierNoise;
import io.canopy.round.ClusterReport;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;

/**
 * What a cluster does once its round closes: Multi-Krum over the accepted updates, then tier-1
 * noise, then a report. One instance per worker thread: it keeps the Multi-Krum workspace.
 */
public final class ClusterAggregation {

    /** The outcome: the aggregate to forward (null when nothing is released) and the report either way. */
    public record Release(float[] aggregate, ClusterReport report) {
    }

    private final MultiKrum.Workspace workspace = new MultiKrum.Workspace(1);

    /**
     * @param block         the closed block, or null if no update ever arrived
     * @param outcome       the quorum outcome the block (or the deadline) decided
     * @param closedAfterNs when it closed, from the round's opening
     * @param invited       leaves invited to this cluster this round
     */
    public Release release(RoundPlan plan, int cluster, int continent, IngestBlock block, QuorumOutcome outcome,
                           long closedAfterNs, int invited) {
        return release(plan, cluster, continent, block, outcome, closedAfterNs, invited, true);
    }

    /**
     * As above; with {@code detect} false (a planned release whose detector sample left this cluster out) Multi-Krum
     * does not run: the report says so ({@link ClusterReport#NO_DETECTOR}) and there is no aggregate.
     */
    public Release release(RoundPlan plan, int cluster, int continent, IngestBlock block, QuorumOutcome outcome,
                           long closedAfterNs, int invited, boolean detect) {
        TierSpec spec = plan.cluster();
        long[] rejected = block == null ? new long[IngestRejection.count()] : block.rejectedByReason();
        int accepted = block == null ? 0 : block.acceptedCount();
        int late = block == null ? 0 : block.tracker().late();
        CloseReason reason = block == null ? CloseReason.HARD_DEADLINE : block.tracker().closeReason();
        // Multi-Krum needs three updates at the least (n > 2f + 2 with f = 0); fewer is no robust release.
        if (!outcome.releases() || accepted < 3) {
            QuorumOutcome reported = outcome.releases() ? QuorumOutcome.FAILED_NO_QUORUM : outcome;
            return new Release(null, new ClusterReport(plan.roundId(), cluster, continent, reported, reason, invited,
                accepted, late, rejected, new long[0], 0, closedAfterNs, 0, 0));
        }
        if (!detect) {
            return new Release(null, new ClusterReport(plan.roundId(), cluster, continent, outcome, reason, invited,
                accepted, late, rejected, new long[0], ClusterReport.NO_DETECTOR, closedAfterNs, 0, 0));
        }
        int f = spec.krumF(accepted);
        long t0 = System.nanoTime();
        KrumResult result = MultiKrum.withDefaultM(f).aggregate(block.accepted(), workspace);
        long t1 = System.nanoTime();
        float[] aggregate = result.aggregate();
        if (spec.noiseMultiplier() > 0) {
            TierNoise.forRelease(plan.secureNoise(), spec.noiseMultiplier(), spec.sensitivity(), plan.dimension(),
                plan.noiseSeed(), plan.roundId(), 1, cluster).apply(aggregate);
        }
        long t2 = System.nanoTime();
        long[] krumRejected = new long[result.rejected().length];
        for (int i = 0; i < krumRejected.length; i++) {
            krumRejected[i] = block.sender(result.rejected()[i]);
        }
        Arrays.sort(krumRejected);
        return new Release(aggregate, new ClusterReport(plan.roundId(), cluster, continent, outcome, reason, invited,
            accepted, late, rejected, krumRejected, f, closedAfterNs, t1 - t0, t2 - t1));
    }
}
