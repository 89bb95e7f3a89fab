package io.canopy.ops.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The privacy gauges of a node: ε spent by the published model, the ε budget, and the δ both are stated at.
 * Values are held as double bits in {@link AtomicLong}s that the gauges read, so setting them is a volatile store
 * from any thread, with no allocation. Only the global tier knows ε; other nodes leave the gauges at their
 * initial values (spent 0, budget and δ NaN, which makes the budget alert's ratio NaN and never fire).
 */
public final class PrivacyMeters {

    private final AtomicLong epsilonSpent = new AtomicLong(Double.doubleToRawLongBits(0.0));
    private final AtomicLong epsilonBudget = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
    private final AtomicLong delta = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));

    PrivacyMeters() {
    }

    /** Sets ε spent so far, as the accountant reports it after a round. */
    public void epsilonSpent(final double epsilon) {
        epsilonSpent.set(Double.doubleToRawLongBits(epsilon));
    }

    /** Sets the ε budget (NaN: none). */
    public void epsilonBudget(final double epsilon) {
        epsilonBudget.set(Double.doubleToRawLongBits(epsilon));
    }

    /** Sets the δ of the (ε, δ) figures. */
    public void delta(final double d) {
        delta.set(Double.doubleToRawLongBits(d));
    }

    public double epsilonSpent() {
        return Double.longBitsToDouble(epsilonSpent.get());
    }

    public double epsilonBudget() {
        return Double.longBitsToDouble(epsilonBudget.get());
    }

    public double delta() {
        return Double.longBitsToDouble(delta.get());
    }
}
