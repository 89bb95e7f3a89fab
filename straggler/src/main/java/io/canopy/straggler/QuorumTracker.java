package io.canopy.straggler;

/**
 * One tier's round as a state machine of (state, arrival, time): the caller reads its clock once and
 * passes {@code nowNs} in, so the same code runs on {@link NanoClock#SYSTEM} and on virtual time.
 *
 * <p>A deadline that falls on the same instant as an arrival is applied first: an input arriving
 * exactly at the hard deadline is late. Reusable across rounds through {@link #open}; it allocates
 * nothing after construction.
 */
public final class QuorumTracker {
    private QuorumPolicy policy;
    private int quorumCount;
    private long softNs;
    private long hardNs;
    private long graceNs;

    private long openedAtNs;
    private int arrived;
    private int late;
    private int withdrawn;
    private long quorumReachedAtNs;
    private boolean quorumReached;
    private QuorumOutcome outcome;
    private CloseReason closeReason;
    private long closedAtNs;

    public QuorumTracker(QuorumPolicy policy) {
        usePolicy(policy);
    }

    /** Switches policy (for the next {@link #open}); the current round, if any, is abandoned. */
    public void usePolicy(QuorumPolicy newPolicy) {
        this.outcome = null;
        if (newPolicy == policy) {
            return; // the exact decimal quorum count costs an allocation: keep it across rounds
        }
        this.policy = newPolicy;
        this.quorumCount = newPolicy.quorumCount();
        this.softNs = newPolicy.softDeadline().toNanos();
        this.hardNs = newPolicy.hardDeadline().toNanos();
        this.graceNs = newPolicy.grace().toNanos();
    }

    /** Starts a round at {@code nowNs}; deadlines count from here. */
    public void open(long nowNs) {
        openedAtNs = nowNs;
        arrived = 0;
        late = 0;
        withdrawn = 0;
        quorumReached = false;
        quorumReachedAtNs = 0;
        outcome = null;
        closeReason = null;
        closedAtNs = 0;
    }

    /**
     * Counts one input arriving at {@code nowNs}.
     *
     * @return true if it counts towards this round, false if the round had already closed (it is late)
     */
    public boolean onArrival(long nowNs) {
        advance(nowNs);
        if (outcome != null) {
            late++;
            return false;
        }
        arrived++;
        if (!quorumReached && arrived >= quorumCount) {
            quorumReached = true;
            quorumReachedAtNs = nowNs - openedAtNs;
        }
        if (arrived >= policy.expectedCount()) {
            close(nowNs, QuorumOutcome.COMPLETE, CloseReason.ALL_ARRIVED);
        } else if (arrived + withdrawn >= policy.expectedCount()) {
            closeAccountedFor(nowNs);
        } else {
            advance(nowNs);
        }
        return true;
    }

    /**
     * Records that one expected input will never come (its sender reported a failed quorum of its
     * own): once every expected input has arrived or been withdrawn there is nothing left to wait for,
     * and the round closes at once, with the quorum or without it.
     *
     * @return whether the round is closed
     */
    public boolean withdraw(long nowNs) {
        if (advance(nowNs)) {
            return true;
        }
        withdrawn++;
        if (arrived + withdrawn >= policy.expectedCount()) {
            closeAccountedFor(nowNs);
        }
        return outcome != null;
    }

    private void closeAccountedFor(long nowNs) {
        close(nowNs, arrived >= quorumCount ? QuorumOutcome.QUORUM_AT_DEADLINE : QuorumOutcome.FAILED_NO_QUORUM,
            CloseReason.ALL_ACCOUNTED_FOR);
    }

    /**
     * Applies the deadlines due by {@code nowNs}.
     *
     * @return whether the round is closed
     */
    public boolean advance(long nowNs) {
        if (outcome != null) {
            return true;
        }
        long elapsed = nowNs - openedAtNs;
        // Record the instant the rule fired, not when the caller happened to look: closing times are
        // then a function of the arrivals and the policy alone.
        if (quorumReached) {
            long graceEnd = quorumReachedAtNs + graceNs;
            long softEnd = Math.max(softNs, quorumReachedAtNs);
            if (elapsed >= graceEnd && graceEnd <= softEnd) {
                close(openedAtNs + graceEnd, QuorumOutcome.QUORUM_AT_DEADLINE, CloseReason.GRACE_AFTER_QUORUM);
            } else if (elapsed >= softEnd) {
                close(openedAtNs + softEnd, QuorumOutcome.QUORUM_AT_DEADLINE, CloseReason.SOFT_DEADLINE);
            }
        } else if (elapsed >= hardNs) {
            close(openedAtNs + hardNs, QuorumOutcome.FAILED_NO_QUORUM, CloseReason.HARD_DEADLINE);
        }
        return outcome != null;
    }

    /**
     * The instant at which {@link #advance} will close the round if nothing else arrives, for the
     * caller to schedule a timer; {@link Long#MAX_VALUE} once closed.
     */
    public long nextDeadlineNs() {
        if (outcome != null) {
            return Long.MAX_VALUE;
        }
        long relative = quorumReached
            ? Math.min(quorumReachedAtNs + graceNs, Math.max(softNs, quorumReachedAtNs))
            : hardNs;
        return openedAtNs + relative;
    }

    private void close(long atNs, QuorumOutcome result, CloseReason reason) {
        outcome = result;
        closeReason = reason;
        closedAtNs = atNs;
    }

    public boolean isClosed() {
        return outcome != null;
    }

    /** The outcome, or null while the round is open. */
    public QuorumOutcome outcome() {
        return outcome;
    }

    /** Which rule closed the round, or null while it is open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** Inputs counted towards the round. */
    public int arrived() {
        return arrived;
    }

    /** Expected inputs known never to come. */
    public int withdrawn() {
        return withdrawn;
    }

    /** Inputs that arrived after the round closed. */
    public int late() {
        return late;
    }

    public int quorumCount() {
        return quorumCount;
    }

    public QuorumPolicy policy() {
        return policy;
    }

    /** Nanoseconds from opening to the instant the closing rule fired (the last arrival, or a deadline). */
    public long closedAfterNs() {
        if (outcome == null) {
            throw new IllegalStateException("the round is still open");
        }
        return closedAtNs - openedAtNs;
    }
}
