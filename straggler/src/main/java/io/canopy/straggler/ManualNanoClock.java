package io.canopy.straggler;

import java.time.Duration;

/** Virtual time: it moves only when told to. Single-threaded use, like the state machines it drives. */
public final class ManualNanoClock implements NanoClock {
    /** Volatile: tests advance it on their thread while an agent thread reads it. */
    private volatile long nowNs;

    public ManualNanoClock(long startNs) {
        this.nowNs = startNs;
    }

    @Override
    public long nanoTime() {
        return nowNs;
    }

    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not run backwards: " + by);
        }
        nowNs += by.toNanos();
    }
}
