package io.canopy.train;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The published model versions as the leaves of one JVM read them: the run puts each version the
 * coordinator publishes, a leaf takes the version its round plan names. Keeps the last few versions
 * only (the tree never asks for an older one).
 */
public final class ModelVersions {
    private static final int KEEP = 3;
    private final ConcurrentHashMap<Long, float[]> versions = new ConcurrentHashMap<>();

    /** Publishes {@code model} (not copied: the caller hands it over) as {@code version}. */
    public void publish(long version, float[] model) {
        versions.put(version, model);
        versions.keySet().removeIf(v -> v <= version - KEEP);
    }

    /** The parameters of {@code version}; read only. */
    public float[] get(long version) {
        float[] model = versions.get(version);
        if (model == null) {
            throw new IllegalStateException("model version " + version + " has not reached the leaves (they hold "
                + versions.keySet() + ")");
        }
        return model;
    }
}
