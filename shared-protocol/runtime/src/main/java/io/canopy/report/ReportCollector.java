package io.canopy.report;

import java.time.Duration;
import java.util.BitSet;

import io.canopy.round.LeafTally;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Holds back an upper tier's round report until the inputs it aggregated have reported, or a deadline passes:
 * Pekko's Aggregator pattern (a short-lived child that collects replies up to an expected set or a timeout and
 * answers once), shared by the continental aggregators (tier 2) and the global coordinator (tier 3).
 *
 * <p>An input's aggregate travels on the data plane and its report on the control plane, so the aggregate can
 * arrive first; the tier's report carries the leaf tallies of its inputs, so when its block closes with some of
 * those reports still out, the tier spawns a collector ({@link #awaiting}) and tells it each input report it counts
 * afterwards ({@link Counted}). The collector answers with one {@link Collected}: the tally of every report counted
 * this round at the moment the last awaited one came in, or at the deadline; the tier then stops it. The deadline
 * runs from the close, not from the last report, so it is a timer rather than the example's receive timeout.
 *
 * <p>The tier deduplicates reports ({@link AwaitedReports}) before it forwards them, so each input counts once.
 */
public final class ReportCollector extends AbstractBehavior<ReportCollector.Command> {

    public sealed interface Command permits Counted, DeadlinePassed {
    }

    /** The tier counted {@code input}'s report for this round, which adds {@code part} to the leaves. */
    public record Counted(int input, LeafTally part) implements Command {
    }

    private enum DeadlinePassed implements Command {
        INSTANCE
    }

    /**
     * The collector's one answer.
     *
     * @param round  the round whose report was held
     * @param leaves every report the tier counted this round, summed, when the collector answered
     * @param why    null when every awaited input reported; otherwise why the tier reports without them
     */
    public record Collected(long round, LeafTally leaves, String why) {
    }

    private final long round;
    private final BitSet outstanding;
    private final String why;
    private final ActorRef<Collected> replyTo;
    private LeafTally leaves;

    private ReportCollector(ActorContext<Command> context, long round, BitSet outstanding, LeafTally leaves, String why,
                            ActorRef<Collected> replyTo) {
        super(context);
        this.round = round;
        this.outstanding = outstanding;
        this.leaves = leaves;
        this.why = why;
        this.replyTo = replyTo;
    }

    /**
     * Spawns a collector for {@code round} as a child of {@code context}, unless every input in {@code awaited} has
     * reported already: then the tier reports at once with {@code reports.tally()}, as before any collector.
     *
     * @param awaited  the inputs whose aggregates the tier accepted ({@link AwaitedReports#acceptedSenders})
     * @param reports  the tier's count of this round's reports so far
     * @param deadline how long after the close the tier reports anyway
     * @param inputs   what an input is ("cluster", "continent"), for the reason given at the deadline
     * @return the collector, or null when nothing is outstanding
     */
    public static ActorRef<Command> awaiting(ActorContext<?> context, long round, long[] awaited, AwaitedReports reports,
                                             Duration deadline, String inputs, ActorRef<Collected> replyTo) {
        BitSet outstanding = reports.outstanding(awaited);
        if (outstanding.isEmpty()) {
            return null;
        }
        String why = "after " + deadline.toMillis() + " ms without every accepted " + inputs + "'s report";
        LeafTally leaves = reports.tally();
        return context.spawnAnonymous(Behaviors.<Command>setup(child -> Behaviors.withTimers(timers -> {
            timers.startSingleTimer(DeadlinePassed.INSTANCE, deadline);
            return new ReportCollector(child, round, outstanding, leaves, why, replyTo);
        })));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Counted.class, this::onCounted)
            .onMessageEquals(DeadlinePassed.INSTANCE, this::onDeadlinePassed)
            .build();
    }

    private Behavior<Command> onCounted(Counted counted) {
        leaves = leaves.plus(counted.part());
        outstanding.clear(counted.input());
        if (outstanding.isEmpty()) {
            return answer(null);
        }
        return this;
    }

    private Behavior<Command> onDeadlinePassed() {
        return answer(why);
    }

    /**
     * Answers, then ignores what still comes until the tier stops it: the tier may forward a report before it reads
     * the answer, and a stopped collector would turn that into a dead letter.
     */
    private Behavior<Command> answer(String reason) {
        replyTo.tell(new Collected(round, leaves, reason));
        return Behaviors.ignore();
    }
}
