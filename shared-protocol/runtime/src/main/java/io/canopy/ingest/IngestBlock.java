package io.canopy.ingest;

import java.util.Arrays;

import io.canopy.aggregation.UpdateBlock;
import io.canopy.kernel.VectorKernels;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.straggler.QuorumTracker;
import org.agrona.collections.LongHashSet;

/**
 * One tier's inputs for one round, in one rows×d block: the cluster's leaf updates, the continent's cluster
 * aggregates, the global tier's continental aggregates. The block holds rows for the group's planned count (its
 * quorum policy's expected inputs) × a margin, not for the most a group could send: at a sampling rate q a cluster
 * of C leaves sends about q·C of them. {@link BlockRows} says how and when it grows, up to the hard maximum.
 *
 * <p>An input is taken in two steps so that nothing partially applies: {@link #reserve} checks the
 * round, the clock, the sender and the capacity and hands out the next free row; the caller decodes
 * the payload straight into that row (the one copy); {@link #commit} then checks the values and either
 * keeps the row or gives it back; a row reserved and never committed goes to the next reservation.
 * Accepted rows are contiguous, so {@link #accepted()} is an
 * {@link UpdateBlock} over the same array, without a copy. Single-threaded; allocation-free once it has been
 * opened for its largest plan (a pooled block keeps its rows across rounds).
 */
public final class IngestBlock {
    /** Commit succeeded. */
    public static final int ACCEPTED = -1;
    /** Norms may exceed the clip norm by this relative slack: clipping in float rounds up by a few ulps. */
    private static final double NORM_SLACK = 1e-5;
    /**
     * Rows per planned input. 1: a group's tracker closes as soon as its planned count is in, so accepted rows never
     * exceed it; the rounding up to whole chunks ({@link BlockRows#CHUNK_ROWS}) is the only slack. See docs/benchmarks.md.
     */
    public static final double PLANNED_MARGIN_DEFAULT = 1.0;
    /** Rows a block grows by: its capacity is always whole chunks ({@link BlockRows}); the capacity planner sizes by it. */
    public static final int CHUNK_ROWS = BlockRows.CHUNK_ROWS;

    private final int capacity;
    private final int dimension;
    private final BlockRows rows;
    private final long[] senders;
    /** Each row's frame header input count: a gated release's pass 2 carries its gated count W there. */
    private final int[] inputCounts;
    private final LongHashSet seen;
    private final long[] rejections = new long[IngestRejection.count()];
    private int projected;
    private final QuorumTracker tracker;

    private long roundId = Long.MIN_VALUE;
    private int group;
    private double maxNorm = Double.POSITIVE_INFINITY;
    private boolean projectOverNorm;
    private int count;
    private int reserved = -1;
    /** This round's per-row work on acceptance, or null ({@link TierIngest.Groups#arrivalWork}). */
    private ArrivalWork arrival;

    /**
     * A block whose rows are sized by plan, with {@link #PLANNED_MARGIN_DEFAULT}.
     *
     * @param capacity  the hard maximum: the most inputs one round can ever hold (the cluster size)
     * @param dimension d
     * @param policy    the first round's policy; {@link #open} can change it. Rows for its expected count are allocated now
     */
    public IngestBlock(int capacity, int dimension, QuorumPolicy policy) {
        this(capacity, dimension, policy, PLANNED_MARGIN_DEFAULT);
    }

