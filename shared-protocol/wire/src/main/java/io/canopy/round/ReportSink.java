package io.canopy.round;

/**
 * Where an aggregator's report goes: its parent actor in one process ({@code ref::tell}), or its parent's
 * sharded entity or the coordinator singleton in a fleet. A report is sent once per round.
 */
@FunctionalInterface
public interface ReportSink<R> {
    void send(R report);
}
