package io.canopy.global.optimizer;

/**
 * FedAvg with server momentum, FedAvgM (Hsu, Qi and Brown 2019, "Measuring the effects of non-identical
 * data distribution for federated visual classification"): v ← β·v + Δ, x ← x + η·v. On non-IID leaves
 * it smooths the round-to-round swing of the pseudo-gradient; in the NumPy peer β = 0.9 lifts the final
 * Fashion-MNIST accuracy by about 4 points over plain FedAvg at the same η.
 *
 * <p>The velocity is state: it starts at zero and is not journalled, so a coordinator that resumes starts
 * it again from zero (one slower round, no error).
 */
public final class FedAvgMomentum implements ServerOptimizer {
    /** β the peer and the literature use. */
    public static final float MOMENTUM_DEFAULT = 0.9f;

    private final float learningRate;
    private final float momentum;
    private final float[] velocity;

    public FedAvgMomentum(int dimension, float learningRate, float momentum) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension=" + dimension + " must be at least 1");
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("serverLearningRate must be positive and finite, was " + learningRate);
        }
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("server momentum must be in [0, 1), was " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.velocity = new float[dimension];
    }

    @Override
    public void apply(float[] model, float[] update) {
        Shapes.require(model, update);
        if (velocity.length != model.length) {
            throw new IllegalArgumentException("FedAvgM was sized for d = " + velocity.length + ", the model has "
                + model.length);
        }
        for (int j = 0; j < model.length; j++) {
            velocity[j] = momentum * velocity[j] + update[j];
            model[j] += learningRate * velocity[j];
        }
    }

    @Override
    public String name() {
        return "fedavgm";
    }
}
