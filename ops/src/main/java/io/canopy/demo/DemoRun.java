package io.canopy.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.canopy.global.RoundResult;
import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.ops.metrics.MetricsSettings;
import io.canopy.ops.metrics.NodeMetrics;
import io.canopy.global.ledger.RoundJournal;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.round.RoundPlan;
import org.apache.pekko.actor.typed.Props;

/** Runs the demo: starts the embedded fleet, streams the swarm round after round, gathers the figures. */
final class DemoRun {

    /** One round's figures as the report prints them. */
    record RoundFigures(RoundStats stats, RoundResult result, double relativeError, double robustError, long lateAfterClose,
                        long wallNanos, long clusterIngestNanos, long clusterAfterCloseNanos, long clusterSecondPassNanos,
                        long clusterSendNanos) {
    }

    /** The whole run. */
    record Outcome(DemoSettings settings, PrivacyPlan privacy, List<RoundFigures> rounds, long peakHeapBytes,
                   long startupNanos, ClusterBlocks clusterBlocks, PhysicalFloor.Rates floorRates) {
    }

    /**
     * The cluster tier's blocks over the run: the most accepted rows held at once (filling or being aggregated), the
     * rows the pool allocated (each block sized by the largest plan it served), the pool, and mid-round growths.
     */
    record ClusterBlocks(long peakRowsHeld, long allocatedRows, int pool, long grownMidRound) {
    }

    private DemoRun() {
    }

