package io.canopy.ingest;

import io.canopy.straggler.NanoClock;
import io.canopy.transport.FrameSubscriber;
import org.agrona.concurrent.Agent;

/**
 * One tier's receive duty cycle: apply queued commands (a new round, a withdrawn input), poll and
 * route frames, then apply the deadlines due — reading the clock once per cycle. With a simulated
 * swarm the deadlines of tier 1 run on the frames' timestamps instead and the clock here matters only
 * to the tiers above.
 */
public final class IngestAgent implements Agent {
    private final String name;
    private final TierIngest ingest;
    private final FrameSubscriber subscriber;
    private final NanoClock clock;
    private final boolean receiverClockDeadlines;
    /** Written by the agent's thread only; read by reports. */
    private volatile long busyNanos;

    /**
     * @param receiverClockDeadlines true to close groups on this node's clock; false when the frames'
     *                               own timestamps (and watermarks) drive every deadline
     */
    public IngestAgent(String name, TierIngest ingest, FrameSubscriber subscriber, NanoClock clock,
                       boolean receiverClockDeadlines) {
        this.name = name;
        this.ingest = ingest;
        this.subscriber = subscriber;
        this.clock = clock;
        this.receiverClockDeadlines = receiverClockDeadlines;
    }

    @Override
    public int doWork() {
        long start = System.nanoTime();
        int work = ingest.drainCommands();
        work += subscriber.doWork();
        if (receiverClockDeadlines) {
            work += ingest.advance(clock.nanoTime());
        }
        if (work > 0) {
            busyNanos += System.nanoTime() - start;
        }
        return work;
    }

    /** Time spent in duty cycles that did work (validating, decoding and copying frames, closing groups). */
    public long busyNanos() {
        return busyNanos;
    }

    @Override
    public void onClose() {
        subscriber.onClose();
    }

    @Override
    public String roleName() {
        return name;
    }
}
