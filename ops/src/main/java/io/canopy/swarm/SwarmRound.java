package io.canopy.swarm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.canopy.enroll.LeafKeys;
import io.canopy.leaf.LeafClient;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.round.ClusterReport;
import io.canopy.round.IngestRejection;
import io.canopy.round.Invitations;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.PublishResult;

/**
 * One round of a remote swarm: every invited leaf that does not drop out sends its update to its cluster's
 * node once that cluster collects the round; the clusters' reports say what was accepted.
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
    /** Clusters that never said they collect this round before the deadline (their leaves are not sent). */
    int neverOpened;
    private final RoundPlan plan;

    SwarmRound(RoundPlan plan) {
        this.plan = plan;
        this.round = plan.roundId();
    }

    RoundPlan plan() {
        return plan;
    }

    /** Where each cluster is hosted and whether it collects this round, as the fleet last said. */
    interface Readiness {
        /** Asks the fleet again; a failure leaves the last answer in place. */
        void refresh();

        /** The cluster's data-plane endpoint, or null while it has no route. */
        String endpoint(int cluster);

        /** Whether the cluster collects this round. */
        boolean open(int cluster);
    }

    /** Clusters known to have passed the round without reporting it (their member lost the round). */
    int unreported;

    /** Counts the clusters' reports for this round, each cluster once, whatever was counted before. */
    synchronized void reports(io.canopy.node.FleetClient.RoundReports answer) {
        reports(answer.reports());
        unreported = answer.unreported().cardinality();
    }

    /** Clusters whose report is settled: counted, or known never to come. */
    synchronized int clustersSettled() {
        return clustersReported + unreported;
    }

    /** Counts the clusters' reports for this round, each cluster once, whatever was counted before. */
    synchronized void reports(List<ClusterReport> reports) {
        clustersReported = 0;
        acknowledged = 0;
        late = 0;
        java.util.Arrays.fill(rejected, 0);
        java.util.BitSet seen = new java.util.BitSet();
        for (ClusterReport r : reports) {
            if (r.roundId() != round || seen.get(r.clusterId())) {
                continue;
            }
            seen.set(r.clusterId());
            clustersReported++;
            acknowledged += r.accepted();
            late += r.late();
            long[] byReason = r.rejectedByReason();
            for (int i = 0; i < rejected.length && i < byReason.length; i++) {
                rejected[i] += byReason[i];
            }
        }
    }

    synchronized int clustersReported() {
        return clustersReported;
    }

    /**
     * Sends the round: each cluster's invited leaves once that cluster says it collects the round
     * ({@code open}) and its route is known, in whatever order clusters become ready. Clusters not ready by
     * {@code deadlineNs} (on {@link System#nanoTime}) count as not sent: a round never waits on a lost member.
     *
     * @param ready     routes and readiness, refreshed while clusters wait
     * @param keys      each leaf's signing key; null sends unsigned frames
     * @param rate      leaves per second, 0 for as fast as back pressure allows
     */
    void send(CanopyTransport transport, Readiness ready, SyntheticSwarm swarm, LeafKeys keys, Map<String, LeafClient> clients,
              Map<String, FramePublisher> publishers, double rate, long deadlineNs) throws InterruptedException {
        FleetLayout layout = plan.layout();
        float[] update = new float[plan.dimension()];
        Map<String, Boolean> planned = new HashMap<>();
        long start = System.nanoTime();
        long[] n = {0};
        org.agrona.collections.IntArrayList waiting = new org.agrona.collections.IntArrayList();
        for (int cluster = 0; cluster < layout.clusters(); cluster++) {
            waiting.addInt(cluster);
        }
        ready.refresh();
        while (!waiting.isEmpty() && System.nanoTime() < deadlineNs) {
            boolean progressed = false;
            for (int i = waiting.size() - 1; i >= 0; i--) {
                int cluster = waiting.getInt(i);
                String endpoint = ready.endpoint(cluster);
                if (endpoint == null || !ready.open(cluster)) {
                    continue;
                }
                waiting.removeAt(i);
                progressed = true;
                sendCluster(transport, swarm, keys, clients, publishers, planned, endpoint, cluster, update, rate, start, n);
            }
            if (!progressed && !waiting.isEmpty()) {
                Thread.sleep(20); // polling readiness, bounded by the deadline above
                ready.refresh();
            }
        }
        for (int i = 0; i < waiting.size(); i++) {
            notSent.addAndGet(Invitations.invitedIn(plan, waiting.getInt(i)));
            neverOpened++;
        }
        sendNanos = System.nanoTime() - start;
    }

    private void sendCluster(CanopyTransport transport, SyntheticSwarm swarm, LeafKeys keys, Map<String, LeafClient> clients,
                             Map<String, FramePublisher> publishers, Map<String, Boolean> planned, String endpoint,
                             int cluster, float[] update, double rate, long start, long[] n) {
        FleetLayout layout = plan.layout();
        FramePublisher publisher = publishers.computeIfAbsent(endpoint,
            e -> transport.publisherTo(e, Streams.LEAF_TO_CLUSTER));
        if (!publisher.awaitConnected(CONNECT_WAIT_NS)) {
            // The route still names a member that is gone (the table has not caught up): skip, don't block.
            notSent.addAndGet(Invitations.invitedIn(plan, cluster));
            return;
        }
        LeafClient client = clients.computeIfAbsent(endpoint, e -> new LeafClient(publisher, keys));
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
            n[0]++;
            if (rate > 0) {
                long due = start + (long) (n[0] * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }
}
