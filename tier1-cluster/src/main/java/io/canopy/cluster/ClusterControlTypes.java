package io.canopy.cluster;

import io.canopy.control.ControlTypes;

/** Tier 1's control messages for the Kryo serializer (ids 300–399). */
public final class ClusterControlTypes implements ControlTypes {
    @Override
    public void register(Registrar registrar) {
        registrar.register(300, ClusterAggregator.Open.class);
        registrar.register(301, ClusterAggregator.AwaitOpen.class);
        registrar.register(302, ClusterAggregator.Opened.class);
        registrar.register(303, ClusterAggregator.Centre.class);
        registrar.register(304, ClusterAggregator.AwaitReport.class);
        registrar.register(305, ClusterAggregator.ReportOf.class);
    }
}
