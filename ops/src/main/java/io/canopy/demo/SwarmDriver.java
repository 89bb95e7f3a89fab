package io.canopy.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.canopy.leaf.LeafClient;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import java.util.function.LongPredicate;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.round.Invitations;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.PublishResult;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Streams a swarm (synthetic or training, {@link LeafWork}) into the embedded fleet, one cluster at a time per element of a Pekko
 * Streams pipeline: {@code mapAsyncUnordered(window)} keeps at most {@code window} clusters between
 * "first frame sent" and "report received", so the fleet's block pool is never outrun and back pressure
 * reaches the source; within a cluster, Aeron's own back pressure paces the sends. Each cluster's
 * leaves go out in order of their simulated latency with those latencies as timestamps, then a
 * watermark, so the cluster's quorum clock sees the round as the leaves would have lived it.
 */
public final class SwarmDriver implements AutoCloseable {
    private static final int INDEX_BITS = 20;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    /** One sending thread's state: its publisher and scratch, and its share of the honest mean. */
    private static final class Sender {
        final LeafClient client;
        final LeafWork.Worker worker;
        final float[] update;
        final double[] honestSum;
        long honestCount;
        long plannedRound = -1;
        /** Time making synthetic updates, and time in the leaf client (clip, encode, offer to Aeron). */
        long synthNanos;
        long sendNanos;

        Sender(LeafClient client, LeafWork.Worker worker, int dimension) {
            this.client = client;
            this.worker = worker;
            this.update = new float[dimension];
            this.honestSum = new double[dimension];
        }
    }

    private final EmbeddedFleet fleet;
    private final LeafWork swarm;
    private final LongPredicate byzantine;
    private final int window;
    private final BlockingQueue<Sender> senders;
    private final ExecutorService pool;
    private final Materializer materializer;
    private final ConcurrentHashMap<Integer, CompletableFuture<ClusterReport>> pending = new ConcurrentHashMap<>();
    private volatile RoundStats current;
    final AtomicLong leavesSent = new AtomicLong();

    SwarmDriver(EmbeddedFleet fleet, SyntheticSwarm swarm, int threads, int window) {
        this(fleet, LeafWork.synthetic(swarm), swarm.spec().dimension(), threads, window);
    }

    /** A synthetic swarm whose leaves sign every frame with {@code keys} (null: unsigned). */
    SwarmDriver(EmbeddedFleet fleet, SyntheticSwarm swarm, int threads, int window, io.canopy.enroll.LeafKeys keys) {
        this(fleet, LeafWork.synthetic(swarm), swarm.spec().dimension(), threads, window, keys);
    }

    /** A driver for any swarm: {@code threads} senders, each with its own {@link LeafWork#worker()}. */
    public SwarmDriver(EmbeddedFleet fleet, LeafWork swarm, int dimension, int threads, int window) {
        this(fleet, swarm, dimension, threads, window, null);
    }

