package io.canopy.round;

/** The Aeron stream ids of the data plane, one per hop up the tree. */
public final class Streams {
    /** Leaf gradients to clusters. */
    public static final int LEAF_TO_CLUSTER = 1101;
    /** Cluster aggregates to continents. */
    public static final int CLUSTER_TO_CONTINENT = 1102;
    /** Continental aggregates to the global tier. */
    public static final int CONTINENT_TO_GLOBAL = 1103;

    private Streams() {
    }
}
