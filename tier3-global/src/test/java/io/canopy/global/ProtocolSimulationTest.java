package io.canopy.global;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.canopy.cluster.ClusterAggregator;
import io.canopy.cluster.ClusterTier;
import io.canopy.codec.CodecId;
import io.canopy.codec.UpdateEncoder;
import io.canopy.continental.ContinentalAggregator;
import io.canopy.continental.ContinentalTier;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.global.SimulatedWorld.Faults;
import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.ingest.TierRuntime;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.round.ReportSink;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.PublishResult;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * A seeded, deterministic simulation of the whole round protocol, in the style of Kafka's
 * {@code RaftEventSimulationTest}: the real {@link GlobalCoordinator} over a real {@link DirectoryJournal} (files in a
 * temporary directory), the real {@link ContinentalAggregator}s and {@link ClusterAggregator}s with their tiers'
 * ingest ({@link TierRuntime}), and leaves sending gradient frames, all on one virtual clock ({@link SimulatedWorld}).
 * Frames and control messages cross a network that drops, duplicates, delays and reorders them; the coordinator's
 * node and continent and cluster nodes crash and restart (a new coordinator takes the journal over, as in a failover).
 *
 * <p>Checked after every step: a round is committed at most once, round ids increase, every round opened ends (with
 * any outcome) by its hard deadline plus the report grace, a restarted coordinator opens the round after the last
 * committed one, ε never decreases, and no update is counted twice: every cluster report accepts at most the leaves
 * that sent to it that round, every continent and global tally at most the leaves and clusters below it. At the end,
 * every round was committed, and the journal on disk holds each once, in order, with ε never decreasing.
 *
 * <p>The actors run under Pekko's synchronous {@link BehaviorTestKit} rather than an {@code ActorTestKit} with
 * {@code ManualTime}: the latter runs actors on dispatcher threads, so the order in which two actors handle their
 * messages (and so a run) would differ from run to run; here the simulation runs every message, timer and journal
 * write itself, in one order that the seed decides.
 *
 * <p>A failing try prints its {@code seed}; replay it alone with
 * {@code mvn -pl tier3-global -am test -Dtest=ProtocolSimulationTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcanopy.simulation.seed=<seed>} (the {@link #replays_the_seed_given_in_canopy_simulation_seed} example).
 */
class ProtocolSimulationTest {
    private static final int D = 3;
    private static final long MS = 1_000_000L;
    private static final long TICK_NS = 25 * MS;
    /** Where the actors' events go: nowhere (a stubbed actor system has no event stream; nothing here observes it). */
    private static final java.util.function.Consumer<Object> UNOBSERVED = event -> { };

    private static final AtomicLong SEEDS = new AtomicLong();
    private static final AtomicLong STEPS = new AtomicLong();
    private static final AtomicLong CHECKS = new AtomicLong();
    private static final AtomicLong TAKEOVERS = new AtomicLong();
    private static final AtomicLong NODE_RESTARTS = new AtomicLong();
    private static final AtomicLong ROUNDS = new AtomicLong();
    private static final AtomicLong FAILED_ROUNDS = new AtomicLong();
    /** Rounds whose plan a coordinator that took over sent again, and how many of those failed. */
    private static final AtomicLong REISSUED_ROUNDS = new AtomicLong();
    private static final AtomicLong REISSUED_FAILED = new AtomicLong();
    private static final long STARTED = System.nanoTime();

    @AfterContainer
    static void report() {
        double seconds = (System.nanoTime() - STARTED) / 1e9;
        System.out.printf("protocol simulation: %d seeds, %d steps, %d invariant checks in %.1f s (%.0f steps/s); %d rounds"
                + " announced (%d failed; %d re-issued after a take-over, %d of them failed), %d coordinator take-overs,"
                + " %d aggregator node restarts%n", SEEDS.get(), STEPS.get(), CHECKS.get(), seconds, STEPS.get() / seconds,
            ROUNDS.get(), FAILED_ROUNDS.get(), REISSUED_ROUNDS.get(), REISSUED_FAILED.get(), TAKEOVERS.get(),
            NODE_RESTARTS.get());
    }

    @Property(tries = 200)
    void every_round_commits_once_in_order_by_its_deadline_without_counting_an_update_twice(@ForAll long seed)
        throws IOException {
        new Run(seed).run();
    }

    @Example
    void replays_the_seed_given_in_canopy_simulation_seed() throws IOException {
        String seed = System.getProperty("canopy.simulation.seed");
        if (seed != null) {
            new Run(Long.parseLong(seed.trim())).run();
        }
    }

    private static void check(boolean holds, Supplier<String> what) {
        CHECKS.incrementAndGet();
        if (!holds) {
            throw new AssertionError(what.get());
        }
    }

    /** One seed's run: the fleet, its faults, and what the invariants remember. */
    private static final class Run {
        private final long seed;
        private final SimulatedWorld world;
        private final FleetLayout layout;
        private final RoundPlan first;
        private final int rounds;
        private final long lastRound;
        private final Faults frames;
        private final Faults control;
        private final double absent;
        private final long boundNs;
        private final long endNs;
        private final Path journalDir;
        private final TestInbox<RoundResult> results = TestInbox.create();

        private final SimulatedWorld.Node[] clusterNodes;
        private final SimulatedWorld.Node[] continentNodes;
        private final SimulatedWorld.Actor[] clusterActors;
        private final SimulatedWorld.Actor[] continentActors;
        private final List<ActorRef<ClusterAggregator.Command>> clusterRefs = new ArrayList<>();
        private final List<ActorRef<ContinentalAggregator.Command>> continentRefs = new ArrayList<>();
        private final List<ReportSink<ClusterReport>> continentInboxes = new ArrayList<>();
        private SimulatedWorld.Node globalNode;
        private SimulatedWorld.Actor coordinatorActor;
        private BehaviorTestKit<GlobalCoordinator.Command> coordinatorKit;
        private ActorSystem<?> coordinatorSystem;
        private ReportSink<ContinentReport> coordinatorInbox;

        /** Leaves that sent (at least one copy) per round and cluster. */
        private final Map<Long, Map<Integer, Set<Long>>> sent = new HashMap<>();
        private final Set<Long> leavesAsked = new HashSet<>();
        /** The coordinator (counted by take-overs) that first sent each round's plan; rounds a later one sent again. */
        private final Map<Long, Integer> firstSentBy = new HashMap<>();
        private final Set<Long> reissued = new HashSet<>();
        private int coordinators;
        private final Map<Long, RoundResult> committed = new HashMap<>();
        private long lastCommitted;
        private double lastEpsilon;
        /** The round the running coordinator opened last (−1 before its first), and when. */
        private long openRound = -1;
        private long openedAtNs;
        private long expectedFirstOpen;

        Run(long seed) throws IOException {
            SEEDS.incrementAndGet();
            this.seed = seed;
            world = new SimulatedWorld(seed);
            var random = world.random;
            int clusterSize = 3 + random.nextInt(4);
            int perContinent = 2 + random.nextInt(2);
            int continents = 2 + random.nextInt(2);
            layout = new FleetLayout((long) clusterSize * perContinent * continents, clusterSize, perContinent, seed);
            double scale = 0.5 + random.nextDouble();
            QuorumPolicy clusters = policy(clusterSize, scale, 1.0, 2.0, 0.2);
            QuorumPolicy continental = policy(perContinent, scale, 2.5, 3.5, 0.3);
            QuorumPolicy global = policy(continents, scale, 4.5, 6.0, 0.5);
            first = new RoundPlan(1, 0, D, 1.0, 1f, CodecId.FP32, layout, new TierSpec(clusters, 0.2, 0, 0, 1),
                new TierSpec(continental, 0.0, 0, 0, 1), new TierSpec(global, 0.0, 1.0, 0.1, 10), false, seed);
            rounds = 2 + random.nextInt(4);
            lastRound = first.roundId() + rounds - 1;
            frames = new Faults(random.nextDouble() * 0.2, random.nextDouble() * 0.2, (1 + random.nextInt(300)) * MS);
            control = new Faults(random.nextDouble() * 0.1, random.nextDouble() * 0.2, (1 + random.nextInt(200)) * MS);
            absent = random.nextDouble() * 0.4;
            // A global block closes by its hard deadline; the coordinator then waits at most the report grace.
            boundNs = global.hardDeadline().toNanos() + GlobalCoordinator.REPORT_GRACE.toNanos() + 2 * TICK_NS;
            long roundNs = boundNs + 1_000 * MS;
            int crashes = random.nextInt(3) + random.nextInt(3) + random.nextInt(3);
            endNs = (rounds + 2 + 2L * crashes) * roundNs;
            clusterNodes = new SimulatedWorld.Node[continents];
            continentNodes = new SimulatedWorld.Node[continents];
            clusterActors = new SimulatedWorld.Actor[layout.clusters()];
            continentActors = new SimulatedWorld.Actor[continents];
            for (int k = 0; k < layout.clusters(); k++) {
                clusterRefs.add(null);
            }
            for (int c = 0; c < continents; c++) {
                continentRefs.add(null);
                continentInboxes.add(null);
            }
            Path shm = Path.of("/dev/shm");
            journalDir = Files.createTempDirectory(Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "canopy-simulation");
            for (int i = 0; i < crashes; i++) {
                long at = (long) (random.nextDouble() * rounds * roundNs);
                long down = (100 + random.nextInt(2_900)) * MS;
                int which = random.nextInt(3);
                int continent = random.nextInt(continents);
                world.at(at, () -> crash(which, continent, down));
            }
        }

        private static QuorumPolicy policy(int expected, double scale, double soft, double hard, double grace) {
            return new QuorumPolicy(expected, 0.5, seconds(scale * soft), seconds(scale * hard), seconds(scale * grace), 1.0);
        }

        private static Duration seconds(double s) {
            return Duration.ofNanos((long) (s * 1e9));
        }

        void run() throws IOException {
            try {
                for (int c = 0; c < continentNodes.length; c++) {
                    startClusterNode(c);
                    startContinentNode(c);
                }
                startGlobal();
                world.settle();
                world.at(TICK_NS, this::tick);
                try {
                    while (!done() && world.nowNs() <= endNs && world.step()) {
                        STEPS.incrementAndGet();
                        checkInvariants();
                    }
                    check(done(), () -> "rounds up to " + lastRound + " committed by " + endNs / MS + " ms; the last is "
                        + lastCommitted);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + " at " + world.nowNs() / MS + " ms: " + e.getMessage()
                        + "\n" + status(), e);
                }
                coordinatorKit.signal(PostStop.instance()); // closes the journal, so it can be read
                checkJournal();
            } finally {
                try (Stream<Path> files = Files.walk(journalDir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }

        /** The running coordinator's own account ({@link GlobalCoordinator.GetStatus}), for a failure's message. */
        private String status() {
            if (globalNode == null) {
                return "the coordinator is down";
            }
            TestInbox<GlobalCoordinator.Status> status = TestInbox.create();
            coordinatorKit.run(new GlobalCoordinator.GetStatus(status.getRef()));
            return "the coordinator: " + status.receiveMessage();
        }

        private boolean done() {
            return globalNode != null && lastCommitted >= lastRound;
        }

        private void tick() {
            if (world.nowNs() < endNs) {
                world.at(world.nowNs() + TICK_NS, this::tick);
            }
        }

        private int[] clustersOf(int continent) {
            int[] ids = new int[layout.continentSizeOf(continent)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = layout.clusterOf(continent, i);
            }
            return ids;
        }

        /** Aggregates encoded as the real tiers send them, carried by the lossy network to {@code target}'s node now. */
        private TierRuntime.Sender sender(IntFunction<SimulatedWorld.Node> target) {
            FrameEncoder encoder = new FrameEncoder();
            UnsafeBuffer buffer = new UnsafeBuffer(new byte[AggregateFrame.limits(0, 0, D).maxFrameLength()]);
            return new TierRuntime.Sender() {
                @Override
                public PublishResult send(long round, long sender, int group, int inputs, long timestampNs,
                                          float[] values, int dimension, long runId) {
                    int length = AggregateFrame.wrap(encoder, buffer, 0, round, sender, group, inputs)
                        .timestampNs(timestampNs).encode(UpdateEncoder.fp32(), values, 0, dimension);
                    byte[] frame = Arrays.copyOf(buffer.byteArray(), length);
                    world.send(frames, () -> deliver(target.apply(group), frame));
                    return PublishResult.SENT;
                }

                @Override
                public long[] sentTotals() {
                    return new long[3];
                }
            };
        }

        private static void deliver(SimulatedWorld.Node node, byte[] frame) {
            if (node != null) {
                node.deliver(frame);
            }
        }

        private void startClusterNode(int continent) {
            SimulatedWorld.Node node = world.node();
            int[] served = clustersOf(continent);
            ClusterTier tier = new ClusterTier(node.wiring(), layout, served, D, served.length + 1,
                sender(c -> continentNodes[c]), false, world.clock, LeafAuthentication.off());
            tier.start();
            clusterNodes[continent] = node;
            for (int k : served) {
                BehaviorTestKit<ClusterAggregator.Command> kit = BehaviorTestKit.create(
                    ClusterAggregator.create(k, continent, tier, report -> onClusterReport(continent, report), UNOBSERVED));
                clusterActors[k] = world.actor(kit);
                clusterRefs.set(k, kit.getRef());
            }
        }

        private void startContinentNode(int continent) {
            SimulatedWorld.Node node = world.node();
            ContinentalTier tier = new ContinentalTier(node.wiring(), layout, new int[] {continent}, D, 2,
                sender(c -> globalNode), world.clock);
            tier.start();
            continentNodes[continent] = node;
            BehaviorTestKit<ContinentalAggregator.Command> kit = BehaviorTestKit.create(ContinentalAggregator.create(
                continent, tier, (context, inbox) -> {
                    continentInboxes.set(continent, inbox);
                    List<RecipientRef<ClusterAggregator.Command>> down = new ArrayList<>();
                    for (int k : clustersOf(continent)) {
                        down.add(message -> world.send(control, () -> toCluster(k, message)));
                    }
                    return down;
                }, report -> onContinentReport(continent, report), UNOBSERVED));
            continentActors[continent] = world.actor(kit);
            continentRefs.set(continent, kit.getRef());
        }

        private void startGlobal() {
            globalNode = world.node();
            GlobalTier tier = new GlobalTier(globalNode.wiring(), continentNodes.length, D, world.clock);
            tier.start();
            DirectoryJournal journal;
            try {
                journal = DirectoryJournal.open(journalDir);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            lastCommitted = Math.max(lastCommitted, journal.rounds().last().map(RoundRecord::round).orElse(0L));
            expectedFirstOpen = Math.max(first.roundId(), lastCommitted + 1);
            openRound = -1;
            coordinatorKit = BehaviorTestKit.create(GlobalCoordinator.create(new GlobalCoordinator.Setup(tier,
                new FedAvgStep(1f), new float[D], 1e-5, journal, () -> new long[RejectReason.values().length]),
                (context, inbox) -> {
                    coordinatorInbox = inbox;
                    coordinatorSystem = context.getSystem();
                    world.runBlockingTasksOf(coordinatorSystem);
                    List<RecipientRef<ContinentalAggregator.Command>> down = new ArrayList<>();
                    for (int c = 0; c < continentNodes.length; c++) {
                        int continent = c;
                        down.add(message -> toContinentFromCoordinator(continent, message));
                    }
                    return down;
                }, UNOBSERVED));
            coordinatorActor = world.actor(coordinatorKit);
            coordinatorKit.getRef().tell(new GlobalCoordinator.Start(first, rounds, results.getRef()));
        }

        /** Crashes a node of kind {@code which} (0 the coordinator's, 1 a continent's, 2 a continent's clusters'). */
        private void crash(int which, int continent, long downNs) {
            switch (which) {
                case 0 -> {
                    if (globalNode == null) {
                        return;
                    }
                    // A journal write in flight either reached the disk or did not; its answer never arrives.
                    world.abandonBlockingTasksOf(coordinatorSystem, world.random.nextBoolean());
                    coordinatorKit.signal(PostStop.instance()); // the process's file locks go with it
                    coordinatorActor.crash();
                    globalNode.crash();
                    globalNode = null;
                    coordinatorInbox = null;
                    world.at(world.nowNs() + downNs, this::startGlobal);
                    TAKEOVERS.incrementAndGet();
                    coordinators++;
                }
                case 1 -> {
                    if (continentNodes[continent] == null) {
                        return;
                    }
                    continentActors[continent].crash();
                    continentNodes[continent].crash();
                    continentNodes[continent] = null;
                    continentRefs.set(continent, null);
                    continentInboxes.set(continent, null);
                    world.at(world.nowNs() + downNs, () -> startContinentNode(continent));
                    NODE_RESTARTS.incrementAndGet();
                }
                default -> {
                    if (clusterNodes[continent] == null) {
                        return;
                    }
                    for (int k : clustersOf(continent)) {
                        clusterActors[k].crash();
                        clusterRefs.set(k, null);
                    }
                    clusterNodes[continent].crash();
                    clusterNodes[continent] = null;
                    world.at(world.nowNs() + downNs, () -> startClusterNode(continent));
                    NODE_RESTARTS.incrementAndGet();
                }
            }
        }

        private void toContinentFromCoordinator(int continent, ContinentalAggregator.Command message) {
            if (message instanceof ContinentalAggregator.Open open) {
                onOpened(open.plan().roundId());
                if (firstSentBy.computeIfAbsent(open.plan().roundId(), r -> coordinators) != coordinators) {
                    reissued.add(open.plan().roundId());
                }
            }
            world.send(control, () -> {
                ActorRef<ContinentalAggregator.Command> to = continentRefs.get(continent);
                if (to != null) {
                    to.tell(message);
                }
            });
        }

        private void toCluster(int cluster, ClusterAggregator.Command message) {
            ActorRef<ClusterAggregator.Command> to = clusterRefs.get(cluster);
            if (to == null) {
                return;
            }
            // Leaves send once per copy of a round: a copy re-issued by a coordinator that took over (a higher epoch,
            // so a data round of its own) asks them again, as a client following the gateway's plans would.
            if (message instanceof ClusterAggregator.Open open && leavesAsked.add(open.plan().dataRound(1) * layout.clusters()
                + cluster)) {
                leavesSend(cluster, open.plan());
            }
            to.tell(message);
        }

        /** The cluster's leaves learn the plan with it and send once each, some never, over the lossy network. */
        private void leavesSend(int cluster, RoundPlan plan) {
            long softNs = plan.cluster().policy().softDeadline().toNanos();
            for (int i = 0; i < layout.clusterSizeOf(cluster); i++) {
                long leaf = layout.leafAt(cluster, i);
                if (world.random.nextDouble() < absent) {
                    continue;
                }
                float[] update = {(float) (world.random.nextDouble() * 0.6 - 0.3), (float) (world.random.nextDouble() * 0.6
                    - 0.3), (float) (world.random.nextDouble() * 0.6 - 0.3)};
                world.at(world.nowNs() + (long) (world.random.nextDouble() * 1.2 * softNs), () -> {
                    sentTo(plan.roundId(), cluster).add(leaf);
                    byte[] frame = new byte[GradientFrame.limits(0, 0, D).maxFrameLength()];
                    int length = GradientFrame.wrap(new FrameEncoder(), new UnsafeBuffer(frame), 0, plan.roundId(), leaf,
                        cluster).timestampNs(world.nowNs()).modelVersion(plan.modelVersion())
                        .encode(UpdateEncoder.fp32(), update, 0, D);
                    byte[] bytes = Arrays.copyOf(frame, length);
                    world.send(frames, () -> deliver(clusterNodes[layout.continentOf(cluster)], bytes));
                });
            }
        }

        private Set<Long> sentTo(long round, int cluster) {
            return sent.computeIfAbsent(round, r -> new HashMap<>()).computeIfAbsent(cluster, k -> new HashSet<>());
        }

        private long sentUnder(long round, int continent) {
            long n = 0;
            for (int k : continent < 0 ? allClusters() : clustersOf(continent)) {
                n += sentTo(round, k).size();
            }
            return n;
        }

        private int[] allClusters() {
            int[] all = new int[layout.clusters()];
            Arrays.setAll(all, k -> k);
            return all;
        }

        private void onClusterReport(int continent, ClusterReport report) {
            check(report.accepted() <= sentTo(report.roundId(), report.clusterId()).size(),
                () -> "no update counted twice: cluster " + report.clusterId() + " accepted " + report.accepted()
                    + " in round " + report.roundId() + " from " + sentTo(report.roundId(), report.clusterId()));
            world.send(control, () -> {
                ReportSink<ClusterReport> to = continentInboxes.get(continent);
                if (to != null) {
                    to.send(report);
                }
            });
        }

        private void onContinentReport(int continent, ContinentReport report) {
            check(report.clustersAccepted() <= layout.continentSizeOf(continent), () -> "continent " + continent
                + " accepted " + report.clustersAccepted() + " cluster aggregates of " + layout.continentSizeOf(continent));
            check(report.leaves().accepted() <= sentUnder(report.roundId(), continent), () -> "no update counted twice: "
                + "continent " + continent + " tallies " + report.leaves().accepted() + " leaves in round "
                + report.roundId() + ", " + sentUnder(report.roundId(), continent) + " sent");
            world.send(control, () -> {
                if (coordinatorInbox != null) {
                    coordinatorInbox.send(report);
                }
            });
        }

        /** The running coordinator sends round {@code round}'s plan to a continent (the first of them opens it). */
        private void onOpened(long round) {
            if (round == openRound) {
                return;
            }
            collectResults(); // the coordinator announces a round's result just before it opens the next
            if (openRound < 0) {
                check(round == expectedFirstOpen, () -> "a restart resumes after the last committed round "
                    + lastCommitted + ", but opened " + round);
            } else {
                check(round > openRound && committed.containsKey(openRound), () -> "round ids increase, one round at a "
                    + "time: opened " + round + " after " + openRound + " (committed: " + committed.keySet() + ")");
            }
            openRound = round;
            openedAtNs = world.nowNs();
        }

        private void checkInvariants() {
            collectResults();
            if (globalNode != null && lastCommitted < lastRound) {
                check(openRound >= 0, () -> "the coordinator runs but has opened no round after " + lastCommitted);
                check(committed.containsKey(openRound) || world.nowNs() - openedAtNs <= boundNs, () -> "round "
                    + openRound + " still open " + (world.nowNs() - openedAtNs) / MS + " ms after it opened");
            }
        }

        /** The results the coordinator announced (each after its round was made durable), checked in order. */
        private void collectResults() {
            for (RoundResult result : results.getAllReceived()) {
                long round = result.roundId();
                check(result.journalProblem() == null, () -> "round " + round + ": " + result.journalProblem());
                check(!committed.containsKey(round), () -> "one global commit per round: " + round + " twice");
                check(round > lastCommitted, () -> "round ids increase: " + round + " after " + lastCommitted);
                check(round == openRound, () -> "round " + round + " committed, but " + openRound + " is open");
                check(world.nowNs() - openedAtNs <= boundNs, () -> "round " + round + " ended "
                    + (world.nowNs() - openedAtNs) / MS + " ms after it opened, past its hard deadline");
                check(result.outcome() != null, () -> "round " + round + " has no outcome");
                check(result.epsilon() >= lastEpsilon, () -> "ε never decreases: " + result.epsilon() + " after "
                    + lastEpsilon + " at round " + round);
                check(result.leaves().accepted() <= sentUnder(round, -1), () -> "no update counted twice: round " + round
                    + " tallies " + result.leaves().accepted() + " leaves, " + sentUnder(round, -1) + " sent");
                check(result.continentsAccepted() <= continentNodes.length, () -> "round " + round + " accepted "
                    + result.continentsAccepted() + " continents");
                committed.put(round, result);
                ROUNDS.incrementAndGet();
                if (!result.outcome().releases()) {
                    FAILED_ROUNDS.incrementAndGet();
                }
                if (reissued.contains(round)) {
                    REISSUED_ROUNDS.incrementAndGet();
                    if (!result.outcome().releases()) {
                        REISSUED_FAILED.incrementAndGet();
                    }
                }
                lastCommitted = round;
                lastEpsilon = result.epsilon();
            }
        }

        /** The journal on disk: each round once, in order, ε never decreasing, and every round of the run. */
        private void checkJournal() throws IOException {
            try (DirectoryJournal journal = DirectoryJournal.open(journalDir)) {
                long previous = first.roundId() - 1;
                double epsilon = 0;
                for (RoundRecord record : journal.rounds().records()) {
                    long expected = previous + 1;
                    double before = epsilon;
                    check(record.round() == expected, () -> "the journal records round " + record.round() + " after "
                        + (expected - 1));
                    check(record.epsilon() >= before, () -> "ε never decreases in the journal: " + record.epsilon()
                        + " after " + before);
                    previous = record.round();
                    epsilon = record.epsilon();
                }
                assertEquals(lastRound, previous, "the journal holds every round of the run");
            }
        }
    }
}
