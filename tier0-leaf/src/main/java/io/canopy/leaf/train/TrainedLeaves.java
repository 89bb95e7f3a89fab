package io.canopy.leaf.train;

import io.canopy.leaf.data.ClassIndex;
import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.Poisoning;
import io.canopy.leaf.data.Shard;
import io.canopy.leaf.data.ShardSampler;

/**
 * The round loop's view of training leaves, the real-data counterpart of
 * {@link io.canopy.leaf.synthetic.SyntheticSwarm#update}: for (round, leaf), derive the leaf's shard,
 * poison it if the leaf is Byzantine, train from the global parameters and write the clipped update.
 * Nothing per leaf is stored.
 *
 * <p>One instance per thread (it owns a trainer's and a shard's workspaces); the sampler and the
 * training images are shared. Steady-state updates allocate nothing.
 */
public final class TrainedLeaves {
    private final ShardSampler sampler;
    private final DenseModel trainer;
    private final Poisoning poisoning;
    private final Shard shard;

    /**
     * @param train     the training images (shared by all threads)
     * @param sampler   the run's shard sampler (shared by all threads)
     * @param spec      the model
     * @param config    local SGD settings, including the seed and C
     * @param poisoning what Byzantine leaves do to their data ({@link Poisoning#NONE} for nothing)
     */
    public TrainedLeaves(LabelledImages train, ShardSampler sampler, ModelSpec spec, TrainingConfig config,
                         Poisoning poisoning) {
        this.sampler = sampler;
        this.trainer = spec.newTrainer(train, config);
        this.poisoning = poisoning;
        this.shard = new Shard(sampler.shardSize());
    }

    /** A sampler with the default shard size and α for a swarm of {@code leafCount} leaves. */
    public static ShardSampler defaultSampler(LabelledImages train, long seed, long leafCount) {
        return new ShardSampler(new ClassIndex(train.labels(), LabelledImages.CLASSES), seed, leafCount,
            ShardSampler.SHARD_SIZE_DEFAULT, ShardSampler.ALPHA_DEFAULT);
    }

    /** d. */
    public int dimension() {
        return trainer.dimension();
    }

    /**
     * Writes leaf ℓ's clipped update for this round into out[offset .. offset + d).
     *
     * @param byzantine whether the leaf poisons its data (e.g. {@code SyntheticSwarm.isByzantine(leafId)})
     * @return the update's norm before clipping
     */
    public float update(long round, long leafId, boolean byzantine, float[] global, float[] out, int offset) {
        sampler.sample(leafId, shard);
        if (byzantine) {
            poisoning.apply(shard, trainer.config().seed(), leafId);
        }
        return trainer.train(global, shard, round, leafId, out, offset);
    }
}
