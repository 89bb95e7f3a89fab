package io.canopy.global;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.canopy.codec.CodecId;
import io.canopy.continental.ContinentalAggregator;
import io.canopy.continental.ContinentalTier;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameLimits;
import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.global.ledger.RoundLedger;
import io.canopy.global.ledger.RoundRecord;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.privacy.ledger.LedgerEntry;
import io.canopy.privacy.ledger.PrivacyLedger;
import io.canopy.round.ContinentReport;
import io.canopy.round.IngestRejection;
import io.canopy.round.LeafTally;
import io.canopy.round.ReportSink;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.ManualNanoClock;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.PublishResult;
import io.canopy.transport.TransportContext;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global coordinator on virtual time: a real media driver carries the continents' aggregates, the
 * tier's deadlines run on a {@link ManualNanoClock}, and one continent never answers at all.
 */
class GlobalCoordinatorTest {
    private static final int D = 4;
    /** Four continents of two clusters of five leaves. */
    private final FleetLayout layout = new FleetLayout(40, 5, 2, 1L);
    private final ActorTestKit kit = ActorTestKit.create();
    private final ManualNanoClock clock = new ManualNanoClock(1_000_000_000L);
    private CanopyTransport transport;
    private GlobalTier global;
    private ActorRef<GlobalCoordinator.Command> coordinator;
    private ContinentalTier continents;

