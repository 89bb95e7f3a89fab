package io.canopy.ops.plan;

/**
 * One limit the plan is held against: {@code used} of {@code available}, in {@code unit}s. A ratio above 1 breaks.
 *
 * @param resource  "memory", "network", "cpu", "deadline" or "array"
 * @param where     which node or tier, e.g. "cluster node"
 * @param used      demand per round
 * @param available what the node or target allows
 * @param unit      "bytes", "s", "core-s" or "floats"
 */
public record Check(String resource, String where, double used, double available, String unit) {

    public double ratio() {
        return used / available;
    }

    public boolean breaks() {
        return !(used <= available);
    }
}
