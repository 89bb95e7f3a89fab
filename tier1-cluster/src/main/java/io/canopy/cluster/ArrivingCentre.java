package io.canopy.cluster;

import io.canopy.ingest.ArrivalWork;
import io.canopy.ingest.IngestBlock;
import io.canopy.privacy.release.CentreSum;
import io.canopy.privacy.release.ClusterPasses;
import io.canopy.round.RoundPlan;

/**
 * A gated release's pass-1 sum taken as a cluster's leaf updates are accepted ({@link CentreSum}), so that after the
 * cluster's deadline pass 1 is a division, not a pass over its block. Installed on each block by the tier's round
 * ({@link ClusterTier}) for a planned release; the cluster's actor takes it from the closed block ({@link #of}).
 */
final class ArrivingCentre implements ArrivalWork {

    private final CentreSum sum = new CentreSum();

    /** This block's sum for {@code plan}'s round, reusing {@code previous} where it is one of these. */
    static ArrivingCentre open(ArrivalWork previous, RoundPlan plan, float[] v0) {
        ArrivingCentre c = previous instanceof ArrivingCentre a ? a : new ArrivingCentre();
        c.sum.reset(plan.roundId(), v0, plan.dimension(), plan.clipNorm());
        return c;
    }

    /**
     * The pass-1 sum a closed block carries for {@code plan}, or null when it has none that covers exactly its
     * accepted rows this round (then the actor sums the block itself, with the same arithmetic).
     */
    static CentreSum of(IngestBlock block, RoundPlan plan) {
        if (block != null && block.arrival() instanceof ArrivingCentre c && c.sum.round() == plan.roundId()
            && c.sum.rows() == block.acceptedCount() && c.sum.clip() == plan.clipNorm()) {
            return c.sum;
        }
        return null;
    }

    /**
     * Pass 1 of the gated release for a closed block into {@code centre}: the sum taken on arrival where the block
     * carries one for this round ({@link #of}), else the same centred, clipped sum over its accepted rows (a block
     * whose arrival work missed rows, or that never had any), both around v0 = 0 and over the planned count.
     *
     * @return true when the sum taken on arrival was used
     */
    static boolean passOne(IngestBlock block, RoundPlan plan, float[] centre) {
        int d = plan.dimension();
        CentreSum arrived = of(block, plan);
        if (arrived != null) {
            arrived.finish(plan.release().plannedCount(), centre);
            return true;
        }
        // v0 = 0: the centre of pass 1 is public and fixed (the last published update is a variant for later).
        int rows = block == null ? 0 : block.acceptedCount();
        ClusterPasses.centre(rows == 0 ? new float[0] : block.rows(), rows, d, new float[d], plan.clipNorm(),
            plan.release().plannedCount(), new double[d], centre);
        return false;
    }

    @Override
    public void accepted(float[] rows, int offset, int dimension) {
        sum.add(rows, offset);
    }
}
