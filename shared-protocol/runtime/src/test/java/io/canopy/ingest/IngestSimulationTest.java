package io.canopy.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.GradientFrame;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A seeded, deterministic simulation of a cluster tier's ingest on virtual time, in the style of Kafka's
 * {@code RaftEventSimulationTest}: the real {@link TierIngest} and its {@link IngestBlock}s and quorum trackers,
 * fed by a simulated network that drops, duplicates, delays and reorders frames and lets non-members and strangers
 * send too, while the clock advances in 1 ms ticks. Checked after every step: a group closes at most once, never
 * after its hard deadline, never with a sender twice or a non-member; and at the end, against a plain reference of
 * the quorum rule ({@link QuorumPolicy}'s javadoc: the first of all-arrived, quorum plus grace, the soft deadline with
 * quorum met, quorum after the soft deadline, the hard deadline), every group's close time, outcome and accepted
 * senders exactly. A failing seed is printed by jqwik and replays the same run.
 */
class IngestSimulationTest {
    private static final int D = 3;
    private static final long ROUND = 7;
    private static final long MS = 1_000_000L;

    /** One delivery: {@code sender} claims {@code group}; {@code seq} breaks ties in a seeded order. */
    private record Delivery(long atNs, long seq, long sender, int group) {
    }

    private record Close(int group, QuorumOutcome outcome, long afterNs, List<Long> senders) {
    }

    /** Counted over the run, printed once: the simulation's seeds, steps and invariant checks per second. */
    private static final java.util.concurrent.atomic.AtomicLong SEEDS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong STEPS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong CHECKS = new java.util.concurrent.atomic.AtomicLong();
    private static final long STARTED = System.nanoTime();

    @net.jqwik.api.lifecycle.AfterContainer
    static void report() {
        double seconds = (System.nanoTime() - STARTED) / 1e9;
        System.out.printf("ingest simulation: %d seeds, %d steps, %d invariant checks in %.1f s (%.0f steps/s)%n",
            SEEDS.get(), STEPS.get(), CHECKS.get(), seconds, STEPS.get() / seconds);
    }

