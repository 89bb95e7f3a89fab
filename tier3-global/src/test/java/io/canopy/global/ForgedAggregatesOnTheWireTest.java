package io.canopy.global;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.canopy.cluster.OnTheWire;
import io.canopy.codec.UpdateEncoder;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureWriter;
import io.canopy.ingest.IngestBlock;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.round.Streams;
import io.canopy.straggler.NanoClock;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;
import io.canopy.transport.FramePublisher;
import io.canopy.transport.LoopbackTransports;
import io.canopy.transport.PublishResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forged continental aggregates on a real embedded Aeron driver over UDP loopback: the global tier of a transport
 * whose links are authenticated, its four continents sending tagged aggregates, and an attacker on the same endpoint
 * who has no link key (or a member's key, in the last case). Each forgery is refused by its reason and the round closes
 * with exactly the four honest aggregates.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForgedAggregatesOnTheWireTest {
    private static final int D = 8;
    private static final FleetLayout LAYOUT = new FleetLayout(160, 10, 4, 99L);
    private static final LinkAuthentication LINKS = LinkAuthentication.fresh();
    /** This run's id, as the coordinator's journal would give it. */
    private static final long RUN = 0x5eed_0f_7e57L;
    private static final AtomicLong ROUNDS = new AtomicLong(1);

    private static OnTheWire wire;
    private static GlobalTier tier;
    private static TestProbe<GlobalCoordinator.Command> probe;
    private static FramePublisher publisher;

    @BeforeAll
    static void start() throws IOException {
        wire = OnTheWire.start(LoopbackTransports.udp("links")
            .maxFrameLength(AggregateFrame.limits(0, 0, D).maxFrameLength())
            .links(LINKS));
        tier = new GlobalTier(wire.transport(), LAYOUT.continents(), D, NanoClock.SYSTEM);
        tier.start();
        probe = wire.probe(GlobalCoordinator.Command.class);
        tier.register(probe.ref());
        publisher = wire.connect(Streams.CONTINENT_TO_GLOBAL, "the global tier");
    }

    @AfterAll
    static void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    /** Opens the next round, its global tier expecting all four continents, and waits until it collects it. */
    private static RoundPlan open() {
        QuorumPolicy policy = new QuorumPolicy(4, 0.5, Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(10), 1.0);
        RoundPlan plan = OnTheWire.plan(ROUNDS.getAndIncrement(), LAYOUT, D, policy, 1e6).withRunId(RUN);
        tier.openRound(plan, tier.nowNs());
        OnTheWire.await(() -> tier.isOpen(plan.dataRound(1)), Duration.ofSeconds(10), "round " + plan.roundId() + " never opened");
        return plan;
    }

    private static float[] aggregate(long continent) {
        return OnTheWire.gaussian(continent + 17, D);
    }

    /** Sends an aggregate claiming to be {@code continent}'s, tagged by {@code tagger} (untagged if null). */
    private static void send(RoundPlan plan, long continent, SignatureWriter tagger) {
        publisher.encoder().signer(tagger);
        AggregateFrame.header(publisher.encoder(), plan.dataRound(1), continent, 0, 10);
        assertEquals(PublishResult.SENT, publisher.send(UpdateEncoder.fp32(), aggregate(continent), 0, D));
        publisher.encoder().signer(null);
    }

    /** An honest aggregate of {@code continent}, encoded aside so an attacker can edit it before it is sent. */
    private static UnsafeBuffer captured(RoundPlan plan, long continent, int[] length) {
        UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D + 64]);
        FrameEncoder encoder = new FrameEncoder().wrap(frame, 0).signer(LINKS.signer(Streams.CONTINENT_TO_GLOBAL, RUN));
        length[0] = AggregateFrame.header(encoder, plan.dataRound(1), continent, 0, 10)
            .encode(UpdateEncoder.fp32(), aggregate(continent), 0, D);
        return frame;
    }

    private static void sendHonestContinents(RoundPlan plan) {
        for (int c = 0; c < LAYOUT.continents(); c++) {
            send(plan, c, LINKS.signer(Streams.CONTINENT_TO_GLOBAL, RUN));
        }
    }

    /** Waits for the global block and checks it holds each continent once, with exactly its aggregate. */
    private static void expectEveryContinentOnce(RoundPlan plan) {
        expectEveryContinentOnce(plan, 0);
    }

    /** As above, and the block refused exactly {@code unknownSenders} inputs as from senders it does not expect. */
    private static void expectEveryContinentOnce(RoundPlan plan, int unknownSenders) {
        GlobalCoordinator.Closed closed = probe.expectMessageClass(GlobalCoordinator.Closed.class, Duration.ofSeconds(30));
        IngestBlock block = closed.block();
        assertEquals(plan.dataRound(1), block.roundId());
        assertEquals(QuorumOutcome.COMPLETE, closed.outcome());
        assertEquals(LAYOUT.continents(), block.acceptedCount());
        Set<Long> senders = new HashSet<>();
        for (int i = 0; i < block.acceptedCount(); i++) {
            long sender = block.sender(i);
            senders.add(sender);
            assertArrayEquals(aggregate(sender), Arrays.copyOfRange(block.rows(), i * D, (i + 1) * D),
                "continent " + sender + "'s row is what it sent");
        }
        assertEquals(Set.of(0L, 1L, 2L, 3L), senders);
        assertEquals(unknownSenders, block.rejected(IngestRejection.UNKNOWN_SENDER));
        tier.release(block);
    }

    private static long rejected(RejectReason reason) {
        return tier.runtime().subscriber().rejected(reason);
    }

    @Test
    void aggregates_without_the_link_key_are_refused_by_reason_and_every_continent_still_counts_once() {
        RoundPlan plan = open();
        long unsigned = rejected(RejectReason.UNSIGNED);
        long bad = rejected(RejectReason.BAD_SIGNATURE);

        send(plan, 0, null); // no tag at all
        send(plan, 1, LinkAuthentication.fresh().signer(Streams.CONTINENT_TO_GLOBAL)); // another fleet's key
        // The right key, but a tag made for the cluster → continent link: a cluster's aggregate moved up a hop.
        send(plan, 2, LINKS.signer(Streams.CLUSTER_TO_CONTINENT, RUN));
        // Continent 3's genuine aggregate with its input count inflated (weight) and the CRC recomputed.
        int[] length = new int[1];
        UnsafeBuffer inflated = captured(plan, 3, length);
        inflated.putInt(FrameLayout.INPUT_COUNT_OFFSET, 10_000, ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(inflated, 0);
        assertEquals(PublishResult.SENT, publisher.offer(inflated, 0, length[0]));
        // An Ed25519 scheme byte and 64 bytes of garbage where the tag should be.
        publisher.encoder().signer(new GarbageSignature());
        AggregateFrame.header(publisher.encoder(), plan.dataRound(1), 0, 0, 10);
        assertEquals(PublishResult.SENT, publisher.send(UpdateEncoder.fp32(), aggregate(0), 0, D));
        publisher.encoder().signer(null);

        sendHonestContinents(plan);
        expectEveryContinentOnce(plan);
        assertEquals(1, rejected(RejectReason.UNSIGNED) - unsigned);
        assertEquals(4, rejected(RejectReason.BAD_SIGNATURE) - bad);
    }

    @Test
    void a_tagged_aggregate_from_a_continent_the_coordinator_did_not_assign_is_refused_as_an_unknown_sender() {
        RoundPlan plan = open();
        // Only an insider holds the link key; even then, a continent id outside the layout's is not counted.
        send(plan, LAYOUT.continents(), LINKS.signer(Streams.CONTINENT_TO_GLOBAL, RUN));
        send(plan, 1L << 40, LINKS.signer(Streams.CONTINENT_TO_GLOBAL, RUN));
        sendHonestContinents(plan);
        expectEveryContinentOnce(plan, 2);
    }

    @Test
    void a_captured_aggregate_replayed_into_the_next_round_with_its_round_id_rewritten_is_refused() {
        RoundPlan previous = open();
        sendHonestContinents(previous);
        expectEveryContinentOnce(previous);
        RoundPlan plan = open();
        long bad = rejected(RejectReason.BAD_SIGNATURE);
        int[] length = new int[1];
        UnsafeBuffer replayed = captured(previous, 2, length);
        replayed.putLong(FrameLayout.ROUND_ID_OFFSET, plan.dataRound(1), ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(replayed, 0);
        assertEquals(PublishResult.SENT, publisher.offer(replayed, 0, length[0]));
        sendHonestContinents(plan);
        expectEveryContinentOnce(plan);
        assertEquals(1, rejected(RejectReason.BAD_SIGNATURE) - bad);
    }

    @Test
    void an_aggregate_tagged_under_the_fleet_key_for_another_run_is_refused() {
        RoundPlan plan = open();
        long bad = rejected(RejectReason.BAD_SIGNATURE);
        // The same fleet key, the same round id and hop: only the run differs (a journal started afresh, say).
        send(plan, 1, LINKS.signer(Streams.CONTINENT_TO_GLOBAL, RUN + 1));
        send(plan, 2, LINKS.signer(Streams.CONTINENT_TO_GLOBAL, 0L));
        sendHonestContinents(plan);
        expectEveryContinentOnce(plan);
        assertEquals(2, rejected(RejectReason.BAD_SIGNATURE) - bad);
    }

    /** An Ed25519 scheme byte with 64 seeded random bytes in place of a signature. */
    private static final class GarbageSignature implements SignatureWriter {
        @Override
        public io.canopy.frame.SignatureScheme scheme() {
            return io.canopy.frame.SignatureScheme.ED25519;
        }

        @Override
        public void sign(org.agrona.MutableDirectBuffer buffer, int frameOffset, int payloadLength, int signatureIndex) {
            byte[] noise = new byte[64];
            new SplittableRandom(5).nextBytes(noise);
            buffer.putBytes(signatureIndex, noise);
        }
    }
}
