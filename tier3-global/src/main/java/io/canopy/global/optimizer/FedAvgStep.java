package io.canopy.global.optimizer;

/**
 * FedAvg's server step with a server learning rate: x ← x + η·Δ (McMahan et al. 2017, "Communication-
 * Efficient Learning of Deep Networks from Decentralized Data"; the η form is FedOpt's "FedAvg with
 * server learning rate", Reddi et al. 2021). η = 1 is plain FedAvg.
 */
public record FedAvgStep(float serverLearningRate) implements ServerOptimizer {

    public FedAvgStep {
        if (!(serverLearningRate > 0f) || Float.isInfinite(serverLearningRate)) {
            throw new IllegalArgumentException("serverLearningRate must be positive and finite, was " + serverLearningRate);
        }
    }

    @Override
    public void apply(float[] model, float[] update) {
        Shapes.require(model, update);
        for (int j = 0; j < model.length; j++) {
            model[j] += serverLearningRate * update[j];
        }
    }

    @Override
    public String name() {
        return "fedavg";
    }
}