    @BeforeEach
    void start() throws Exception {
        Path aeron = Files.createTempDirectory("canopy-global-test");
        transport = CanopyTransport.start(new TransportContext().aeronDirectoryName(aeron.resolve("driver").toString())
            .maxFrameLength(AggregateFrame.limits(0, FrameLimits.ANY_GROUP, D).maxFrameLength()));
        global = new GlobalTier(transport, layout.continents(), D, clock);
        continents = new ContinentalTier(transport, layout, new int[] {0, 1, 2, 3}, D, 1, 1, clock);
        global.start();
        continents.start();
    }

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
        transport.close();
    }

    /** The global tier needs 3 of 4 continents, stops waiting for more at 10 s and gives up at 20 s. */
    private RoundPlan plan() {
        return plan(0);
    }

    /** The plan of round 1 with tier-3 noise multiplier {@code z} (sensitivity 0.1). */
    private RoundPlan plan(double z) {
        QuorumPolicy lower = new QuorumPolicy(2, 0.6, Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(1), 1.0);
        QuorumPolicy upper = new QuorumPolicy(4, 0.6, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30), 1.0);
        return new RoundPlan(1, 0, D, 1.0, 1f, CodecId.FP32, layout, new TierSpec(lower.withExpectedCount(5), 0.2, 0, 0, 1),
            new TierSpec(lower, 0.0, 0, 0, 1), new TierSpec(upper, 0.0, z, z > 0 ? 0.1 : 0, 10), false, 1L);
    }

    private static float[] aggregateOf(int continent) {
        return new float[] {continent, -continent, 0.5f * continent, 1f};
    }

    private static ContinentReport reportOf(int continent) {
        return reportOf(1, continent);
    }

    private static ContinentReport reportOf(long round, int continent) {
        LeafTally leaves = new LeafTally(10, 8, 1, 2, new long[IngestRejection.count()], 2, 2, 3_000_000_000L + continent);
        return new ContinentReport(round, continent, QuorumOutcome.COMPLETE, CloseReason.ALL_ARRIVED, 2, 2, 0, 0,
            new long[IngestRejection.count()], 0, 4_000_000_000L, 0, 0, leaves);
    }

    /** Starts the coordinator with four silent continents; returns the address their reports go to. */
    private ReportSink<ContinentReport> startRound(TestProbe<RoundResult> results, DirectoryJournal journal) {
        return startRound(results, journal, plan(), 1);
    }

    /** Starts a coordinator over {@code journal} with {@code plan}; it must open round {@code expectedRound}. */
    private ReportSink<ContinentReport> startRound(TestProbe<RoundResult> results, DirectoryJournal journal, RoundPlan plan,
                                                 long expectedRound) {
        AtomicReference<ReportSink<ContinentReport>> inbox = new AtomicReference<>();
        List<TestProbe<ContinentalAggregator.Command>> probes = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            probes.add(kit.createTestProbe());
        }
        ActorRef<GlobalCoordinator.Command> coordinator = kit.spawn(GlobalCoordinator.create(
            new GlobalCoordinator.Setup(global, new FedAvgStep(1f), new float[D], 1e-5, journal,
                () -> new long[io.canopy.frame.RejectReason.values().length]),
            (context, reports) -> {
                inbox.set(reports);
                List<ActorRef<ContinentalAggregator.Command>> refs = new ArrayList<>();
                for (TestProbe<ContinentalAggregator.Command> probe : probes) {
                    refs.add(probe.ref());
                }
                return refs;
            }));
        // A run of expectedRound rounds: a fresh journal runs round 1 only, a resumed one what is left.
        coordinator.tell(new GlobalCoordinator.Start(plan, (int) expectedRound, results.ref()));
        for (TestProbe<ContinentalAggregator.Command> probe : probes) {
            RoundPlan opened = ((ContinentalAggregator.Open) probe.receiveMessage()).plan();
            assertEquals(expectedRound, opened.roundId());
            try {
                assertEquals(io.canopy.global.ledger.RunId.readOrCreate(journal.rounds().directory()), opened.runId(),
                    "every plan carries the journal's run id, the same after a take-over");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        this.coordinator = coordinator;
        return inbox.get(); // set during the coordinator's setup, which came before the plans it sent
    }

    /** Continents {@code 0 .. n-1} send their aggregate on the data plane and their report on the control plane. */
    private void answer(ReportSink<ContinentReport> inbox, int n) throws InterruptedException {
        answer(inbox, n, plan());
    }

    private void answer(ReportSink<ContinentReport> inbox, int n, RoundPlan plan) throws InterruptedException {
        long before = global.runtime().subscriber().accepted();
        for (int c = 0; c < n; c++) {
            assertEquals(PublishResult.SENT, continents.publish(plan, c, 2, aggregateOf(c)));
            inbox.send(reportOf(plan.roundId(), c));
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (global.runtime().subscriber().accepted() < before + n && System.currentTimeMillis() < deadline) {
            Thread.sleep(1); // waits for delivery over the driver, not for a deadline: those run on the manual clock
        }
        assertEquals(before + n, global.runtime().subscriber().accepted(), "aggregates delivered");
    }

    @Test
    void a_coordinator_that_died_between_the_privacy_entry_and_the_round_record_resumes_after_that_round_counting_it_once(
        @TempDir Path ledger) throws Exception {
        TestProbe<RoundResult> results = kit.createTestProbe();
        RoundPlan first = plan(1.5);
        float[] modelAfterRound1;
        try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
            ReportSink<ContinentReport> inbox = startRound(results, journal, first, 1);
            answer(inbox, 4, first);
            RoundResult one = results.receiveMessage(Duration.ofSeconds(10));
            assertEquals(QuorumOutcome.COMPLETE, one.outcome());
            modelAfterRound1 = one.model();
            kit.stop(coordinator);
        }
        // Round 2 got as far as its privacy entry; then the process died, before its record and announcement.
        Path privacyFile = ledger.resolve(DirectoryJournal.PRIVACY_FILE);
        LedgerEntry round1 = PrivacyLedger.read(privacyFile).entries().getFirst();
        try (PrivacyLedger privacy = PrivacyLedger.open(privacyFile)) {
            privacy.append(new LedgerEntry(2, round1.q(), round1.sampler(), round1.z(), round1.sensitivity(), round1.rdp()));
        }
        // ... and its model checkpoint (written first) is on disk, never announced.
        io.canopy.global.ledger.ModelCheckpoint.write(ledger.resolve(io.canopy.global.ledger.ModelCheckpoint.fileName(2)),
            new float[] {9, 9, 9, 9});

        try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
            ReportSink<ContinentReport> inbox = startRound(results, journal, first, 3);
            // The journal's second coordinator: epoch 1, so its plans' data rounds are epoch 1's.
            RoundPlan third = first.at(3, 1).withEpoch(1);
            answer(inbox, 4, third);
            RoundResult three = results.receiveMessage(Duration.ofSeconds(10));
            assertEquals(3, three.roundId());
            assertEquals(2, three.modelVersion(), "round 3 stepped from the model round 1 published");
            List<LedgerEntry> entries = PrivacyLedger.read(privacyFile).entries();
            assertEquals(List.of(1L, 2L, 3L), entries.stream().map(LedgerEntry::round).toList(), "each round once");
            assertEquals(PrivacyLedger.replay(entries, 1e-5).epsilonBalle(), three.epsilon(), 0.0,
                "epsilon counts rounds 1, 2 and 3: the orphaned round stays spent");
            RoundRecord record = RoundLedger.read(ledger).records().getLast();
            assertEquals(3, record.round());
            assertArrayEquals(three.model(), io.canopy.global.ledger.ModelCheckpoint.read(ledger.resolve(record.checkpoint()),
                record.modelCrc32c()), "version 2 is round 3's model; the unannounced one was set aside");
            assertArrayEquals(new float[] {9, 9, 9, 9}, io.canopy.global.ledger.ModelCheckpoint.read(
                ledger.resolve("model-v00000002.npy.unannounced")));
            for (int j = 0; j < D; j++) {
                assertEquals(modelAfterRound1[j] + three.update()[j], three.model()[j], 1e-6f,
                    "the FedAvg step (lr 1) from the resumed model, coordinate " + j);
            }
        }
    }

    /** Where in round 2 the coordinator's process died (each step makes one more file durable). */
    enum CrashStep { BEFORE_ROUND_2, AFTER_CHECKPOINT, AFTER_PRIVACY_ENTRY, AFTER_RECORD }

    /**
     * A crash at each step of a round, then a coordinator taking over the same journal: it resumes at the first
     * round nobody spent, every round is spent once and recorded at most once, in order, ε is the replay of the
     * privacy ledger and never below what was announced, and an unannounced checkpoint never becomes a model.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "crash {0}")
    @org.junit.jupiter.params.provider.EnumSource(CrashStep.class)
    void a_crash_at_any_step_of_a_round_resumes_at_the_first_unspent_round_with_each_round_spent_once(CrashStep step,
        @TempDir Path ledger) throws Exception {
        TestProbe<RoundResult> results = kit.createTestProbe();
        RoundPlan first = plan(1.5);
        double announced;
        try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
            answer(startRound(results, journal, first, 1), 4, first);
            announced = results.receiveMessage(Duration.ofSeconds(10)).epsilon();
            kit.stop(coordinator);
        }
        Path privacyFile = ledger.resolve(DirectoryJournal.PRIVACY_FILE);
        if (step == CrashStep.AFTER_RECORD) {
            try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
                answer(startRound(results, journal, first, 2), 4, first.at(2, 1).withEpoch(1));
                announced = results.receiveMessage(Duration.ofSeconds(10)).epsilon();
                kit.stop(coordinator);
            }
        }
        if (step == CrashStep.AFTER_CHECKPOINT || step == CrashStep.AFTER_PRIVACY_ENTRY) {
            io.canopy.global.ledger.ModelCheckpoint.write(ledger.resolve(io.canopy.global.ledger.ModelCheckpoint.fileName(2)),
                new float[] {9, 9, 9, 9});
        }
        if (step == CrashStep.AFTER_PRIVACY_ENTRY) {
            LedgerEntry round1 = PrivacyLedger.read(privacyFile).entries().getFirst();
            try (PrivacyLedger privacy = PrivacyLedger.open(privacyFile)) {
                privacy.append(new LedgerEntry(2, round1.q(), round1.sampler(), round1.z(), round1.sensitivity(), round1.rdp()));
            }
        }
        long resumeAt = step == CrashStep.AFTER_PRIVACY_ENTRY || step == CrashStep.AFTER_RECORD ? 3 : 2;
        try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
            // Each coordinator that took the journal over came with the next epoch (CoordinatorEpoch).
            RoundPlan next = first.at(resumeAt, 1).withEpoch(step == CrashStep.AFTER_RECORD ? 2 : 1);
            answer(startRound(results, journal, first, resumeAt), 4, next);
            RoundResult resumed = results.receiveMessage(Duration.ofSeconds(10));
            assertEquals(resumeAt, resumed.roundId(), "resumed at the first round nobody spent");
            List<LedgerEntry> entries = PrivacyLedger.read(privacyFile).entries();
            List<Long> spent = entries.stream().map(LedgerEntry::round).toList();
            java.util.List<Long> expected = new java.util.ArrayList<>();
            for (long r = 1; r <= resumeAt; r++) {
                expected.add(r);
            }
            assertEquals(expected, spent, "every round spent once, in order");
            List<Long> recorded = RoundLedger.read(ledger).records().stream().map(RoundRecord::round).toList();
            assertEquals(recorded.stream().distinct().sorted().toList(), recorded, "recorded at most once, in order");
            assertEquals(resumeAt, (long) recorded.getLast());
            assertEquals(PrivacyLedger.replay(entries, 1e-5).epsilonBalle(), resumed.epsilon(), 0.0, "epsilon is the replay");
            org.junit.jupiter.api.Assertions.assertTrue(resumed.epsilon() > announced, "epsilon never goes down: "
                + resumed.epsilon() + " after " + announced);
            for (long v = 1; v <= resumed.modelVersion(); v++) {
                float[] model = io.canopy.global.ledger.ModelCheckpoint.read(
                    ledger.resolve(io.canopy.global.ledger.ModelCheckpoint.fileName(v)));
                org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(new float[] {9, 9, 9, 9}, model),
                    "the unannounced checkpoint became model version " + v);
            }
            assertEquals(step == CrashStep.AFTER_CHECKPOINT || step == CrashStep.AFTER_PRIVACY_ENTRY,
                Files.exists(ledger.resolve("model-v00000002.npy.unannounced")), "an unannounced checkpoint is set aside");
        }
    }

    @Test
    void a_continent_that_never_answers_is_a_straggler_and_the_round_closes_at_the_soft_deadline_with_its_quorum(
        @TempDir Path ledger) throws Exception {
        TestProbe<RoundResult> results = kit.createTestProbe();
        try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
            ReportSink<ContinentReport> inbox = startRound(results, journal);
            answer(inbox, 3);

            clock.advance(Duration.ofSeconds(9));
            results.expectNoMessage(Duration.ofMillis(300)); // quorum met, but the soft deadline has not passed
            clock.advance(Duration.ofSeconds(2));
            RoundResult result = results.receiveMessage(Duration.ofSeconds(10));

            assertEquals(QuorumOutcome.QUORUM_AT_DEADLINE, result.outcome());
            assertEquals(CloseReason.SOFT_DEADLINE, result.closeReason());
            assertEquals(3, result.continentsAccepted());
            assertEquals(0, result.continentsFailed(), "the silent continent never said it failed");
            assertArrayEquals(new float[] {1f, -1f, 0.5f, 1f}, result.update(), "the mean of continents 0, 1 and 2");
            assertEquals(30, result.leaves().invited());
            assertEquals(6, result.leaves().clustersReported());

            RoundRecord record = RoundLedger.read(ledger).records().getFirst();
            assertEquals(4, record.continentsExpected());
            assertEquals(3, record.continentsAccepted());
            assertEquals(QuorumOutcome.QUORUM_AT_DEADLINE, record.outcome());
            assertEquals(24, record.leavesAccepted());
            assertEquals(3_000, record.tier1WallMs(), "the slowest cluster, from the tallies");
            assertEquals(11_000, record.tier3WallMs(), "on the tier's clock");
        }
    }

    @Test
    void with_two_of_four_continents_silent_the_round_fails_at_the_hard_deadline_and_publishes_nothing(
        @TempDir Path ledger) throws Exception {
        TestProbe<RoundResult> results = kit.createTestProbe();
        try (DirectoryJournal journal = DirectoryJournal.open(ledger)) {
            ReportSink<ContinentReport> inbox = startRound(results, journal);
            answer(inbox, 2);

            clock.advance(Duration.ofSeconds(19));
            results.expectNoMessage(Duration.ofMillis(300)); // below quorum: waits until the hard deadline
            clock.advance(Duration.ofSeconds(1));
            RoundResult result = results.receiveMessage(Duration.ofSeconds(10));

            assertEquals(QuorumOutcome.FAILED_NO_QUORUM, result.outcome());
            assertEquals(CloseReason.HARD_DEADLINE, result.closeReason());
            assertNull(result.update());
            assertEquals(0, result.modelVersion());
            RoundRecord record = RoundLedger.read(ledger).records().getFirst();
            assertEquals(0, record.modelVersion(), "the round is recorded, the model version is unchanged");
            assertEquals(QuorumOutcome.FAILED_NO_QUORUM, record.outcome());
        }
    }
}