    /** As above, the leaves signing with {@code keys} (null: unsigned frames). */
    public SwarmDriver(EmbeddedFleet fleet, LeafWork swarm, int dimension, int threads, int window,
                       io.canopy.enroll.LeafKeys keys) {
        this.fleet = fleet;
        this.swarm = swarm;
        this.byzantine = swarm::isByzantine;
        this.window = window;
        this.senders = new ArrayBlockingQueue<>(threads);
        for (int t = 0; t < threads; t++) {
            var publisher = fleet.transport().publisher(Streams.LEAF_TO_CLUSTER);
            senders.add(new Sender(keys == null ? new LeafClient(publisher) : new LeafClient(publisher, keys), swarm.worker(),
                dimension));
        }
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "canopy-swarm");
            t.setDaemon(true);
            return t;
        });
        this.materializer = Materializer.matFromSystem(fleet.system());
        fleet.system().systemActorOf(listener(), "swarm-reports", Props.empty());
    }

    private Behavior<Object> listener() {
        return Behaviors.setup(context -> {
            context.getSystem().eventStream().tell(new EventStream.Subscribe<>(ClusterReport.class, context.getSelf().narrow()));
            context.getSystem().eventStream().tell(new EventStream.Subscribe<>(ContinentReport.class, context.getSelf().narrow()));
            return Behaviors.receive(Object.class)
                .onMessage(ClusterReport.class, report -> {
                    CompletableFuture<ClusterReport> waiting = pending.remove(report.clusterId());
                    if (waiting != null) {
                        waiting.complete(report);
                    }
                    return Behaviors.same();
                })
                .onMessage(ContinentReport.class, report -> {
                    RoundStats stats = current;
                    if (stats != null && stats.round == report.roundId()) {
                        stats.continent(report);
                    }
                    return Behaviors.same();
                })
                .build();
        });
    }

    /** Clusters sent whose reports have not come back yet (a few, up to the window). */
    String awaiting() {
        return pending.keySet().stream().limit(8).map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    public RoundStats stats() {
        return current;
    }

    /** Leaves sent so far, all rounds. */
    public long leavesSent() {
        return leavesSent.get();
    }

    /** Sends round {@code plan}'s swarm; returns once every cluster has reported. */
    public RoundStats run(RoundPlan plan, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!fleet.clusterTier().isOpen(plan.roundId())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("round " + plan.roundId() + " never opened at the cluster tier");
            }
            Thread.sleep(1);
        }
        RoundStats stats = new RoundStats(plan.roundId(), plan.dimension());
        current = stats;
        FleetLayout layout = plan.layout();
        List<Integer> order = new ArrayList<>(layout.clusters());
        for (int j = 0; j < layout.continents(); j++) {
            for (int i = 0; i < layout.continentSizeOf(j); i++) {
                order.add(layout.clusterOf(j, i));
            }
        }
        Source.from(order)
            .mapAsyncUnordered(window, cluster -> {
                CompletableFuture<ClusterReport> report = new CompletableFuture<>();
                pending.put(cluster, report);
                return CompletableFuture.supplyAsync(() -> sendCluster(plan, cluster), pool)
                    .thenCompose(truth -> report.thenApply(r -> {
                        stats.cluster(r, truth, byzantine);
                        return Done.getInstance();
                    }));
            })
            .runWith(Sink.ignore(), materializer)
            .toCompletableFuture()
            .get(timeoutMs, TimeUnit.MILLISECONDS);
        for (Sender s : senders) {
            stats.addHonest(s.honestSum, s.honestCount);
            stats.addSwarmTime(s.synthNanos, s.sendNanos);
            Arrays.fill(s.honestSum, 0.0);
            s.honestCount = 0;
            s.synthNanos = 0;
            s.sendNanos = 0;
        }
        return stats;
    }

    private RoundStats.ClusterTruth sendCluster(RoundPlan plan, int cluster) {
        Sender s;
        try {
            s = senders.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a sender", e);
        }
        try {
            if (s.plannedRound != plan.roundId()) {
                s.client.plan(plan, plan.noiseSeed() ^ plan.roundId());
                s.plannedRound = plan.roundId();
            }
            long round = plan.roundId();
            FleetLayout layout = plan.layout();
            int size = layout.clusterSizeOf(cluster);
            long[] keys = new long[size];
            int invited = 0;
            int dropped = 0;
            int n = 0;
            for (int i = 0; i < size; i++) {
                long leaf = layout.leafAt(cluster, i);
                if (!Invitations.isInvited(plan, leaf)) {
                    continue;
                }
                invited++;
                if (swarm.dropsOut(round, leaf)) {
                    dropped++;
                    continue;
                }
                keys[n++] = (swarm.latencyNanos(round, leaf) << INDEX_BITS) | i;
            }
            Arrays.sort(keys, 0, n);
            long[] byzantine = new long[n];
            int nb = 0;
            float[] update = s.update;
            for (int j = 0; j < n; j++) {
                long latency = keys[j] >>> INDEX_BITS;
                long leaf = layout.leafAt(cluster, (int) (keys[j] & INDEX_MASK));
                long t0 = System.nanoTime();
                long trainedOn = s.worker.update(plan, leaf, update);
                long t1 = System.nanoTime();
                PublishResult result = s.client.send(leaf, cluster, latency, trainedOn, update, 0);
                long t2 = System.nanoTime();
                s.synthNanos += t1 - t0;
                s.sendNanos += t2 - t1;
                if (result != PublishResult.SENT) {
                    throw new IllegalStateException("leaf " + leaf + " could not send: " + result);
                }
                if (swarm.isByzantine(leaf)) {
                    byzantine[nb++] = latency;
                } else {
                    double[] sum = s.honestSum;
                    for (int x = 0; x < update.length; x++) {
                        sum[x] += update[x];
                    }
                    s.honestCount++;
                }
            }
            leavesSent.addAndGet(n);
            // Nothing more will come from the swarm for this cluster: let its clock run out.
            s.client.watermark(-1, cluster, Long.MAX_VALUE / 4);
            return new RoundStats.ClusterTruth(invited, dropped, n, Arrays.copyOf(byzantine, nb));
        } finally {
            senders.add(s);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
