package io.canopy.global.optimizer;

/**
 * FedAdam (Reddi et al., "Adaptive Federated Optimization", ICLR 2021, Algorithm 2):
 * m ← β₁m + (1−β₁)Δ; v ← β₂v + (1−β₂)Δ²; x ← x + η·m/(√v + τ). As in the paper, without bias
 * correction; τ (their adaptivity parameter, 1e−3 by default there) keeps the step bounded where v is
 * small. State is two float arrays of length d, kept in double-free form for memory at d = 1e6.
 */
public final class FedAdam implements ServerOptimizer {
    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float tau;
    private final float[] m;
    private final float[] v;

    public FedAdam(int dimension, float learningRate, float beta1, float beta2, float tau) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, was " + learningRate);
        }
        if (!(beta1 >= 0f && beta1 < 1f)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), was " + beta1);
        }
        if (!(beta2 >= 0f && beta2 < 1f)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), was " + beta2);
        }
        if (!(tau > 0f) || Float.isInfinite(tau)) {
            throw new IllegalArgumentException("tau must be positive and finite, was " + tau);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.tau = tau;
        this.m = new float[dimension];
        this.v = new float[dimension];
    }

    /** The paper's defaults: β₁ = 0.9, β₂ = 0.99, τ = 1e−3. */
    public static FedAdam withDefaults(int dimension, float learningRate) {
        return new FedAdam(dimension, learningRate, 0.9f, 0.99f, 1e-3f);
    }

    @Override
    public void apply(float[] model, float[] update) {
        Shapes.require(model, update);
        if (model.length != m.length) {
            throw new IllegalArgumentException("FedAdam was sized for d = " + m.length + ", the model has " + model.length);
        }
        for (int j = 0; j < model.length; j++) {
            float g = update[j];
            m[j] = beta1 * m[j] + (1f - beta1) * g;
            v[j] = beta2 * v[j] + (1f - beta2) * g * g;
            model[j] += learningRate * m[j] / ((float) Math.sqrt(v[j]) + tau);
        }
    }

    @Override
    public String name() {
        return "fedadam";
    }
}
