package io.canopy.leaf.data;

/**
 * One leaf's local data, as indices into the training set with the labels the leaf trains on (its
 * true labels unless {@link DataPoison} changed them) and whether the backdoor trigger is stamped on
 * each. A reusable workspace: {@link ShardSampler#sample} refills it for the next leaf without
 * allocating. Not thread-safe; one per thread.
 */
public final class Shard {
    final int[] indices;
    final int[] labels;
    final boolean[] triggered;
    final int[] classCounts = new int[LabelledImages.CLASSES];
    final double[] proportions = new double[LabelledImages.CLASSES];
    final SplitMix64 random = new SplitMix64();
    int size;

    /** A shard that can hold up to {@code capacity} examples. */
    public Shard(int capacity) {
        this.indices = new int[capacity];
        this.labels = new int[capacity];
        this.triggered = new boolean[capacity];
    }

    /**
     * A shard holding the given training-set indices with their labels from {@code images}: for
     * centralised runs and tests.
     */
    public static Shard of(LabelledImages images, int[] trainIndices) {
        Shard shard = new Shard(trainIndices.length);
        for (int i = 0; i < trainIndices.length; i++) {
            shard.indices[i] = trainIndices[i];
            shard.labels[i] = images.label(trainIndices[i]);
            shard.classCounts[shard.labels[i]]++;
        }
        shard.size = trainIndices.length;
        return shard;
    }

    public int capacity() {
        return indices.length;
    }

    /** Number of examples. */
    public int size() {
        return size;
    }

    /** Example i's index into the training set. */
    public int index(int i) {
        return indices[i];
    }

    /** The label example i is trained on. */
    public int label(int i) {
        return labels[i];
    }

    /** Whether example i carries the backdoor trigger. */
    public boolean triggered(int i) {
        return triggered[i];
    }

    /** How many examples of class c the sampler drew (before any poisoning). */
    public int classCount(int c) {
        return classCounts[c];
    }

    /** The leaf's Dirichlet class proportion p_c the counts were drawn from. */
    public double proportion(int c) {
        return proportions[c];
    }

    void setLabel(int i, int label) {
        labels[i] = label;
    }
}
