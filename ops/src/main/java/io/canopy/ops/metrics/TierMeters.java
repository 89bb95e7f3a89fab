package io.canopy.ops.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

/**
 * The round meters of one tier (and continent, when the node splits by continent), created once by
 * {@link CanopyMeters}; the tier's traffic meters are function counters bound by {@link TierTrafficMetrics}. Every
 * method and handle is safe from any thread and allocates nothing; reasons and outcomes are passed as enum ordinals
 * ({@code IngestRejection.ordinal()}, {@code QuorumOutcome.ordinal()}), which index pre-created counters.
 *
 * <p>Meters that only mean something at one tier ({@link #krumRejected} at the cluster tier, {@link #trimDropped}
 * above it) are no-op counters elsewhere: calling them is harmless and shows up nowhere.
 */
public final class TierMeters {

    private final Tier tier;
    private final String continent;

    /** Updates Multi-Krum did not select (cluster tier; no-op elsewhere). */
    public final Counter krumRejected;
    /** Inputs the trimmed mean dropped per coordinate, 2k per round (continental and global; no-op at cluster). */
    public final Counter trimDropped;
    /** Open-to-close time of each round. */
    public final Timer roundDuration;
    /** Inputs each round closed with. */
    public final DistributionSummary roundInputs;
    /** Inputs over expected inputs, per round. */
    public final DistributionSummary roundParticipation;

    private final Counter[] inputsRejected;
    private final Counter[] quorumOutcomes;
    private final AtomicLong roundOpen;
    private final AtomicLong roundLastClosed;

    TierMeters(final Tier tier, final String continent, final Counter krumRejected, final Counter trimDropped,
               final Timer roundDuration, final DistributionSummary roundInputs,
               final DistributionSummary roundParticipation, final Counter[] inputsRejected,
               final Counter[] quorumOutcomes, final AtomicLong roundOpen, final AtomicLong roundLastClosed) {
        this.tier = tier;
        this.continent = continent;
        this.krumRejected = krumRejected;
        this.trimDropped = trimDropped;
        this.roundDuration = roundDuration;
        this.roundInputs = roundInputs;
        this.roundParticipation = roundParticipation;
        this.inputsRejected = inputsRejected;
        this.quorumOutcomes = quorumOutcomes;
        this.roundOpen = roundOpen;
        this.roundLastClosed = roundLastClosed;
    }

    public Tier tier() {
        return tier;
    }

    /** The {@code continent} tag value: {@value MeterCatalogue#ALL} or a continent number. */
    public String continent() {
        return continent;
    }

    /** The counter of ingest refusals for {@code io.canopy.round.IngestRejection} ordinal {@code reason}. */
    public Counter inputsRejected(final int reason) {
        return inputsRejected[reason];
    }

    /** Counts one ingest refusal; {@code reason} is an {@code IngestRejection} ordinal. */
    public void inputRejected(final int reason) {
        inputsRejected[reason].increment();
    }

    /** The counter of rounds closed with {@code io.canopy.straggler.QuorumOutcome} ordinal {@code outcome}. */
    public Counter quorumOutcomes(final int outcome) {
        return quorumOutcomes[outcome];
    }

    /** Notes that round {@code roundId} opened; the gauge only moves forward, so a late call cannot rewind it. */
    public void roundOpened(final long roundId) {
        roundOpen.accumulateAndGet(roundId, Math::max);
    }

    /**
     * Records the close of round {@code roundId}: its outcome ({@code QuorumOutcome} ordinal), how long it was open,
     * how many inputs it closed with and how many it expected ({@code expected <= 0}: participation not recorded).
     */
    public void roundClosed(final long roundId, final int outcome, final long durationNs, final int inputs,
                            final int expected) {
        quorumOutcomes[outcome].increment();
        roundDuration.record(durationNs, TimeUnit.NANOSECONDS);
        roundInputs.record(inputs);
        if (expected > 0) {
            roundParticipation.record((double) inputs / expected);
        }
        roundLastClosed.accumulateAndGet(roundId, Math::max);
    }

    /** The id the {@code canopy.round.open} gauge shows. */
    public long openRound() {
        return roundOpen.get();
    }

    /** The id the {@code canopy.round.last.closed} gauge shows. */
    public long lastClosedRound() {
        return roundLastClosed.get();
    }
}