    /**
     * @param capacity  the hard maximum: the most inputs one round can ever hold (the cluster size)
     * @param dimension d
     * @param policy    the first round's policy; {@link #open} can change it. Rows for its expected count are allocated now
     * @param margin    rows per planned input (see {@link BlockRows})
     */
    public IngestBlock(int capacity, int dimension, QuorumPolicy policy, double margin) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
        }
        this.capacity = capacity;
        this.dimension = dimension;
        this.rows = new BlockRows(capacity, dimension, Math.min(capacity, policy.expectedCount()), margin);
        this.senders = new long[capacity];
        this.inputCounts = new int[capacity];
        this.seen = new LongHashSet(capacity * 2);
        this.tracker = new QuorumTracker(policy);
    }

    /**
     * Starts a round, forgetting the last one; inputs above {@code maxNorm} are refused.
     *
     * @param maxNorm the largest L2 norm an input may have (the clip norm), or +∞ for no check
     */
    public void open(long round, QuorumPolicy policy, double maxNorm, long nowNs) {
        open(round, 0, policy, maxNorm, false, nowNs);
    }

    /**
     * Starts a round, forgetting the last one.
     *
     * @param groupId         the cluster or continent this block collects for
     * @param maxNorm         the largest L2 norm an input may have, or +∞ for no check
     * @param projectOverNorm true to scale an input above {@code maxNorm} back onto the ball (the upper tiers,
     *                        whose sensitivity bound assumes inputs of norm at most R); false to refuse it
     */
    public void open(long round, int groupId, QuorumPolicy policy, double maxNorm, boolean projectOverNorm, long nowNs) {
        open(round, groupId, policy, maxNorm, projectOverNorm, null, nowNs);
    }

    /**
     * {@link #open(long, int, QuorumPolicy, double, boolean, long)}, with {@code arrival} run on each input as it is
     * accepted (null: none), after the norm check and any projection, so it sees the row the block keeps.
     */
    public void open(long round, int groupId, QuorumPolicy policy, double maxNorm, boolean projectOverNorm,
                     ArrivalWork arrival, long nowNs) {
        if (policy.expectedCount() > capacity) {
            throw new IllegalArgumentException("the policy expects " + policy.expectedCount()
                + " inputs but this block holds " + capacity);
        }
        rows.reserveFor(policy.expectedCount(), 0); // empty now: a new array copies nothing
        this.roundId = round;
        this.group = groupId;
        this.maxNorm = maxNorm;
        this.projectOverNorm = projectOverNorm;
        this.arrival = arrival;
        this.count = 0;
        this.projected = 0;
        this.reserved = -1;
        this.seen.clear();
        Arrays.fill(rejections, 0L);
        tracker.usePolicy(policy);
        tracker.open(nowNs);
    }

    /**
     * Claims the next row for {@code sender}'s input to {@code round}, arriving at {@code nowNs}.
     *
     * @return the row's offset in {@link #rows()} (≥ 0), or −1 − reason ordinal if refused (the
     *     refusal is already counted)
     */
    public int reserve(long round, long sender, long nowNs) {
        return reserve(round, sender, 0, nowNs);
    }

    /** {@link #reserve(long, long, long)}, keeping the frame's input count with the row ({@link #inputCount}). */
    public int reserve(long round, long sender, int inputCount, long nowNs) {
        // A reservation never committed belongs to a frame whose payload failed to decode (the frame
        // layer counted that); its row is simply handed out again.
        reserved = -1;
        if (round != roundId) {
            return refuse(IngestRejection.WRONG_ROUND);
        }
        if (tracker.advance(nowNs)) {
            tracker.onArrival(nowNs); // counts it as late
            return refuse(IngestRejection.LATE);
        }
        if (seen.contains(sender)) {
            return refuse(IngestRejection.DUPLICATE);
        }
        if (count == rows.capacity() && !rows.grow(count)) {
            return refuse(IngestRejection.OVER_CAPACITY);
        }
        reserved = count;
        senders[count] = sender;
        inputCounts[count] = inputCount;
        return count * dimension;
    }

    /**
     * Checks the reserved row's values and keeps it, or gives the row back.
     *
     * @return {@link #ACCEPTED}, or the reason ordinal it was refused for (already counted)
     */
    public int commit(long nowNs) {
        int row = takeReserved();
        int offset = row * dimension;
        float[] rows = this.rows.data();
        float squaredNorm = VectorKernels.squaredNorm(rows, offset, dimension);
        if (!Float.isFinite(squaredNorm)) {
            // NaN or ±∞ poison the sum, but so do finite values near 1e19 squaring past float range: tell them apart.
            if (!allFinite(offset)) {
                return -1 - refuse(IngestRejection.NON_FINITE);
            }
            if (!projectOverNorm) {
                return -1 - refuse(IngestRejection.NORM_EXCEEDED);
            }
            VectorKernels.scale(1e-20f, rows, offset, dimension); // bring it into range, then project as usual
            squaredNorm = VectorKernels.squaredNorm(rows, offset, dimension);
        }
        if (Math.sqrt(squaredNorm) > maxNorm * (1 + NORM_SLACK)) {
            if (!projectOverNorm) {
                return -1 - refuse(IngestRejection.NORM_EXCEEDED);
            }
            VectorKernels.clipToNorm(rows, offset, dimension, (float) maxNorm);
            projected++;
        }
        seen.add(senders[row]);
        if (arrival != null) {
            arrival.accepted(rows, offset, dimension);
        }
        count++;
        tracker.onArrival(nowNs);
        return ACCEPTED;
    }

    /** Gives the reserved row back without counting anything (the payload failed to decode, say). */
    public void release() {
        takeReserved();
    }

    /** Counts a refusal decided outside this block (an unknown sender, say). */
    public void reject(IngestRejection reason) {
        refuse(reason);
    }

    /** One expected input will never come (its sender failed); true once the round is closed. */
    public boolean withdraw(long nowNs) {
        return tracker.withdraw(nowNs);
    }

    /** Applies the deadlines due by {@code nowNs}; true once the round is closed. */
    public boolean advance(long nowNs) {
        return tracker.advance(nowNs);
    }

    /** When to call {@link #advance} next if nothing arrives. */
    public long nextDeadlineNs() {
        return tracker.nextDeadlineNs();
    }

    /** The work this round's accepted inputs went through as they arrived, or null (see {@link #open}). */
    public ArrivalWork arrival() {
        return arrival;
    }

    /** The accepted inputs as a block over the same array; null if there are none. */
    public UpdateBlock accepted() {
        return count == 0 ? null : new UpdateBlock(rows.data(), count, dimension);
    }

    /**
     * Exactly one row per expected sender, in {@code expected}'s order, into {@code into}: the sender's accepted
     * row, or {@code fill} (a public value, e.g. the release's centre) where none arrived. A gated release
     * aggregates a fixed set of inputs, so that whether an input arrived can never change the others' weight.
     */
    public io.canopy.aggregation.UpdateBlock completed(long[] expected, float[] fill, float[] into) {
        return completed(this, expected, fill, into, dimension);
    }

    /**
     * {@link #completed(long[], float[], float[])} for a block that may be null (no input arrived at all): then
     * every row is {@code fill} (zeros when null).
     */
    public static io.canopy.aggregation.UpdateBlock completed(IngestBlock block, long[] expected, float[] fill,
                                                              float[] into, int dimension) {
        int count = block == null ? 0 : block.count;
        for (int e = 0; e < expected.length; e++) {
            int found = -1;
            for (int i = 0; i < count; i++) {
                if (block.senders[i] == expected[e]) {
                    found = i;
                    break;
                }
            }
            if (found >= 0) {
                System.arraycopy(block.rows.data(), found * dimension, into, e * dimension, dimension);
            } else if (fill == null) {
                java.util.Arrays.fill(into, e * dimension, (e + 1) * dimension, 0f);
            } else {
                System.arraycopy(fill, 0, into, e * dimension, dimension);
            }
        }
        return new io.canopy.aggregation.UpdateBlock(into, expected.length, dimension);
    }

    /** Σ of the accepted rows' input counts (a gated pass 2's W over its inputs). */
    public long inputCountSum() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += inputCounts[i];
        }
        return sum;
    }

    /** The input count the frame of accepted row i carried in its header. */
    public int inputCount(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("row " + i + " of " + count + " accepted");
        }
        return inputCounts[i];
    }

    /** The sender of accepted row i. */
    public long sender(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("row " + i + " is outside the " + count + " accepted");
        }
        return senders[i];
    }

    /** The rows' array as it stands: a mid-round growth replaces it, so read it again after each {@link #reserve}. */
    public float[] rows() {
        return rows.data();
    }

    public int acceptedCount() {
        return count;
    }

    /** Inputs scaled back onto the norm ball this round. */
    public int projected() {
        return projected;
    }

    /** Refusals this round, indexed by {@link IngestRejection} ordinal: a copy. */
    public long[] rejectedByReason() {
        return rejections.clone();
    }

    public long rejected(IngestRejection reason) {
        return rejections[reason.ordinal()];
    }

    /** The cluster or continent this round's inputs belong to. */
    public int group() {
        return group;
    }

    public long roundId() {
        return roundId;
    }

    public int dimension() {
        return dimension;
    }

    /** The hard maximum: the most inputs one round can hold. */
    public int capacity() {
        return capacity;
    }

    /** Rows allocated now (planned × margin in whole chunks, or more after growth); at most {@link #capacity()}. */
    public int allocatedRows() {
        return rows.capacity();
    }

    /** Times this block grew mid-round because more inputs arrived than planned × margin (since construction). */
    public long grownMidRound() {
        return rows.grownMidRound();
    }

    public boolean isClosed() {
        return tracker.isClosed();
    }

    /** The outcome once closed, else null. */
    public QuorumOutcome outcome() {
        return tracker.outcome();
    }

    public QuorumTracker tracker() {
        return tracker;
    }

    private boolean allFinite(int offset) {
        float[] data = rows.data();
        for (int j = offset; j < offset + dimension; j++) {
            if (!Float.isFinite(data[j])) {
                return false;
            }
        }
        return true;
    }

    private int takeReserved() {
        if (reserved < 0) {
            throw new IllegalStateException("no row is reserved");
        }
        int row = reserved;
        reserved = -1;
        return row;
    }

    private int refuse(IngestRejection reason) {
        rejections[reason.ordinal()]++;
        return -1 - reason.ordinal();
    }
}
