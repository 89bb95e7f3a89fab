package io.canopy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.canopy.round.ClusterReport;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.CloseReason;
import io.canopy.straggler.QuorumOutcome;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A reader who missed a cluster's report on the topic gets it, or learns it will never come — once, and truly. */
class ReportBookTest {
    private final List<ClusterAggregator.ReportOf> answers = new ArrayList<>();
    private final ReportBook book = new ReportBook(17, (ask, answer) -> answers.add(answer));

    private static ClusterReport report(long round) {
        return new ClusterReport(round, 17, 1, QuorumOutcome.COMPLETE, CloseReason.ALL_ARRIVED, 10, (int) round, 0,
            new long[IngestRejection.count()], new long[0], 2, 1_000L, 0, 0);
    }

    private static ClusterAggregator.AwaitReport ask(long round) {
        return new ClusterAggregator.AwaitReport(round, null);
    }

    @Test
    void a_kept_report_is_answered_at_once_and_a_pending_one_when_it_is_made() {
        book.opened(3);
        ClusterReport three = report(3);
        assertEquals(false, book.ask(ask(3)), "round 3 is still collecting: the reader waits");
        assertEquals(false, book.ask(ask(3)), "asked again: still one reader");
        assertEquals(1, book.waiting());
        book.reported(three);
        assertEquals(List.of(new ClusterAggregator.ReportOf(3, 17, three)), answers);
        assertTrue(book.ask(ask(3)), "kept: answered at once");
        assertSame(three, answers.get(1).report());
    }

    @Test
    void a_round_the_cluster_passed_without_reporting_is_answered_with_none() {
        book.opened(4);
        book.ask(ask(4));
        book.ask(ask(6));
        book.opened(5); // round 4's block never closed here: its report will never come
        assertEquals(List.of(new ClusterAggregator.ReportOf(4, 17, null)), answers);
        assertTrue(book.ask(ask(2)), "an earlier round, never reported: answered at once");
        assertNull(answers.get(1).report());
        assertEquals(1, book.waiting(), "round 6 is still ahead");
    }

    @Test
    void readers_beyond_the_bound_are_not_kept() {
        book.opened(1);
        for (int i = 0; i < ReportBook.MAX_WAITING + 5; i++) {
            book.ask(new ClusterAggregator.AwaitReport(2 + i, null));
        }
        assertEquals(ReportBook.MAX_WAITING, book.waiting());
    }

    /** One step of a cluster's life as the book sees it. */
    record Step(int kind, int roundOffset) {
    }

    @Provide
    Arbitrary<List<Step>> lives() {
        return Arbitraries.integers().between(0, 2).flatMap(kind -> Arbitraries.integers().between(-6, 3)
            .map(offset -> new Step(kind, offset))).list().ofMinSize(1).ofMaxSize(80);
    }

    /**
     * Against a plain reference (every report ever made, the latest round opened): every question about a round is
     * answered exactly once; a report is the one made for that round; "none" only once the cluster has moved past
     * the round and the round's report was never made or is older than the rounds kept.
     */
    @Property(tries = 500)
    void every_question_gets_one_true_answer(@ForAll("lives") List<Step> life) {
        List<ClusterAggregator.ReportOf> answers = new ArrayList<>();
        ReportBook book = new ReportBook(17, (ask, answer) -> answers.add(answer));
        Map<Long, ClusterReport> made = new HashMap<>();
        Map<Long, Integer> asks = new HashMap<>();
        long round = 0; // the cluster's latest round: opened, then maybe reported
        long reportedUpTo = 0;
        for (Step step : life) {
            int before = answers.size();
            switch (step.kind()) {
                case 0 -> {
                    round++;
                    book.opened(round);
                }
                case 1 -> {
                    if (round > reportedUpTo) {
                        ClusterReport r = report(round);
                        made.put(round, r);
                        reportedUpTo = round;
                        book.reported(r);
                    }
                }
                default -> {
                    long r = Math.max(1, round + step.roundOffset());
                    asks.merge(r, 1, Integer::sum);
                    book.ask(ask(r));
                }
            }
            for (ClusterAggregator.ReportOf a : answers.subList(before, answers.size())) {
                if (a.report() != null) {
                    assertSame(made.get(a.round()), a.report(), "the report made for round " + a.round());
                } else {
                    assertTrue(a.round() < round, "none for round " + a.round() + " while the cluster is at " + round);
                    assertTrue(!made.containsKey(a.round()) || a.round() <= reportedUpTo - ReportBook.KEPT,
                        "round " + a.round() + " was reported and is kept, yet answered none");
                }
            }
        }
        book.opened(round + 100); // the cluster moves on: nobody waits for ever
        assertEquals(0, book.waiting());
        for (Map.Entry<Long, Integer> e : asks.entrySet()) {
            long n = answers.stream().filter(a -> a.round() == e.getKey()).count();
            assertTrue(n >= 1 && n <= e.getValue(), "round " + e.getKey() + " asked " + e.getValue() + " times, answered " + n);
        }
        assertEquals(asks.keySet(), answers.stream().map(ClusterAggregator.ReportOf::round).collect(java.util.stream.Collectors.toSet()),
            "only what was asked is answered");
    }
}