    static Outcome run(DemoSettings s, PrintStream progress) throws Exception {
        PrivacyPlan privacy = s.privacyPlan();
        RoundPlan first = s.firstRound(privacy);
        long t0 = System.nanoTime();
        int pool = s.window() + s.threads() + 1;
        NodeMetrics metrics;
        try {
            metrics = NodeMetrics.start(new MetricsSettings("127.0.0.1", s.metricsPort()), 0);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; pass --metrics-port with a free port, or 0 to turn the"
                + " endpoint off", e);
        }
        if (s.metricsPort() != 0) {
            progress.println("metrics: " + metrics.url());
        }
        // Signed leaves: keys derived from (seed, leaf id) on both sides, a load-test convenience (docs/security.md).
        io.canopy.enroll.DerivedKeys keys = s.signatures() == io.canopy.frame.SignatureScheme.NONE ? null
            : new SyntheticSwarm(s.swarm()).keys(s.signatures(), first.layout());
        progress.println("leaf signatures: " + authentication(s, keys).describe());
        Outcome measured;
        try (HeapPeak heap = HeapPeak.start();
             NodeMetrics closeMetrics = metrics;
             RoundJournal journal = s.ledger() == null ? RoundJournal.none() : DirectoryJournal.open(s.ledger());
             EmbeddedFleet fleet = new EmbeddedFleet(first.layout(), s.dimension(), pool, s.threads(),
                 s.optimizer(), new float[s.dimension()], s.delta(), journal, authentication(s, keys));
             SwarmDriver swarm = new SwarmDriver(fleet, new SyntheticSwarm(s.swarm()), s.threads(), s.window(), keys)) {
            long startup = System.nanoTime() - t0;
            java.util.concurrent.CompletableFuture<Void> bridged = new java.util.concurrent.CompletableFuture<>();
            fleet.system().systemActorOf(fleet.node().metrics(metrics.meters(), s.epsilon(), s.delta(),
                () -> bridged.complete(null)), "metrics-bridge", Props.empty());
            bridged.get(5, TimeUnit.MINUTES); // subscribed before the first round opens, so no report is missed
            fleet.awaitReady(TimeUnit.MINUTES.toMillis(5));
            RoundFeed feed = RoundFeed.start(fleet, first, s.rounds());
            List<RoundFigures> figures = new ArrayList<>();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "canopy-progress");
                t.setDaemon(true);
                return t;
            });
            long expectedLeaves = Math.round(s.leaves() * s.samplingRate());
            int clusters = first.layout().clusters();
            try {
                for (int r = 0; r < s.rounds(); r++) {
                    RoundPlan plan = feed.opened(r, 60, TimeUnit.SECONDS);
                    long roundStart = System.nanoTime();
                    long sentBefore = swarm.leavesSent.get();
                    long lateBefore = fleet.clusterTier().runtime().ingest().lateAfterClose();
                    long ingestBefore = fleet.clusterTier().runtime().ingestBusyNanos();
                    long afterCloseBefore = fleet.clusterTier().afterCloseNanos();
                    long secondPassBefore = fleet.clusterTier().secondPassNanos();
                    long sendBefore = fleet.clusterTier().sendNanos();
                    var tick = ticker.scheduleAtFixedRate(() -> {
                        RoundStats live = swarm.stats();
                        var ingest = fleet.clusterTier().runtime().ingest();
                        progress.printf("round %d: %,d / ~%,d invited leaves sent, clusters closed %d/%d, continents %d/%d"
                                + " (awaiting %s; frames dropped: %,d no free block, %,d unknown cluster; continental frames"
                                + " in %,d, refused %,d)%n",
                            plan.roundId(), swarm.leavesSent.get() - sentBefore, expectedLeaves,
                            live == null ? 0 : live.clustersReported, clusters,
                            live == null ? 0 : live.continentsReported, first.layout().continents(), swarm.awaiting(),
                            ingest.poolExhaustedFrames(), ingest.unknownGroupFrames(),
                            fleet.continentalTier().runtime().subscriber().accepted(),
                            fleet.continentalTier().runtime().subscriber().rejectedTotal());
                    }, 1, 1, TimeUnit.SECONDS);
                    RoundStats stats;
                    RoundResult result;
                    try {
                        stats = swarm.run(plan, TimeUnit.MINUTES.toMillis(60));
                        result = feed.result(r, 60, TimeUnit.MINUTES);
                    } finally {
                        tick.cancel(false);
                    }
                    if (result.journalProblem() != null) {
                        throw new IllegalStateException(result.journalProblem());
                    }
                    long wall = System.nanoTime() - roundStart;
                    long lateAfter = fleet.clusterTier().runtime().ingest().lateAfterClose() - lateBefore;
                    figures.add(new RoundFigures(stats, result, stats.relativeError(result.update()),
                        stats.relativeError(result.robustUpdate()), lateAfter, wall,
                        fleet.clusterTier().runtime().ingestBusyNanos() - ingestBefore,
                        fleet.clusterTier().afterCloseNanos() - afterCloseBefore,
                        fleet.clusterTier().secondPassNanos() - secondPassBefore,
                        fleet.clusterTier().sendNanos() - sendBefore));
                    progress.printf("round %d closed: %s, %,d updates aggregated in %.2f s%n", plan.roundId(),
                        result.outcome(), stats.accepted, wall / 1e9);
                }
            } finally {
                ticker.shutdownNow();
            }
            var ingest = fleet.clusterTier().runtime().ingest();
            measured = new Outcome(s, privacy, figures, heap.peakBytes(5_000), startup,
                new ClusterBlocks(ingest.peakRowsHeld(), ingest.allocatedRows(), pool, ingest.blocksGrownMidRound()), null);
        }
        // After the fleet has stopped (its agents no longer compete for the cores) and after the peak heap was read.
        progress.println("measuring this machine's rates for the physical floor (about a second)");
        PhysicalFloor.Rates rates = PhysicalFloor.measure(new SyntheticSwarm(s.swarm()), s.dimension());
        return new Outcome(measured.settings(), privacy, measured.rounds(), measured.peakHeapBytes(),
            measured.startupNanos(), measured.clusterBlocks(), rates);
    }

    /** The clusters' check of leaf frames: off, or every frame verified against the derived keys. */
    private static io.canopy.enroll.LeafAuthentication authentication(DemoSettings s, io.canopy.enroll.DerivedKeys keys) {
        return keys == null ? io.canopy.enroll.LeafAuthentication.off() : io.canopy.enroll.LeafAuthentication.required(keys);
    }
}
