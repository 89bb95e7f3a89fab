package io.canopy.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.canopy.cluster.ClusterAggregator;
import io.canopy.codec.CodecId;
import io.canopy.continental.ContinentalAggregator;
import io.canopy.control.kryo.ControlSerializer;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.round.IngestRejection;
import io.canopy.round.LeafTally;
import io.canopy.round.RoundPlan;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every control message the tiers exchange goes through the Kryo serializer with Java serialization off. */
class ControlMessagesSerializationTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
        "pekko.actor.allow-java-serialization = off").withFallback(ConfigFactory.load()));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T message) {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
        assertInstanceOf(ControlSerializer.class, serialization.findSerializerFor(message));
        byte[] bytes = serialization.serialize(message).get();
        return (T) serialization.deserialize(bytes, ControlSerializer.IDENTIFIER, "").get();
    }

    @Test
    void round_plans_and_reports_cross_the_control_plane_intact() {
        DemoSettings settings = new DemoSettings(100_000, 1000, 10, 1000, 3, 1.0, 0.1, Attack.ALIE, 0.1, CodecId.INT8,
            2.0, 1e-5, 42L, 0.25, 0.1, false, 4, 2, "fedavg", 1.0f, null, 0);
        RoundPlan plan = settings.firstRound(settings.privacyPlan());
        assertEquals(plan, roundTrip(plan));
        assertEquals(plan, roundTrip(new ClusterAggregator.Open(plan)).plan());
        assertEquals(plan, roundTrip(new ContinentalAggregator.Open(plan)).plan());
        var swarmInbox = KIT.<ClusterAggregator.Opened>createTestProbe().ref();
        assertEquals(new ClusterAggregator.AwaitOpen(4, swarmInbox), roundTrip(new ClusterAggregator.AwaitOpen(4, swarmInbox)));
        assertEquals(new ClusterAggregator.Opened(4, 17), roundTrip(new ClusterAggregator.Opened(4, 17)));
        var gatewayInbox = KIT.<ClusterAggregator.ReportOf>createTestProbe().ref();
        assertEquals(new ClusterAggregator.AwaitReport(4, gatewayInbox), roundTrip(new ClusterAggregator.AwaitReport(4, gatewayInbox)));
        assertEquals(new ClusterAggregator.ReportOf(4, 17, null), roundTrip(new ClusterAggregator.ReportOf(4, 17, null)),
            "a cluster that passed the round without a report says so");

        long[] rejected = new long[IngestRejection.count()];
        rejected[IngestRejection.LATE.ordinal()] = 131;
        ClusterReport cluster = new ClusterReport(1, 17, 1, QuorumOutcome.COMPLETE, CloseReason.ALL_ARRIVED, 1000, 769, 131,
            rejected, new long[] {5, 9, 123_456_789L}, 192, 812_000_000L, 13_000_000L, 40_000L);
        ClusterReport back = roundTrip(cluster);
        assertEquals(cluster.accepted(), roundTrip(new ClusterAggregator.ReportOf(1, 17, cluster)).report().accepted());
        assertEquals(cluster.outcome(), back.outcome());
        assertEquals(cluster.closedAfterNs(), back.closedAfterNs());
        assertArrayEquals(cluster.rejectedByReason(), back.rejectedByReason());
        assertArrayEquals(cluster.krumRejected(), back.krumRejected());

        ContinentReport continent = new ContinentReport(1, 1, QuorumOutcome.QUORUM_AT_DEADLINE, CloseReason.ALL_ACCOUNTED_FOR,
            10, 9, 1, 0, rejected, 0, 3_000_000_000L, 1_000L, 2_000L, LeafTally.of(cluster).plus(LeafTally.of(cluster)));
        ContinentReport continentBack = roundTrip(continent);
        assertEquals(continent.clustersFailed(), continentBack.clustersFailed());
        assertEquals(continent.closeReason(), continentBack.closeReason());
        assertEquals(2000, continentBack.leaves().invited());
        assertEquals(6, continentBack.leaves().krumRejected());
        assertEquals(262, continentBack.leaves().rejected(IngestRejection.LATE));
        assertEquals(2, continentBack.leaves().clustersReleased());
        assertEquals(812_000_000L, continentBack.leaves().slowestClusterNs());
    }
}
