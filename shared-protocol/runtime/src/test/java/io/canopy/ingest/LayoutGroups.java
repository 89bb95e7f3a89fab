package io.canopy.ingest;

import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;

/** The groups an ingest hosts in a test: some clusters of a fleet layout, all under one quorum policy. */
record LayoutGroups(FleetLayout layout, QuorumPolicy policy, int[] hosted) implements TierIngest.Groups {

    static LayoutGroups of(FleetLayout layout, QuorumPolicy policy, int... clusters) {
        return new LayoutGroups(layout, policy, clusters.clone());
    }

    @Override
    public int[] groups() {
        return hosted.clone();
    }

    @Override
    public QuorumPolicy policyFor(int group) {
        return policy;
    }

    @Override
    public boolean isMember(int group, long sender) {
        return layout.clusterOf(sender) == group;
    }
}
