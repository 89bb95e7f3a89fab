package io.canopy.round;

import io.canopy.random.CounterHash;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;

/**
 * Which leaves a round invites: each independently with probability q (Poisson sampling, the
 * accountant's assumption), decided by a hash of (layout seed, round, leaf), so the platform and a
 * simulated swarm agree without exchanging lists. The cluster then expects invited / over-selection of
 * them and closes COMPLETE once that many have arrived (Bonawitz et al. 2019, §2.3).
 */
public final class Invitations {
    private static final long STREAM = 0x1A71E;

    private Invitations() {
    }

    public static boolean isInvited(RoundPlan plan, long leafId) {
        return plan.samplingRate() >= 1.0
            || CounterHash.unitDouble(CounterHash.hash(plan.layout().seed(), STREAM, plan.roundId(), leafId)) < plan.samplingRate();
    }

    /** Leaves of {@code cluster} invited this round. */
    public static int invitedIn(RoundPlan plan, int cluster) {
        FleetLayout layout = plan.layout();
        int size = layout.clusterSizeOf(cluster);
        if (plan.samplingRate() >= 1.0) {
            return size;
        }
        int invited = 0;
        for (int i = 0; i < size; i++) {
            invited += isInvited(plan, layout.leafAt(cluster, i)) ? 1 : 0;
        }
        return invited;
    }

    /** The policy of a cluster with {@code invited} invitations: it expects invited / over-selection, at least 1. */
    public static QuorumPolicy clusterPolicy(RoundPlan plan, int invited) {
        QuorumPolicy template = plan.cluster().policy();
        // A gated release closes on time only, or once every invited leaf is in: never at an arrival count that
        // one leaf's presence could move (which would let that leaf decide whether others are counted).
        int expected = plan.release().planned() ? Math.max(1, invited)
            : (int) Math.max(1, Math.min(invited, Math.round(invited / template.overSelection())));
        return template.withExpectedCount(expected);
    }
}
