package io.canopy.ingest;

/**
 * Work a tier does on each input as it is accepted, on the ingest thread, while its group is still collecting: a
 * gated release's pass-1 sum, say. What is done here is not left for after the group's deadline, when the round
 * waits on it. One instance per {@link IngestBlock}, reused round after round; it must not allocate per row.
 */
@FunctionalInterface
public interface ArrivalWork {

    /** The accepted input at {@code offset} of {@code rows} ({@code dimension} floats, final from now on). */
    void accepted(float[] rows, int offset, int dimension);
}
