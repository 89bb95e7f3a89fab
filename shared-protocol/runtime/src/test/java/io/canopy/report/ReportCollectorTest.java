package io.canopy.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import io.canopy.round.IngestRejection;
import io.canopy.round.LeafTally;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The report collector of tiers 2 and 3, on manual time: it answers once, on the last awaited report or the deadline. */
class ReportCollectorTest {
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
    private final ManualTime time = ManualTime.get(kit.system());
    private final TestProbe<ReportCollector.Collected> answers = kit.createTestProbe();
    private final AwaitedReports reports = new AwaitedReports();

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
    }

    private static LeafTally cluster(long invited) {
        return new LeafTally(invited, invited, 0, 0, new long[IngestRejection.count()], 1, 1, 1_000);
    }

    /** Spawns {@link ReportCollector#awaiting} from a parent actor, as a tier does, and returns what it returned. */
    private Optional<ActorRef<ReportCollector.Command>> awaiting(long round, long... awaited) {
        TestProbe<Optional<ActorRef<ReportCollector.Command>>> spawned = kit.createTestProbe();
        kit.spawn(Behaviors.setup(context -> {
            spawned.ref().tell(Optional.ofNullable(
                ReportCollector.awaiting(context, round, awaited, reports, GRACE, "cluster", answers.ref())));
            return Behaviors.empty();
        }));
        return spawned.receiveMessage();
    }

    @Test
    void shouldSpawnNothingWhenEveryAwaitedInputHasReportedAlready() {
        reports.begin(3);
        reports.report(4, cluster(10));
        reports.report(6, cluster(20));

        assertTrue(awaiting(3, 4, 6).isEmpty());
        time.expectNoMessageFor(GRACE.plusSeconds(1), answers);
    }

    @Test
    void shouldAnswerWithEveryCountedReportOnceTheLastAwaitedOneArrives() {
        reports.begin(3);
        reports.report(4, cluster(10));
        ActorRef<ReportCollector.Command> collector = awaiting(3, 4, 6, 7).orElseThrow();

        collector.tell(new ReportCollector.Counted(9, cluster(100))); // reported, but its aggregate was not used
        collector.tell(new ReportCollector.Counted(6, cluster(20)));
        time.expectNoMessageFor(Duration.ofMillis(100), answers);
        collector.tell(new ReportCollector.Counted(7, cluster(40)));

        ReportCollector.Collected collected = answers.receiveMessage();
        assertEquals(3, collected.round());
        assertNull(collected.why());
        assertEquals(170, collected.leaves().invited());
        assertEquals(4, collected.leaves().clustersReported());
    }

    @Test
    void shouldAnswerWithWhatIsInWhenTheDeadlinePassesAndNeverAgain() {
        reports.begin(5);
        ActorRef<ReportCollector.Command> collector = awaiting(5, 1, 2).orElseThrow();
        collector.tell(new ReportCollector.Counted(1, cluster(30)));

        time.expectNoMessageFor(GRACE.minusMillis(1), answers);
        time.timePasses(Duration.ofMillis(1));
        ReportCollector.Collected collected = answers.receiveMessage();
        assertEquals(5, collected.round());
        assertEquals("after 2000 ms without every accepted cluster's report", collected.why());
        assertEquals(30, collected.leaves().invited());
        assertEquals(1, collected.leaves().clustersReported());

        collector.tell(new ReportCollector.Counted(2, cluster(50))); // too late: the tier has its answer
        time.expectNoMessageFor(GRACE, answers);
    }
}
