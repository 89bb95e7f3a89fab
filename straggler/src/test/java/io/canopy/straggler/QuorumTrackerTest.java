package io.canopy.straggler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class QuorumTrackerTest {
    private static final long MS = 1_000_000L;

    /** 10 expected, quorum 6, soft 100 ms, hard 200 ms, grace 30 ms. */
    private final QuorumPolicy policy = QuorumPolicy.of(10, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(30));
    private final ManualNanoClock clock = new ManualNanoClock(5_000 * MS);
    private final QuorumTracker tracker = new QuorumTracker(policy);

    private void arriveAfter(long ms) {
        clock.advance(Duration.ofMillis(ms));
        tracker.onArrival(clock.nanoTime());
    }

    @Test
    void closes_complete_the_moment_the_last_expected_input_arrives() {
        tracker.open(clock.nanoTime());
        for (int i = 0; i < 10; i++) {
            arriveAfter(1);
        }
        assertEquals(QuorumOutcome.COMPLETE, tracker.outcome());
        assertEquals(CloseReason.ALL_ARRIVED, tracker.closeReason());
        assertEquals(10 * MS, tracker.closedAfterNs());
        assertFalse(tracker.onArrival(clock.nanoTime()), "an eleventh input is late");
        assertEquals(1, tracker.late());
    }

    @Test
    void closes_one_grace_period_after_the_quorum_when_the_rest_straggle() {
        tracker.open(clock.nanoTime());
        for (int i = 0; i < 6; i++) {
            arriveAfter(5); // quorum (6) reached at 30 ms
        }
        assertEquals(clock.nanoTime() + 30 * MS, tracker.nextDeadlineNs());
        arriveAfter(29); // 59 ms, inside grace
        clock.advance(Duration.ofMillis(1)); // 60 ms = 30 + 30
        assertTrue(tracker.advance(clock.nanoTime()));
        assertEquals(QuorumOutcome.QUORUM_AT_DEADLINE, tracker.outcome());
        assertEquals(CloseReason.GRACE_AFTER_QUORUM, tracker.closeReason());
        assertEquals(7, tracker.arrived());
        assertEquals(60 * MS, tracker.closedAfterNs());
    }

    @Test
    void the_soft_deadline_cuts_a_grace_period_short() {
        tracker.open(clock.nanoTime());
        clock.advance(Duration.ofMillis(90));
        for (int i = 0; i < 6; i++) {
            tracker.onArrival(clock.nanoTime()); // quorum at 90 ms; grace would run to 120
        }
        assertEquals(clock.nanoTime() + 10 * MS, tracker.nextDeadlineNs());
        clock.advance(Duration.ofMillis(10));
        assertTrue(tracker.advance(clock.nanoTime()));
        assertEquals(CloseReason.SOFT_DEADLINE, tracker.closeReason());
        assertEquals(100 * MS, tracker.closedAfterNs());
    }

    @Test
    void a_quorum_reached_after_the_soft_deadline_closes_at_once() {
        tracker.open(clock.nanoTime());
        for (int i = 0; i < 5; i++) {
            arriveAfter(1);
        }
        clock.advance(Duration.ofMillis(145));
        assertFalse(tracker.advance(clock.nanoTime()), "past soft but below quorum: keep waiting");
        assertEquals(clock.nanoTime() + 50 * MS, tracker.nextDeadlineNs(), "the hard deadline is next");
        tracker.onArrival(clock.nanoTime());
        assertEquals(QuorumOutcome.QUORUM_AT_DEADLINE, tracker.outcome());
        assertEquals(CloseReason.SOFT_DEADLINE, tracker.closeReason());
        assertEquals(6, tracker.arrived());
        assertEquals(150 * MS, tracker.closedAfterNs());
    }

    @Test
    void below_quorum_at_the_hard_deadline_fails_and_an_input_on_the_deadline_is_late() {
        tracker.open(clock.nanoTime());
        for (int i = 0; i < 5; i++) {
            arriveAfter(10);
        }
        clock.advance(Duration.ofMillis(150)); // 200 ms exactly
        assertFalse(tracker.onArrival(clock.nanoTime()), "the deadline applies before the arrival at the same instant");
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, tracker.outcome());
        assertEquals(CloseReason.HARD_DEADLINE, tracker.closeReason());
        assertEquals(5, tracker.arrived());
        assertEquals(1, tracker.late());
        assertFalse(tracker.outcome().releases());
    }

    @Test
    void every_leaf_late_fails_at_the_hard_deadline_with_nothing_counted() {
        tracker.open(clock.nanoTime());
        assertEquals(clock.nanoTime() + 200 * MS, tracker.nextDeadlineNs());
        clock.advance(Duration.ofMillis(199));
        assertFalse(tracker.advance(clock.nanoTime()));
        clock.advance(Duration.ofMillis(1));
        assertTrue(tracker.advance(clock.nanoTime()));
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, tracker.outcome());
        assertEquals(0, tracker.arrived());
        assertEquals(Long.MAX_VALUE, tracker.nextDeadlineNs());
    }

    @Test
    void withdrawn_inputs_let_the_round_close_once_nothing_is_left_to_wait_for() {
        tracker.open(clock.nanoTime());
        for (int i = 0; i < 7; i++) {
            arriveAfter(1);
        }
        assertFalse(tracker.withdraw(clock.nanoTime()));
        assertFalse(tracker.withdraw(clock.nanoTime()));
        assertTrue(tracker.withdraw(clock.nanoTime()), "7 arrived + 3 withdrawn = 10 expected");
        assertEquals(QuorumOutcome.QUORUM_AT_DEADLINE, tracker.outcome());
        assertEquals(CloseReason.ALL_ACCOUNTED_FOR, tracker.closeReason());
        assertEquals(3, tracker.withdrawn());
        assertEquals(7 * MS, tracker.closedAfterNs());
    }

    @Test
    void a_tier_whose_inputs_all_failed_fails_at_once_instead_of_waiting_for_the_deadline() {
        tracker.open(clock.nanoTime());
        for (int i = 0; i < 5; i++) {
            arriveAfter(1);
        }
        for (int i = 0; i < 5; i++) {
            tracker.withdraw(clock.nanoTime());
        }
        assertEquals(QuorumOutcome.FAILED_NO_QUORUM, tracker.outcome());
        assertEquals(CloseReason.ALL_ACCOUNTED_FOR, tracker.closeReason());
        assertEquals(5 * MS, tracker.closedAfterNs());
    }

    @Test
    void reopening_forgets_the_previous_round() {
        tracker.open(clock.nanoTime());
        clock.advance(Duration.ofMillis(300));
        tracker.advance(clock.nanoTime());
        tracker.open(clock.nanoTime());
        assertFalse(tracker.isClosed());
        assertNull(tracker.outcome());
        assertEquals(0, tracker.arrived());
        assertThrows(IllegalStateException.class, tracker::closedAfterNs);
    }

    /**
     * Against the closed form: the round closes at min(t_e, t_q + grace, max(soft, t_q), hard) where
     * t_q and t_e are the times of the quorum-th and expected-th arrivals; every arrival before then
     * counts. Arrival times are odd microseconds and deadlines whole milliseconds, so an arrival never
     * ties a deadline, only other arrivals.
     */
    @Property(tries = 500)
    void closing_time_count_and_outcome_follow_the_closed_form(
        @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 400_000) Integer> arrivalMicros,
        @ForAll @IntRange(min = 1, max = 30) int expected,
        @ForAll @IntRange(min = 1, max = 100) int quorumPercent,
        @ForAll @IntRange(min = 1, max = 300) int softMs,
        @ForAll @IntRange(min = 0, max = 100) int extraHardMs,
        @ForAll @IntRange(min = 0, max = 100) int graceMs) {
        QuorumPolicy p = new QuorumPolicy(expected, quorumPercent / 100.0, Duration.ofMillis(softMs),
            Duration.ofMillis(softMs + extraHardMs), Duration.ofMillis(graceMs), 1.3);
        long[] times = arrivalMicros.stream().mapToLong(us -> (2L * us + 1) * 1_000L).sorted().toArray();

        QuorumTracker t = new QuorumTracker(p);
        long start = 777L;
        t.open(start);
        for (long at : times) {
            t.onArrival(start + at);
        }
        t.advance(start + p.hardDeadline().toNanos());

        long inf = Long.MAX_VALUE;
        int k = p.quorumCount();
        long tq = times.length >= k ? times[k - 1] : inf;
        long te = times.length >= expected ? times[expected - 1] : inf;
        long hard = p.hardDeadline().toNanos();
        if (tq >= hard) {
            tq = inf;
        }
        long close = Math.min(te, hard);
        if (tq != inf) {
            close = Math.min(close, Math.min(tq + p.grace().toNanos(), Math.max(p.softDeadline().toNanos(), tq)));
        }
        long closeAt = close;
        // An arrival that closes the round is the last one counted, even if others share its instant.
        boolean quorumCloses = tq != inf && close == tq && (p.grace().isZero() || tq >= p.softDeadline().toNanos());
        int counted = quorumCloses ? k
            : close == te ? expected
            : (int) Arrays.stream(times).filter(at -> at < closeAt).count();
        QuorumOutcome outcome = counted >= expected ? QuorumOutcome.COMPLETE
            : counted >= k ? QuorumOutcome.QUORUM_AT_DEADLINE : QuorumOutcome.FAILED_NO_QUORUM;

        assertEquals(close, t.closedAfterNs(), "closing time");
        assertEquals(counted, t.arrived(), "inputs counted");
        assertEquals(times.length - counted, t.late(), "inputs late");
        assertEquals(outcome, t.outcome());
    }
}
