package io.canopy.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import io.canopy.round.ClusterReport;

/**
 * The reports a cluster sent lately, so that a reader who missed one can ask for it: the reports topic is best
 * effort (a member whose topic has not yet learned of a subscriber drops what it publishes), and a swarm that counts
 * what the clusters acknowledged must not be told a cluster accepted nothing when its report was only lost.
 *
 * <p>Every question gets exactly one answer: the report of the round asked about, or "none" once the cluster has
 * opened a later round without reporting it (a block of an older round is dropped, never reported, after that), so a
 * reader can tell "not yet" from "never". Confined to the cluster actor's thread.
 */
final class ReportBook {
    /** Rounds whose reports are kept: a reader asks right after a round closes, a few rounds is ample. */
    static final int KEPT = 4;
    /** Readers that may wait at once (swarm processes and gateways, not leaves): a bound against a flood. */
    static final int MAX_WAITING = 1024;

    private final int cluster;
    private final ClusterReport[] kept = new ClusterReport[KEPT];
    private final List<ClusterAggregator.AwaitReport> waiting = new ArrayList<>();
    private final BiConsumer<ClusterAggregator.AwaitReport, ClusterAggregator.ReportOf> answer;
    /** The latest round this cluster opened; −1 before the first. */
    private long opened = -1;

    ReportBook(int cluster, BiConsumer<ClusterAggregator.AwaitReport, ClusterAggregator.ReportOf> answer) {
        this.cluster = cluster;
        this.answer = answer;
    }

    /** Answers at once when the report is kept or the round has passed without one; otherwise waits for it. */
    boolean ask(ClusterAggregator.AwaitReport ask) {
        ClusterReport report = find(ask.round());
        if (report != null || ask.round() < opened) {
            answer.accept(ask, new ClusterAggregator.ReportOf(ask.round(), cluster, report));
            return true;
        }
        if (!waiting.contains(ask) && waiting.size() < MAX_WAITING) {
            waiting.add(ask);
        }
        return false;
    }

    /** The cluster reported: keep it and answer whoever waits for it. */
    void reported(ClusterReport report) {
        kept[(int) Math.floorMod(report.roundId(), (long) KEPT)] = report;
        settle(report.roundId() + 1);
    }

    /** The cluster opened {@code round}: no report of an earlier round can follow. */
    void opened(long round) {
        opened = Math.max(opened, round);
        settle(opened);
    }

    /** Readers waiting now (for tests and the bound). */
    int waiting() {
        return waiting.size();
    }

    /** Answers every reader asking about a round before {@code before}: with its report if kept, else "none". */
    private void settle(long before) {
        waiting.removeIf(ask -> {
            if (ask.round() >= before) {
                return false;
            }
            answer.accept(ask, new ClusterAggregator.ReportOf(ask.round(), cluster, find(ask.round())));
            return true;
        });
    }

    private ClusterReport find(long round) {
        ClusterReport r = kept[(int) Math.floorMod(round, (long) KEPT)];
        return r != null && r.roundId() == round ? r : null;
    }
}
