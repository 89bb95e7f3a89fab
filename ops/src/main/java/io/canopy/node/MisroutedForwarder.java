package io.canopy.node;

import java.util.concurrent.ConcurrentHashMap;

import io.canopy.frame.FrameDecoder;
import io.canopy.ingest.TierIngest;
import io.canopy.round.Streams;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.PublishResult;

/**
 * Passes a frame for a group hosted elsewhere (its entity moved after a failover or a rebalance) on to the member that
 * hosts it now, bytes unchanged. Runs on the ingest agent's thread, which alone uses these publishers.
 */
final class MisroutedForwarder implements TierIngest.Misrouted {
    private final CanopyTransport transport;
    private final RouteTable routes;
    private final int stream;
    private final ConcurrentHashMap<String, FramePublisher> publishers = new ConcurrentHashMap<>();

    /** @param stream the stream the frames arrived on: leaf frames go to clusters, cluster aggregates to continents */
    MisroutedForwarder(CanopyTransport transport, RouteTable routes, int stream) {
        this.transport = transport;
        this.routes = routes;
        this.stream = stream;
    }

    @Override
    public boolean forward(FrameDecoder frame) {
        int group = frame.groupId();
        String endpoint = stream == Streams.LEAF_TO_CLUSTER ? routes.clusterEndpoint(group) : routes.continentEndpoint(group);
        if (endpoint == null || endpoint.equals(routes.selfEndpoint())) {
            return false;
        }
        FramePublisher p = publishers.computeIfAbsent(endpoint, e -> transport.publisherTo(e, stream));
        return p.offer(frame.buffer(), frame.offset(), frame.length()) == PublishResult.SENT;
    }
}
