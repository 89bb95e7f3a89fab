package io.canopy.continental;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.canopy.cluster.ClusterAggregator;
import io.canopy.codec.CodecId;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameLimits;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.TransportContext;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A continental aggregator on a real embedded media driver, fed control messages good and bad. */
class ContinentalAggregatorTest {
    private static final int D = 4;
    /** One continent of three clusters of ten leaves. */
    private final FleetLayout layout = new FleetLayout(30, 10, 3, 1L);
    private final ActorTestKit kit = ActorTestKit.create();
    private CanopyTransport transport;

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
        if (transport != null) {
            transport.close();
        }
    }

    private RoundPlan plan(long round) {
        QuorumPolicy policy = new QuorumPolicy(3, 0.6, Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(1), 1.0);
        return new RoundPlan(round, 0, D, 1.0, 1f, CodecId.FP32, layout, new TierSpec(policy.withExpectedCount(10), 0.2, 0, 0, 1),
            new TierSpec(policy, 0.0, 0, 0, 1), new TierSpec(policy.withExpectedCount(1), 0.0, 0, 0, 1), false, 1L);
    }

    private static ClusterReport failed(long round, int cluster, int continent) {
        return new ClusterReport(round, cluster, continent, QuorumOutcome.FAILED_NO_QUORUM, CloseReason.HARD_DEADLINE, 10, 2, 0,
            new long[IngestRejection.count()], new long[0], 0, 4_000_000_000L, 0, 0);
    }

    @Test
    void bad_control_messages_are_logged_and_ignored_and_the_continent_still_closes_its_round() throws Exception {
        Path aeron = Files.createTempDirectory("canopy-continental-test");
        transport = CanopyTransport.start(new TransportContext().aeronDirectoryName(aeron.resolve("driver").toString())
            .maxFrameLength(AggregateFrame.limits(0, FrameLimits.ANY_GROUP, D).maxFrameLength()));
        ContinentalTier tier = new ContinentalTier(transport, layout, new int[] {0}, D, 1, 1, NanoClock.SYSTEM);
        tier.start();
        TestProbe<ContinentReport> global = kit.createTestProbe();
        List<TestProbe<ClusterAggregator.Command>> clusters = new ArrayList<>();
        ActorRef<ContinentalAggregator.Command> continent = kit.spawn(ContinentalAggregator.create(0, tier,
            (context, reports) -> {
                List<ActorRef<ClusterAggregator.Command>> refs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    TestProbe<ClusterAggregator.Command> probe = kit.createTestProbe();
                    clusters.add(probe);
                    refs.add(probe.ref());
                }
                return refs;
            }, global.ref()::tell));

        // Before any plan: a report naming a cluster that is not this continent's, and a close for a round never opened.
        continent.tell(new ContinentalAggregator.Reported(failed(1, 99, 0)));
        continent.tell(new ContinentalAggregator.Closed(plan(0), null, QuorumOutcome.FAILED_NO_QUORUM, 0));
        global.expectNoMessage(Duration.ofMillis(200));

        continent.tell(new ContinentalAggregator.Open(plan(1)));
        for (TestProbe<ClusterAggregator.Command> cluster : clusters) {
            assertEquals(1, ((ClusterAggregator.Open) cluster.receiveMessage()).plan().roundId());
        }
        continent.tell(new ContinentalAggregator.Open(plan(1))); // the same round again
        continent.tell(new ContinentalAggregator.Reported(failed(7, layout.clusterOf(0, 0), 0))); // an unknown future round
        for (TestProbe<ClusterAggregator.Command> cluster : clusters) {
            cluster.expectNoMessage(Duration.ofMillis(100));
        }

        // Now every cluster reports a failed quorum: the continent has nothing to wait for and fails at once.
        for (int i = 0; i < 3; i++) {
            continent.tell(new ContinentalAggregator.Reported(failed(1, layout.clusterOf(0, i), 0)));
        }
        ContinentReport report = global.receiveMessage(Duration.ofSeconds(10));
        assertEquals(1, report.roundId());
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, report.outcome());
        assertEquals(3, report.clustersFailed());
        assertEquals(0, report.clustersAccepted());
    }
}
