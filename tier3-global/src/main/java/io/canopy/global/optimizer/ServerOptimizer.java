package io.canopy.global.optimizer;

/**
 * The global tier's step: turns the round's released update Δ (the noisy, robust average of client
 * updates, a pseudo-gradient pointing the way clients moved) into a new model, in place.
 * Implementations keep their state in primitive arrays sized once.
 */
public sealed interface ServerOptimizer permits FedAvgStep, FedAvgMomentum, FedAdam {

    /** Applies one round's update to {@code model} (both of length d). */
    void apply(float[] model, float[] update);

    /** The name the ledger and the CLI use. */
    String name();
}
