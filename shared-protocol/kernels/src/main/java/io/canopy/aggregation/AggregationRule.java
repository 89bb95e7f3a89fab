package io.canopy.aggregation;

/**
 * A rule that reduces an n×d block of updates to one d-vector.
 *
 * <p>Implementations are pure: they read the block, never modify it, and return a fresh result.
 * They reject non-finite input and invalid parameters with {@link IllegalArgumentException}.
 */
public interface AggregationRule {

    /** Short name as used on the command line (e.g. {@code multikrum}). */
    String name();

    AggregationResult aggregate(UpdateBlock block);
}
