package io.canopy.leaf.train;

/**
 * Local SGD settings, the same for every leaf of a run. Defaults match the NumPy peer
 * ({@code fedavg_fmnist.py}): one epoch over a 32-example shard in batches of 8 (4 steps) at η = 0.1,
 * updates clipped to C = 1.
 *
 * @param seed         the run's seed; shuffling derives from (seed, round, leaf)
 * @param epochs       E, passes over the shard, at least 1
 * @param batchSize    B, examples per step, at least 1; a shard not divisible by B ends with a smaller step
 * @param learningRate η, positive
 * @param clipNorm     C, the L2 bound of the update; +∞ only for centralised baselines (no clipping)
 */
public record TrainingConfig(long seed, int epochs, int batchSize, float learningRate, float clipNorm) {
    public static final int EPOCHS_DEFAULT = 1;
    public static final int BATCH_SIZE_DEFAULT = 8;
    public static final float LEARNING_RATE_DEFAULT = 0.1f;
    public static final float CLIP_NORM_DEFAULT = 1.0f;

    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs=" + epochs + " must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " must be at least 1");
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate=" + learningRate + " must be positive and finite");
        }
        if (!(clipNorm > 0f)) {
            throw new IllegalArgumentException("clipNorm=" + clipNorm + " must be positive (+Infinity for no clipping)");
        }
    }

    /** The defaults under a seed. */
    public static TrainingConfig defaults(long seed) {
        return new TrainingConfig(seed, EPOCHS_DEFAULT, BATCH_SIZE_DEFAULT, LEARNING_RATE_DEFAULT, CLIP_NORM_DEFAULT);
    }

    public TrainingConfig withEpochs(int value) {
        return new TrainingConfig(seed, value, batchSize, learningRate, clipNorm);
    }

    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(seed, epochs, value, learningRate, clipNorm);
    }

    public TrainingConfig withLearningRate(float value) {
        return new TrainingConfig(seed, epochs, batchSize, value, clipNorm);
    }

    public TrainingConfig withClipNorm(float value) {
        return new TrainingConfig(seed, epochs, batchSize, learningRate, value);
    }
}