    @Property(tries = 400)
    void every_group_closes_once_on_time_with_exactly_the_senders_the_quorum_rule_admits(@ForAll long seed) {
        SEEDS.incrementAndGet();
        SplittableRandom random = new SplittableRandom(seed);
        int groups = 1 + random.nextInt(5);
        int members = 3 + random.nextInt(14);
        long hardNs = (20 + random.nextInt(180)) * MS;
        long softNs = Math.max(MS, (long) (hardNs * (0.3 + 0.7 * random.nextDouble())));
        long graceNs = (long) (softNs * random.nextDouble() * 0.5);
        QuorumPolicy policy = new QuorumPolicy(members, 0.3 + 0.7 * random.nextDouble(), Duration.ofNanos(softNs),
            Duration.ofNanos(hardNs), Duration.ofNanos(graceNs), 1.0);
        double drop = random.nextDouble() * 0.3;
        double duplicate = random.nextDouble() * 0.3;
        double absent = random.nextDouble() * 0.4;

        long[] now = {0};
        List<Close> closes = new ArrayList<>();
        TierIngest[] holder = new TierIngest[1];
        TierIngest ingest = new TierIngest(groups, members, D, policy, (round, group, block, outcome, after) -> {
            List<Long> senders = new ArrayList<>();
            for (int i = 0; block != null && i < block.acceptedCount(); i++) {
                senders.add(block.sender(i));
            }
            closes.add(new Close(group, outcome, after, senders));
            holder[0].release(block);
        }, frame -> now[0]);
        holder[0] = ingest;
        int[] all = new int[groups];
        for (int g = 0; g < groups; g++) {
            all[g] = g;
        }
        // Group g's members are the senders g·1000 + i; anyone else claiming g is a stranger.
        ingest.openRound(ROUND, new TierIngest.Groups() {
            @Override
            public int[] groups() {
                return all;
            }

            @Override
            public QuorumPolicy policyFor(int group) {
                return policy;
            }

            @Override
            public boolean isMember(int group, long sender) {
                return sender / 1000 == group && sender % 1000 < members;
            }
        }, Double.POSITIVE_INFINITY, false, 0L);
        ingest.drainCommands();

        PriorityQueue<Delivery> network = new PriorityQueue<>((a, b) -> a.atNs() != b.atNs()
            ? Long.compare(a.atNs(), b.atNs()) : Long.compare(a.seq(), b.seq()));
        long seq = 0;
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < members; i++) {
                if (random.nextDouble() < absent) {
                    continue;
                }
                long sentAt = (long) (random.nextDouble() * 1.3 * hardNs);
                int copies = random.nextDouble() < duplicate ? 2 : 1;
                for (int c = 0; c < copies; c++) {
                    if (random.nextDouble() >= drop) {
                        network.add(new Delivery(sentAt + (long) (random.nextDouble() * 0.2 * hardNs), seq++, g * 1000L + i, g));
                    }
                }
            }
            if (random.nextBoolean()) { // a stranger: a member of another group, or nobody's, claims this group
                long stranger = random.nextBoolean() ? ((g + 1) % Math.max(2, groups)) * 1000L + 1 : g * 1000L + 999;
                network.add(new Delivery((long) (random.nextDouble() * hardNs), seq++, stranger, g));
            }
        }

        UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D]);
        FrameEncoder encoder = new FrameEncoder();
        FrameValidator validator = new FrameValidator(GradientFrame.limits(ROUND, -1, D));
        float[] scratch = new float[D];
        Map<Integer, Map<Long, Long>> firstArrival = new HashMap<>();
        long end = 2 * hardNs;
        for (long tick = 0; tick <= end; tick += MS) {
            while (!network.isEmpty() && network.peek().atNs() <= tick) {
                Delivery d = network.poll();
                now[0] = d.atNs();
                int length = GradientFrame.wrap(encoder, buffer, 0, ROUND, d.sender(), d.group()).timestampNs(d.atNs())
                    .encode(UpdateEncoder.fp32(), new float[] {d.sender(), 1, 0}, 0, D);
                assertNull(validator.check(buffer, 0, length));
                float[] dst = ingest.destination(validator.frame());
                int offset = dst == null ? 0 : ingest.destinationOffset(validator.frame());
                validator.decodePayload(dst == null ? scratch : dst, offset);
                ingest.onFrame(validator.frame(), dst == null ? scratch : dst, offset);
                if (d.sender() / 1000 == d.group() && d.sender() % 1000 < members) {
                    firstArrival.computeIfAbsent(d.group(), k -> new HashMap<>()).putIfAbsent(d.sender(), d.atNs());
                }
                checkInvariants(closes, members, policy.quorumCount(), hardNs);
            }
            now[0] = tick;
            ingest.advance(tick);
            checkInvariants(closes, members, policy.quorumCount(), hardNs);
        }

        assertEquals(groups, closes.size(), "every group closed, once: " + closes);
        for (Close close : closes) {
            Close expected = reference(close.group(), policy, firstArrival.getOrDefault(close.group(), Map.of()));
            assertEquals(expected.outcome(), close.outcome(), "group " + close.group() + ": " + close + " vs " + expected);
            assertEquals(expected.afterNs(), close.afterNs(), "group " + close.group() + " closed at the rule's time");
            assertEquals(new HashSet<>(expected.senders()), new HashSet<>(close.senders()),
                "group " + close.group() + " accepted exactly the senders that arrived before it closed at "
                    + close.afterNs() + " ns (" + close.outcome() + "; soft " + policy.softDeadline().toNanos() + ", grace "
                    + policy.grace().toNanos() + ", quorum " + policy.quorumCount() + " of " + policy.expectedCount()
                    + "); first arrivals " + firstArrival.get(close.group()));
        }
    }

    private static void checkInvariants(List<Close> closes, int members, int quorum, long hardNs) {
        STEPS.incrementAndGet();
        Set<Integer> closed = new HashSet<>();
        for (Close c : closes) {
            CHECKS.addAndGet(4 + c.senders().size()); // the assertions below, one per sender in the loop
            assertTrue(closed.add(c.group()), "group " + c.group() + " closed twice: " + closes);
            assertTrue(c.afterNs() <= hardNs, "group " + c.group() + " closed after its hard deadline: " + c);
            assertEquals(c.senders().size(), new HashSet<>(c.senders()).size(), "a sender counted twice: " + c);
            for (long s : c.senders()) {
                assertTrue(s / 1000 == c.group() && s % 1000 < members, "a non-member accepted: " + c);
            }
            assertEquals(c.outcome().releases(), c.senders().size() >= quorum,
                "released exactly when the quorum was met: " + c);
        }
    }

    /** The quorum rule, written plainly from the members' first arrivals (times from the round's opening). */
    static Close reference(int group, QuorumPolicy policy, Map<Long, Long> arrivals) {
        List<Map.Entry<Long, Long>> byTime = new ArrayList<>(arrivals.entrySet());
        byTime.sort(Map.Entry.comparingByValue());
        long soft = policy.softDeadline().toNanos();
        long hard = policy.hardDeadline().toNanos();
        long grace = policy.grace().toNanos();
        int expected = policy.expectedCount();
        int quorum = policy.quorumCount();
        long closeAt = hard;
        QuorumOutcome outcome = QuorumOutcome.FAILED_NO_QUORUM;
        boolean byArrival = false; // closed by an arrival (all in, or quorum after the soft deadline): it counts
        if (byTime.size() >= quorum) {
            long quorumAt = byTime.get(quorum - 1).getValue();
            if (quorumAt <= hard) {
                closeAt = quorumAt <= soft ? Math.min(quorumAt + grace, soft) : quorumAt;
                byArrival = quorumAt > soft;
                outcome = QuorumOutcome.QUORUM_AT_DEADLINE;
            }
        }
        if (byTime.size() >= expected && byTime.get(expected - 1).getValue() <= closeAt) {
            closeAt = byTime.get(expected - 1).getValue();
            byArrival = true;
            outcome = QuorumOutcome.COMPLETE;
        }
        List<Long> senders = new ArrayList<>();
        for (Map.Entry<Long, Long> e : byTime) {
            if (e.getValue() < closeAt || (byArrival && e.getValue() == closeAt)) {
                senders.add(e.getKey());
            }
        }
        return new Close(group, outcome, closeAt, senders);
    }
}
