package io.canopy.ingest;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.SignatureWriter;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.PublishResult;

/**
 * Where one tier's aggregates go: in one process every group shares the transport's own channel; in a fleet
 * each group's aggregate goes to the UDP endpoint of the node that hosts its parent now, looked up per
 * publish in {@link Routes} (so a moved aggregator is followed at the next send). A small pool of publishers
 * per destination lets several compute threads publish at once; publishers are made on first use.
 */
public final class Upstream implements TierRuntime.Sender {

    /** The endpoint ({@code host:port}) that hosts a parent group now, or null while no one does. */
    @FunctionalInterface
    public interface Routes {
        String endpointOf(int parentGroup);
    }

    private static final String LOCAL = "";

    private final CanopyTransport transport;
    private final int stream;
    private final int perDestination;
    private final Routes routes;
    private final ConcurrentHashMap<String, BlockingQueue<FramePublisher>> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<FramePublisher, BlockingQueue<FramePublisher>> owner = new ConcurrentHashMap<>();
    private final LinkAuthentication links;
    /** The tagger of the current run's aggregates, made once per run rather than once per aggregate. */
    private volatile RunTagger tagger;

    /** A run id with its tagger (null when links are off), swapped whole so two publishing threads never mix them. */
    private record RunTagger(long runId, SignatureWriter writer) {
    }

    private Upstream(CanopyTransport transport, int stream, int perDestination, Routes routes) {
        this.transport = transport;
        this.links = transport.context().links();
        this.stream = stream;
        this.perDestination = Math.max(1, perDestination);
        this.routes = routes;
    }

    /** Every aggregate on the transport's own channel (one process: IPC, or a single UDP endpoint). */
    public static Upstream local(CanopyTransport transport, int stream, int publishers) {
        Upstream upstream = new Upstream(transport, stream, publishers, null);
        // Made now, so the publications connect while the node starts rather than on the first aggregate.
        upstream.pools.computeIfAbsent(LOCAL, upstream::newPool);
        return upstream;
    }

    /** Each aggregate to the endpoint {@code routes} names for its parent group. */
    public static Upstream routed(CanopyTransport transport, int stream, int publishersPerDestination, Routes routes) {
        return new Upstream(transport, stream, publishersPerDestination, routes);
    }

    /**
     * Sends an aggregate towards its parent group's node as fp32, tagged for run {@code runId} when links are
     * authenticated; waits out back pressure within the transport's bound.
     */
    @Override
    public PublishResult send(long round, long sender, int group, int inputs, long timestampNs, float[] values,
                              int dimension, long runId) {
        FramePublisher publisher;
        try {
            publisher = acquire(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PublishResult.CLOSED;
        }
        if (publisher == null) {
            return PublishResult.NOT_CONNECTED; // no node hosts the parent group right now
        }
        try {
            AggregateFrame.header(publisher.encoder(), round, sender, group, inputs).timestampNs(timestampNs)
                .signer(taggerFor(runId));
            return publisher.send(UpdateEncoder.fp32(), values, 0, dimension);
        } finally {
            release(publisher);
        }
    }

    private SignatureWriter taggerFor(long runId) {
        RunTagger current = tagger;
        if (current == null || current.runId() != runId) {
            current = new RunTagger(runId, links.signer(stream, runId));
            tagger = current;
        }
        return current.writer();
    }

    /**
     * A publisher towards {@code parentGroup}'s node, taken from its pool (waits while all are in use); null when
     * no node hosts the group now. Give it back with {@link #release}.
     */
    public FramePublisher acquire(int parentGroup) throws InterruptedException {
        String destination = routes == null ? LOCAL : routes.endpointOf(parentGroup);
        if (destination == null) {
            return null;
        }
        BlockingQueue<FramePublisher> pool = pools.computeIfAbsent(destination, this::newPool);
        return pool.take();
    }

    /** The stream aggregates leave on. */
    public int stream() {
        return stream;
    }

    /** Returns a publisher that {@link #acquire} gave out to its pool. */
    public void release(FramePublisher publisher) {
        BlockingQueue<FramePublisher> pool = owner.get(publisher);
        if (pool == null) {
            throw new IllegalArgumentException("a publisher that this upstream did not give out");
        }
        pool.add(publisher);
    }

    private BlockingQueue<FramePublisher> newPool(String destination) {
        BlockingQueue<FramePublisher> pool = new ArrayBlockingQueue<>(perDestination);
        for (int i = 0; i < perDestination; i++) {
            FramePublisher p = destination.equals(LOCAL) ? transport.publisher(stream) : transport.publisherTo(destination, stream);
            owner.put(p, pool);
            pool.add(p);
        }
        return pool;
    }

    /** Frames sent, bytes sent and back-pressure events, summed over every publisher made so far. */
    @Override
    public long[] sentTotals() {
        long[] totals = new long[3];
        for (FramePublisher p : owner.keySet()) {
            totals[0] += p.framesSent();
            totals[1] += p.bytesSent();
            totals[2] += p.backPressureEvents();
        }
        return totals;
    }
}
