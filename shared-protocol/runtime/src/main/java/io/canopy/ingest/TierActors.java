package io.canopy.ingest;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.canopy.round.RoundPlan;
import io.canopy.straggler.QuorumOutcome;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The actors of one tier on one node, by group id, and the round plan they are serving: what a closed
 * block needs to find its aggregator. Shared by the cluster and continental tiers.
 *
 * @param <C> the aggregator's command type
 */
public final class TierActors<C> {

    /** Builds the aggregator's "your block closed" message; {@code pass} is 1, or 2 for a gated release's second. */
    @FunctionalInterface
    public interface ClosedMessage<C> {
        C closed(RoundPlan plan, int pass, IngestBlock block, QuorumOutcome outcome, long closedAfterNs);
    }

    private final AtomicReferenceArray<ActorRef<C>> actors;
    private final AtomicInteger registered = new AtomicInteger();
    private final int[] served;
    private final ClosedMessage<C> message;
    /** The newest plan accepted ({@link #advanceTo}). */
    private volatile RoundPlan latest;
    /** The plan the ingest is collecting for: set on the agent's thread just before the ingest opens it ({@link #serve}). */
    private volatile RoundPlan current;

    /**
     * @param groups every group id of the tier (clusters or continents), served here or not
     * @param served the groups this node aggregates
     */
    public TierActors(int groups, int[] served, ClosedMessage<C> message) {
        this.actors = new AtomicReferenceArray<>(groups);
        this.served = served == null ? null : served.clone();
        this.message = message;
    }

    /**
     * A tier whose groups come and go (sharded entities in a fleet): it serves whichever groups have an actor
     * bound right now.
     */
    public static <C> TierActors<C> hosting(int groups, ClosedMessage<C> message) {
        return new TierActors<>(groups, null, message);
    }

    /** Whether groups come and go ({@link #hosting}) rather than being fixed when the node starts. */
    public boolean isDynamic() {
        return served == null;
    }

    /** Unbinds a group's actor (it stopped or moved away); a newer actor bound since is left in place. */
    public void unregister(int group, ActorRef<C> actor) {
        if (actors.compareAndSet(group, actor, null)) {
            registered.decrementAndGet();
        }
    }

    /** Binds a group's actor; a restarted actor binds again and is counted once. */
    public void register(int group, ActorRef<C> actor) {
        if (actors.getAndSet(group, actor) == null) {
            registered.incrementAndGet();
        }
    }

    /** Whether every served group's actor is bound: until then a close could find no one to tell. */
    public boolean ready() {
        return served == null || registered.get() == served.length;
    }

    /** The groups served: the fixed set, or those with an actor bound now. */
    public int[] served() {
        if (served != null) {
            return served.clone();
        }
        int[] bound = new int[actors.length()];
        int n = 0;
        for (int g = 0; g < bound.length; g++) {
            if (actors.get(g) != null) {
                bound[n++] = g;
            }
        }
        return java.util.Arrays.copyOf(bound, n);
    }

    /**
     * Accepts {@code plan} as the newest if it supersedes the last ({@link RoundPlan#supersedes}: a later round, or the
     * same round re-issued under a higher epoch); callers hold the tier's lock, so a racing caller can never set an older
     * plan back. The caller then queues {@link #serve} and the ingest's opening, in that order.
     *
     * @return whether it was newer
     */
    public boolean advanceTo(RoundPlan plan) {
        if (!plan.supersedes(latest)) {
            return false;
        }
        latest = plan;
        return true;
    }

    /**
     * Makes {@code plan} the one closed blocks are handed over with; run on the ingest agent's thread just before the
     * ingest opens it, so a block closed before then carries the plan it was collected for — never a re-issued copy of
     * the same round, whose blocks must not count the old copy's frames.
     */
    public void serve(RoundPlan plan) {
        current = plan;
    }

    /** The round accepted last, or −1 before the first. */
    public long currentRound() {
        RoundPlan plan = latest;
        return plan == null ? -1 : plan.roundId();
    }

    /** The plan accepted last, or null before the first. */
    public RoundPlan currentPlan() {
        return latest;
    }

    /**
     * Tells a group's actor its block closed, with the round's plan; with no actor or no such round the
     * block goes straight back through {@code release}.
     */
    public void onClosed(long round, int group, IngestBlock block, QuorumOutcome outcome, long closedAfterNs,
                         java.util.function.Consumer<IngestBlock> release) {
        ActorRef<C> actor = actors.get(group);
        RoundPlan plan = current;
        // A closed ingest round is the plan's round (leaves to clusters) or its data round of pass 1 or 2 between
        // tiers (all the same id for a one-pass release; 2r − 1 and 2r for a gated one, never r's for r ≥ 2).
        int pass = plan == null ? 0 : plan.release().gated() && plan.dataRound(2) == round ? 2
            : plan.roundId() == round || plan.dataRound(1) == round ? 1 : 0;
        if (actor == null || pass == 0) {
            release.accept(block);
            return;
        }
        actor.tell(message.closed(plan, pass, block, outcome, closedAfterNs));
    }
}
