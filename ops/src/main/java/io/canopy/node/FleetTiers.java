package io.canopy.node;

import java.util.concurrent.ConcurrentHashMap;

import io.canopy.cluster.ClusterTier;
import io.canopy.continental.ContinentalTier;
import io.canopy.frame.FrameDecoder;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.global.GlobalTier;
import io.canopy.ingest.TierIngest;
import io.canopy.ingest.Upstream;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.TransportContext;

/**
 * The data plane of one fleet member: an embedded media driver, one UDP ingest endpoint for every stream,
 * and the tiers its roles name, each routing its aggregates by the {@link RouteTable} and passing on frames
 * for groups now hosted elsewhere.
 */
final class FleetTiers implements AutoCloseable {
    final CanopyTransport transport;
    final ClusterTier clusters;
    final ContinentalTier continents;
    final GlobalTier global;

    FleetTiers(NodeSettings settings, RouteTable routes) {
        FleetLayout layout = settings.design().layout();
        int dimension = settings.design().dimension();
        this.transport = CanopyTransport.start(new TransportContext()
            .aeronDirectoryName(settings.aeronDir().toString())
            .channel("aeron:udp?endpoint=" + settings.aeronEndpoint()).mtuLength(settings.dataMtu())
            .links(settings.memberLinks() != null ? settings.memberLinks().signatures(routes.owners()) : settings.links())
            .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, dimension).maxFrameLength()));
        try {
            NanoClock clock = NanoClock.SYSTEM;
            if (settings.roles().contains("cluster")) {
                // Every cluster may end up here after failovers: one block each (clusters x cluster-size x d floats).
                clusters = new ClusterTier(transport, layout, dimension, Math.min(layout.clusters(), 64),
                    Upstream.routed(transport, Streams.CLUSTER_TO_CONTINENT, 2, routes::continentEndpoint), clock,
                    settings.leafSignatures());
                clusters.runtime().ingest().misrouted(forwarder(routes, Streams.LEAF_TO_CLUSTER, true));
                clusters.runtime().ingest().dropAllInbound(settings.faultDropData());
                clusters.start(); // configured first, so no frame meets an ingest without its forwarder
            } else {
                clusters = null;
            }
            if (settings.roles().contains("continental")) {
                continents = new ContinentalTier(transport, layout, dimension, Math.min(layout.continents(), 64),
                    Upstream.routed(transport, Streams.CONTINENT_TO_GLOBAL, 2, continent -> routes.globalEndpoint()), clock);
                continents.runtime().ingest().misrouted(forwarder(routes, Streams.CLUSTER_TO_CONTINENT, false));
                continents.runtime().ingest().dropAllInbound(settings.faultDropData());
                continents.start();
            } else {
                continents = null;
            }
            global = settings.roles().contains("global") ? new GlobalTier(transport, layout.continents(), dimension, clock)
                : null;
            if (global != null) {
                global.start();
            }
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * Passes a frame for a group hosted elsewhere on to that node, bytes unchanged; runs on the ingest agent's
     * thread, which alone uses these publishers.
     */
    private TierIngest.Misrouted forwarder(RouteTable routes, int stream, boolean clusterGroups) {
        ConcurrentHashMap<String, FramePublisher> publishers = new ConcurrentHashMap<>();
        return (FrameDecoder frame) -> {
            int group = frame.groupId();
            String endpoint = clusterGroups ? routes.clusterEndpoint(group) : routes.continentEndpoint(group);
            if (endpoint == null || endpoint.equals(routes.selfEndpoint())) {
                return false;
            }
            FramePublisher p = publishers.computeIfAbsent(endpoint, e -> transport.publisherTo(e, stream));
            return p.offer(frame.buffer(), frame.offset(), frame.length()) == io.canopy.transport.PublishResult.SENT;
        };
    }

    @Override
    public void close() {
        transport.close();
    }
}
