package io.canopy.cluster;

import java.util.Arrays;
import java.util.function.IntToLongFunction;

import io.canopy.aggregation.AggregationResult.KrumResult;
import io.canopy.aggregation.MultiKrum;
import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.noise.TierNoise;
import io.canopy.privacy.release.HeldRows;
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

    /**
     * What the report says of a closed block besides Multi-Krum's verdict, read off the block so that the block can go
     * back to the pool before the detector runs on the rows held from it.
     *
     * @param rejectedByReason the ingest's refusals (a copy), indexed by {@link IngestRejection} ordinal
     */
    public record Tally(long[] rejectedByReason, int accepted, int late, CloseReason reason) {

        /** The tally of {@code block}, or of a cluster none of whose leaves arrived when it is null. */
        public static Tally of(IngestBlock block) {
            return block == null ? new Tally(new long[IngestRejection.count()], 0, 0, CloseReason.HARD_DEADLINE)
                : new Tally(block.rejectedByReason(), block.acceptedCount(), block.tracker().late(),
                    block.tracker().closeReason());
        }
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
        Tally tally = Tally.of(block);
        Release without = withoutMultiKrum(plan, cluster, continent, tally, outcome, closedAfterNs, invited, detect);
        if (without != null) {
            return without;
        }
        TierSpec spec = plan.cluster();
        int f = spec.krumF(tally.accepted());
        long t0 = System.nanoTime();
        KrumResult result = MultiKrum.withDefaultM(f).aggregate(block.accepted(), workspace);
        long t1 = System.nanoTime();
        float[] aggregate = result.aggregate();
        if (spec.noiseMultiplier() > 0) {
            TierNoise.forRelease(plan.secureNoise(), spec.noiseMultiplier(), spec.sensitivity(), plan.dimension(),
                plan.noiseSeed(), plan.roundId(), 1, cluster).apply(aggregate);
        }
        long t2 = System.nanoTime();
        return new Release(aggregate, report(plan, cluster, continent, tally, outcome, invited,
            senders(result.rejected(), block::sender), f, closedAfterNs, t1 - t0, t2 - t1));
    }

    /**
     * Multi-Krum as a detector only, over a gated release's rows held compressed ({@link HeldRows}, bf16 or int8) once
     * their block has gone back to the pool: its distances come from the held values a chunk of columns at a time
     * ({@link MultiKrum#select(io.canopy.kernel.ColumnRanges, MultiKrum.Workspace)}), and its rejected rows are named
     * by the senders the rows were held with. No aggregate, so no noise: the report's Multi-Krum time is the
     * selection's, its noise time 0. The same report as {@link #release} otherwise.
     *
     * @param tally the closed block's, taken before it went back ({@link Tally#of})
     */
    public Release detect(RoundPlan plan, int cluster, int continent, Tally tally, HeldRows held, QuorumOutcome outcome,
                          long closedAfterNs, int invited, boolean detect) {
        Release without = withoutMultiKrum(plan, cluster, continent, tally, outcome, closedAfterNs, invited, detect);
        if (without != null) {
            return without;
        }
        int f = plan.cluster().krumF(tally.accepted());
        long t0 = System.nanoTime();
        MultiKrum.Selection selection = MultiKrum.withDefaultM(f).select(held, workspace);
        long t1 = System.nanoTime();
        return new Release(null, report(plan, cluster, continent, tally, outcome, invited,
            senders(selection.rejected(), held::sender), f, closedAfterNs, t1 - t0, 0));
    }

    /** The report of a cluster Multi-Krum does not run for (too few updates, no release, not sampled), else null. */
    private static Release withoutMultiKrum(RoundPlan plan, int cluster, int continent, Tally tally, QuorumOutcome outcome,
                                            long closedAfterNs, int invited, boolean detect) {
        // Multi-Krum needs three updates at the least (n > 2f + 2 with f = 0); fewer is no robust release.
        if (!outcome.releases() || tally.accepted() < 3) {
            QuorumOutcome reported = outcome.releases() ? QuorumOutcome.FAILED_NO_QUORUM : outcome;
            return new Release(null, report(plan, cluster, continent, tally, reported, invited, new long[0], 0,
                closedAfterNs, 0, 0));
        }
        if (!detect) {
            return new Release(null, report(plan, cluster, continent, tally, outcome, invited, new long[0],
                ClusterReport.NO_DETECTOR, closedAfterNs, 0, 0));
        }
        return null;
    }

    private static ClusterReport report(RoundPlan plan, int cluster, int continent, Tally tally, QuorumOutcome outcome,
                                        int invited, long[] krumRejected, int krumF, long closedAfterNs,
                                        long aggregateNanos, long noiseNanos) {
        return new ClusterReport(plan.roundId(), cluster, continent, outcome, tally.reason(), invited, tally.accepted(),
            tally.late(), tally.rejectedByReason(), krumRejected, krumF, closedAfterNs, aggregateNanos, noiseNanos);
    }

    /** The leaf ids of {@code rows}, ascending. */
    private static long[] senders(int[] rows, IntToLongFunction sender) {
        long[] ids = new long[rows.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sender.applyAsLong(rows[i]);
        }
        Arrays.sort(ids);
        return ids;
    }
}
