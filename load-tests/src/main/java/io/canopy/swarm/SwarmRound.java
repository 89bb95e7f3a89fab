package io.canopy.swarm;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.canopy.ingest.IngestRejection;
import io.canopy.leaf.LeafClient;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.node.RouteTable;
import io.canopy.round.ClusterReport;
import io.canopy.round.Invitations;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.PublishResult;

/**
 * One round of a remote swarm: every invited leaf that does not drop out sends its update to its cluster's
 * node, found in the fleet's {@link RouteTable}; the clusters' reports say what was accepted.
 */
final class SwarmRound {
    private static final long CONNECT_WAIT_NS = 1_000_000_000L;
    final long round;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong notSent = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final long[] rejected = new long[IngestRejection.count()];
    long acknowledged;
    long late;
    int clustersReported;
    long sendNanos;
    private final RoundPlan plan;

    SwarmRound(RoundPlan plan) {
        this.plan = plan;
        this.round = plan.roundId();
    }

    RoundPlan plan() {
        return plan;
    }

    /** Counts a cluster's report for this round (on the actor's thread). */
    synchronized void report(ClusterReport r) {
        clustersReported++;
        acknowledged += r.accepted();
        late += r.late();
        long[] byReason = r.rejectedByReason();
        for (int i = 0; i < rejected.length && i < byReason.length; i++) {
            rejected[i] += byReason[i];
        }
    }

    synchronized int clustersReported() {
        return clustersReported;
    }

    /**
     * Sends the round, cluster by cluster; waits (up to {@code routeWaitMs}) for each cluster's route.
     *
     * @param rate leaves per second, 0 for as fast as back pressure allows
     */
    void send(CanopyTransport transport, RouteTable routes, SyntheticSwarm swarm, Map<String, LeafClient> clients,
              Map<String, FramePublisher> publishers, double rate, long routeWaitMs) throws InterruptedException {
        FleetLayout layout = plan.layout();
        float[] update = new float[plan.dimension()];
        Map<String, Boolean> planned = new HashMap<>();
        long start = System.nanoTime();
        long n = 0;
        for (int cluster = 0; cluster < layout.clusters(); cluster++) {
            String endpoint = awaitRoute(routes, cluster, routeWaitMs);
            if (endpoint == null) {
                notSent.addAndGet(Invitations.invitedIn(plan, cluster));
                continue;
            }
            FramePublisher publisher = publishers.computeIfAbsent(endpoint,
                e -> transport.publisherTo(e, Streams.LEAF_TO_CLUSTER));
            if (!publisher.awaitConnected(CONNECT_WAIT_NS)) {
                // The route still names a member that is gone (the table has not caught up): skip, don't block.
                notSent.addAndGet(Invitations.invitedIn(plan, cluster));
                continue;
            }
            LeafClient client = clients.computeIfAbsent(endpoint, e -> new LeafClient(publisher));
            if (planned.putIfAbsent(endpoint, Boolean.TRUE) == null) {
                client.plan(plan, plan.noiseSeed() ^ plan.roundId());
            }
            for (int i = 0; i < layout.clusterSizeOf(cluster); i++) {
                long leaf = layout.leafAt(cluster, i);
                if (!Invitations.isInvited(plan, leaf)) {
                    continue;
                }
                if (swarm.dropsOut(round, leaf)) {
                    dropped.incrementAndGet();
                    continue;
                }
                swarm.update(round, leaf, update, 0);
                if (client.send(leaf, cluster, 0, update, 0) == PublishResult.SENT) {
                    sent.incrementAndGet();
                } else {
                    notSent.incrementAndGet();
                }
                n++;
                if (rate > 0) {
                    long due = start + (long) (n * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
        }
        sendNanos = System.nanoTime() - start;
    }

    private static String awaitRoute(RouteTable routes, int cluster, long waitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMs;
        String endpoint;
        while ((endpoint = routes.clusterEndpoint(cluster)) == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        return endpoint;
    }
}
