package io.canopy.ingest;

import java.util.concurrent.atomic.AtomicLong;

import io.canopy.frame.FrameDecoder;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.transport.FrameHandler;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The receiving side of one tier on one node: routes each accepted frame to its group's
 * {@link IngestBlock} (a cluster's block for leaf gradients, a continent's for cluster aggregates),
 * decoding the payload straight into the block's next row, and hands every group that closes to a
 * {@link ClosedSink} — with its block, or with none if not one input ever came.
 *
 * <p>Blocks come from a fixed pool and go back through {@link #release} once the aggregate is out, so a
 * node's memory is at most pool × capacity × d floats however many groups it serves; each block holds rows for
 * the largest plan it has served (its group's expected inputs, {@link IngestBlock}), so at a sampling rate q it is
 * about q × that. Everything but
 * {@link #release} and {@link #openRound} (which queue their work) runs on the receive agent's thread.
 */
public final class TierIngest implements FrameHandler {

    /** What this node knows about its groups for the round being collected. */
    public interface Groups {
        /** The groups this node aggregates this round. */
        int[] groups();

        /** The quorum policy of {@code group} (its expected count scaled to the group). */
        QuorumPolicy policyFor(int group);

        /** Whether {@code sender} belongs to {@code group}: a leaf of the cluster, a cluster of the continent. */
        boolean isMember(int group, long sender);

        /**
         * The work {@code group}'s inputs go through as they are accepted this round, or null for none (the default).
         *
         * @param previous what the block opening for {@code group} ran last time (null at first): reuse it, so that
         *                 opening a block allocates nothing once the pool has served every kind of round
         */
        default ArrivalWork arrivalWork(int group, ArrivalWork previous) {
            return null;
        }
    }

    /** Receives each group as it closes; {@code block} is null when nothing ever arrived. */
    @FunctionalInterface
    public interface ClosedSink {
        void onClosed(long round, int group, IngestBlock block, QuorumOutcome outcome, long closedAfterNs);
    }

    /**
     * Where a frame for a group this node does not host goes: in a fleet, on to the node that hosts it now
     * (its aggregator moved), so a sender with a stale route loses nothing.
     */
    @FunctionalInterface
    public interface Misrouted {
        /** @return true if the frame was passed on (its bytes are only valid during this call) */
        boolean forward(FrameDecoder frame);
    }

    /** When a frame arrived: the receiver's clock, or in a simulation the virtual time the frame carries. */
    @FunctionalInterface
    public interface FrameClock {
        long nowNs(FrameDecoder frame);
    }

    /** Commands the agent holds before callers wait: enough for a member's clusters to open in few cycles. */
    static final int COMMAND_QUEUE = 1024;

    private final int dimension;
    private final ClosedSink sink;
    private final FrameClock clock;
    /** Blocks given back from any thread; the agent moves them onto {@link #idle} before taking one. */
    private final ManyToOneConcurrentArrayQueue<IngestBlock> free;
    /**
     * The agent's stack of idle blocks, last released on top: the same few blocks serve group after group, so a
     * block the node never needs at once with the others never allocates its rows (a queue would rotate through
     * the whole pool and size every block).
     */
    private final IngestBlock[] idle;
    private int idleCount;
    private final java.util.function.Consumer<IngestBlock> pushIdle = this::pushIdle;
    private final IngestBlock[] blocks;
    /** Accepted rows in blocks out of the pool (filling, or handed over and not yet released). */
    private final AtomicLong rowsHeld = new AtomicLong();
    private volatile long peakRowsHeld;
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(COMMAND_QUEUE);
    private final Int2ObjectHashMap<IngestBlock> active = new Int2ObjectHashMap<>();
    private final IntHashSet pending = new IntHashSet();
    private final IntHashSet closedThisRound = new IntHashSet();
    private final Int2IntHashMap withdrawnBeforeOpening = new Int2IntHashMap(0);

    private volatile Thread agentThread;
    private volatile long round = -1;
    private long openedAtNs;
    private Groups groups;
    private double maxNorm;
    private boolean project;
    private IngestBlock current;
    private int currentOffset;
    private long unknownGroupFrames;
    private volatile long lateAfterClose;
    private long poolExhaustedFrames;
    private volatile long forwardedFrames;
    private volatile Misrouted misrouted;
    private volatile boolean dropAllInbound;
    private long faultDroppedFrames;

    /**
     * @param pool      blocks to preallocate: the most groups this node has open at once
     * @param capacity  the hard maximum of rows per block: the most inputs one group can ever send (the cluster
     *                  size); a block allocates rows for its group's plan only, and grows within this bound
     */
    public TierIngest(int pool, int capacity, int dimension, QuorumPolicy anyPolicy, ClosedSink sink, FrameClock clock) {
        if (pool < 1) {
            throw new IllegalArgumentException("pool must be at least 1, was " + pool);
        }
        this.dimension = dimension;
        this.sink = sink;
        this.clock = clock;
        this.free = new ManyToOneConcurrentArrayQueue<>(pool);
        this.blocks = new IngestBlock[pool];
        this.idle = new IngestBlock[pool];
        for (int i = 0; i < pool; i++) {
            blocks[i] = new IngestBlock(capacity, dimension, anyPolicy);
            idle[pool - 1 - i] = blocks[i]; // block 0 on top
        }
        this.idleCount = pool;
    }

    /**
     * Starts collecting round {@code roundId}, whose deadlines count from {@code openedAtNs}. Any group still
     * open from the previous round is closed as it stands; when {@code roundId} is the round open now (re-issued by a
     * coordinator that took over), its open blocks are dropped instead, unsent, so the new copy starts empty. Safe from
     * any thread; applied by the agent.
     */
    public void openRound(long roundId, Groups roundGroups, double inputNormBound, boolean projectOverNorm, long openedAt) {
        enqueue(() -> apply(roundId, roundGroups, inputNormBound, projectOverNorm, openedAt));
    }

    /**
     * One of {@code group}'s inputs will never come this round: its sender reported a failed quorum. Lets the
     * group close as soon as every input is accounted for. Safe from any thread; applied by the agent.
     */
    public void withdraw(long roundId, int group, long nowNs) {
        enqueue(() -> applyWithdraw(roundId, group, nowNs));
    }

    /**
     * This node now hosts {@code group} too (its aggregator started here during the round, e.g. after a
     * failover): frames for it are collected from now on. Safe from any thread; applied by the agent.
     */
    public void addGroup(long roundId, int group) {
        enqueue(() -> applyAddGroup(roundId, group));
    }

    /**
     * Runs {@code then} on the agent's thread once every command queued before it has been applied: a
     * cluster uses it to say it is collecting a round only when it really is. Safe from any thread.
     */
    public void afterQueued(Runnable then) {
        enqueue(then);
    }

    /**
     * Queues a command, waiting while the queue is full: a burst (10^4 clusters opening a round at once on one
     * member) is back-pressured onto its callers, never refused. The queue is bounded so that a stalled agent
     * shows up as blocked callers, not as growing memory.
     */
    private void enqueue(Runnable command) {
        long backoffNs = 1_000;
        while (!commands.offer(command)) {
            if (Thread.currentThread() == agentThread) {
                commands.drain(Runnable::run); // the agent queues to itself: apply in order instead of waiting on itself
                continue;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while the ingest agent's command queue was full");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(backoffNs);
            backoffNs = Math.min(backoffNs * 2, 1_000_000);
        }
    }

    /**
     * Fault injection for tests and drills: drop every frame that arrives, as if the data plane to this node
     * were cut (counted in {@link #faultDroppedFrames()}); the control plane is unaffected.
     */
    public void dropAllInbound(boolean drop) {
        this.dropAllInbound = drop;
    }

    /** Frames dropped by {@link #dropAllInbound}. */
    public long faultDroppedFrames() {
        return faultDroppedFrames;
    }

    /** Sets where frames for groups this node does not host go (null: they are only counted). */
    public void misrouted(Misrouted forwarder) {
        this.misrouted = forwarder;
    }

    /** Returns a block once its aggregate has been sent. Safe from any thread. */
    public void release(IngestBlock block) {
        if (block == null) {
            return;
        }
        long rows = block.acceptedCount(); // read before the pool can hand it out and reopen it
        if (!free.offer(block)) {
            throw new IllegalStateException("a block was released twice");
        }
        rowsHeld.addAndGet(-rows);
    }

    /**
     * The most accepted rows held at once in this tier's blocks (filling, or being aggregated), so far: the rows × d
     * floats the tier needed at its peak, against {@link #allocatedRows()}.
     */
    public long peakRowsHeld() {
        return peakRowsHeld;
    }

    /** Rows the pool's blocks have allocated (each sized by the largest plan it served); read once the tier is idle. */
    public long allocatedRows() {
        long rows = 0;
        for (IngestBlock block : blocks) {
            rows += block.allocatedRows();
        }
        return rows;
    }

    /** Times a block grew mid-round because more inputs came than planned × margin; read once the tier is idle. */
    public long blocksGrownMidRound() {
        long grown = 0;
        for (IngestBlock block : blocks) {
            grown += block.grownMidRound();
        }
        return grown;
    }

    /** Groups of the open round not yet seen (the agent's state: read it on the agent's thread or after it stopped). */
    int pendingGroups() {
        return pending.size();
    }

    /** Runs at most {@code limit} queued commands (a slow agent, in tests of back pressure). */
    int drainCommandsAtMost(int limit) {
        agentThread = Thread.currentThread();
        return commands.drain(Runnable::run, limit);
    }

    /** Runs queued commands; call once per duty cycle before polling. */
    public int drainCommands() {
        agentThread = Thread.currentThread();
        return commands.drain(Runnable::run);
    }

    /**
     * Applies deadlines due by {@code nowNs} to every group, including those nothing arrived for.
     *
     * @return groups closed
     */
    public int advance(long nowNs) {
        if (groups == null) {
            return 0;
        }
        int closed = 0;
        var blocks = active.values().iterator();
        while (blocks.hasNext()) {
            IngestBlock block = blocks.next();
            if (block.advance(nowNs)) {
                blocks.remove();
                hand(block);
                closed++;
            }
        }
        if (!pending.isEmpty()) {
            var ids = pending.iterator();
            while (ids.hasNext()) {
                int group = ids.nextValue();
                long hard = groups.policyFor(group).hardDeadline().toNanos();
                if (nowNs - openedAtNs >= hard) {
                    ids.remove();
                    closedThisRound.add(group);
                    sink.onClosed(round, group, null, QuorumOutcome.FAILED_NO_QUORUM, hard);
                    closed++;
                }
            }
        }
        return closed;
    }

    /**
     * Advances one group's time alone: in a simulation, the sender's promise that nothing earlier will follow.
     */
    public void advanceGroup(int group, long nowNs) {
        IngestBlock block = active.get(group);
        if (block != null) {
            if (block.advance(nowNs)) {
                active.remove(group);
                hand(block);
            }
        } else if (pending.contains(group) && nowNs - openedAtNs >= groups.policyFor(group).hardDeadline().toNanos()) {
            pending.remove(group);
            closedThisRound.add(group);
            sink.onClosed(round, group, null, QuorumOutcome.FAILED_NO_QUORUM, groups.policyFor(group).hardDeadline().toNanos());
        }
    }

    @Override
    public void onWatermark(FrameDecoder frame) {
        if (frame.roundId() == round) {
            int group = frame.groupId();
            if (!active.containsKey(group) && !pending.contains(group) && !closedThisRound.contains(group)
                && forward(frame)) {
                return;
            }
            advanceGroup(group, clock.nowNs(frame));
        }
    }

    private boolean forward(FrameDecoder frame) {
        Misrouted m = misrouted;
        if (m != null && m.forward(frame)) {
            forwardedFrames++;
            return true;
        }
        return false;
    }

    @Override
    public float[] destination(FrameDecoder frame) {
        current = null;
        if (dropAllInbound) {
            faultDroppedFrames++;
            return null;
        }
        int group = frame.groupId();
        IngestBlock block = active.get(group);
        long now = clock.nowNs(frame);
        if (block == null) {
            if (!pending.contains(group)) {
                if (closedThisRound.contains(group)) {
                    lateAfterClose++; // its block has already gone to be aggregated
                } else if (!forward(frame)) {
                    unknownGroupFrames++;
                }
                return null;
            }
            block = takeIdle();
            if (block == null) {
                poolExhaustedFrames++;
                return null;
            }
            pending.remove(group);
            block.open(round, group, groups.policyFor(group), maxNorm, project,
                groups.arrivalWork(group, block.arrival()), openedAtNs);
            active.put(group, block);
            for (int w = withdrawnBeforeOpening.remove(group); w > 0; w--) {
                block.withdraw(now);
            }
        }
        if (!groups.isMember(group, frame.senderId())) {
            block.reject(IngestRejection.UNKNOWN_SENDER);
            return null;
        }
        int offset = block.reserve(frame.roundId(), frame.senderId(), frame.inputCount(), now);
        if (offset < 0) {
            if (block.isClosed()) {
                active.remove(group);
                hand(block);
            }
            return null;
        }
        current = block;
        currentOffset = offset;
        return block.rows();
    }

    @Override
    public int destinationOffset(FrameDecoder frame) {
        return currentOffset;
    }

    @Override
    public void onFrame(FrameDecoder frame, float[] values, int offset) {
        IngestBlock block = current;
        current = null;
        if (block == null) {
            return; // refused in destination(), already counted there
        }
        if (block.commit(clock.nowNs(frame)) == IngestBlock.ACCEPTED) {
            long held = rowsHeld.incrementAndGet();
            if (held > peakRowsHeld) {
                peakRowsHeld = held; // only this thread writes it
            }
        }
        if (block.isClosed()) {
            active.remove(frame.groupId());
            hand(block);
        }
    }

    /** The round being collected, once the agent has applied {@link #openRound}; −1 before the first. */
    public long currentRound() {
        return round;
    }

    /** Frames that arrived for a group after its block had closed and gone to its aggregator. */
    public long lateAfterClose() {
        return lateAfterClose;
    }

    /** Frames for a group this node does not serve this round. */
    public long unknownGroupFrames() {
        return unknownGroupFrames;
    }

    /** Frames for a group another node hosts, passed on to it. */
    public long forwardedFrames() {
        return forwardedFrames;
    }

    /** Frames dropped because every block was in use: the pool is too small for the groups open at once. */
    public long poolExhaustedFrames() {
        return poolExhaustedFrames;
    }

    public int dimension() {
        return dimension;
    }

    private void applyWithdraw(long roundId, int group, long nowNs) {
        if (roundId != round) {
            return;
        }
        IngestBlock block = active.get(group);
        if (block != null) {
            if (block.withdraw(nowNs)) {
                active.remove(group);
                hand(block);
            }
            return;
        }
        if (!pending.contains(group)) {
            return;
        }
        int withdrawn = withdrawnBeforeOpening.get(group) + 1;
        if (withdrawn >= groups.policyFor(group).expectedCount()) {
            // Every input failed: nothing will ever arrive, so fail now rather than at the deadline.
            withdrawnBeforeOpening.remove(group);
            pending.remove(group);
            closedThisRound.add(group);
            sink.onClosed(round, group, null, QuorumOutcome.FAILED_NO_QUORUM, nowNs - openedAtNs);
        } else {
            withdrawnBeforeOpening.put(group, withdrawn);
        }
    }

    private void applyAddGroup(long roundId, int group) {
        if (roundId == round && !active.containsKey(group) && !pending.contains(group) && !closedThisRound.contains(group)) {
            pending.add(group);
        }
    }

    private void apply(long roundId, Groups roundGroups, double inputNormBound, boolean projectOverNorm, long openedAt) {
        if (roundId == round) {
            // Re-opened: what the old copy collected must not be handed over as the new copy's.
            for (IngestBlock block : active.values()) {
                release(block);
            }
            active.clear();
        } else {
            // The last round's stragglers close as their policies say they would have, by their deadlines.
            advance(Long.MAX_VALUE / 4);
        }
        round = roundId;
        groups = roundGroups;
        maxNorm = inputNormBound;
        project = projectOverNorm;
        openedAtNs = openedAt;
        pending.clear();
        closedThisRound.clear();
        withdrawnBeforeOpening.clear();
        for (int group : roundGroups.groups()) {
            pending.add(group);
        }
    }

    private void pushIdle(IngestBlock block) {
        idle[idleCount++] = block;
    }

    /** The most recently released idle block, or null when every block is out. Agent thread only. */
    private IngestBlock takeIdle() {
        free.drain(pushIdle);
        return idleCount == 0 ? null : idle[--idleCount];
    }

    private void hand(IngestBlock block) {
        closedThisRound.add(block.group());
        sink.onClosed(block.roundId(), block.group(), block, block.outcome(), block.tracker().closedAfterNs());
    }
}
