package io.canopy.leaf.train;

import io.canopy.leaf.data.Shard;

/**
 * A leaf's local training: from the global parameters, E epochs of minibatch SGD on the leaf's shard,
 * and the update Δ = w_local − w_global clipped to L2 norm C (x ← x·min(1, C/‖x‖), DP-SGD's clipping,
 * Abadi et al. 2016, with the scale factor of {@link io.canopy.kernel.VectorKernels#clipToNorm} and a
 * reproducibly summed norm), ready for
 * {@link io.canopy.leaf.LeafClient#send}. FedAvg's client step (McMahan et al. 2017).
 *
 * <p>Deterministic: the result is a function of (global, shard, config, round, leaf id). Implementations
 * keep their workspaces and are not thread-safe: one trainer per thread, each serving any number of
 * leaves without allocating.
 */
public interface LocalTrainer {

    /** d, the length of the parameter vector and of the update. */
    int dimension();

    /** The settings it trains with. */
    TrainingConfig config();

    /**
     * Trains on {@code shard} from {@code global} and writes the clipped update into
     * out[offset .. offset + d). {@code global} is only read.
     *
     * @param round  the round, for the shuffling stream
     * @param leafId the leaf, for the shuffling stream
     * @return ‖Δ‖ before clipping
     */
    float train(float[] global, Shard shard, long round, long leafId, float[] out, int offset);
}
