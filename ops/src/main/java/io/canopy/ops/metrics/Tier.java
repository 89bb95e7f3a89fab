package io.canopy.ops.metrics;

/**
 * The tiers that run as nodes and own meters; the value of the {@code tier} tag. Leaves are not here: they are
 * devices (or a synthetic swarm), not nodes with a scrape endpoint.
 */
public enum Tier {
    /** Cluster aggregators: validate leaf frames, Multi-Krum. */
    CLUSTER("cluster"),
    /** Continental aggregators: trimmed mean over cluster aggregates. */
    CONTINENTAL("continental"),
    /** The global coordinator: trimmed mean over continents, DP noise, server step. */
    GLOBAL("global");

    private static final Tier[] VALUES = values();

    private final String tagValue;

    Tier(final String tagValue) {
        this.tagValue = tagValue;
    }

    /** The {@code tier} tag value: lower case, stable, part of the dashboard contract. */
    public String tagValue() {
        return tagValue;
    }

    static Tier of(final int ordinal) {
        return VALUES[ordinal];
    }

    static int count() {
        return VALUES.length;
    }
}
