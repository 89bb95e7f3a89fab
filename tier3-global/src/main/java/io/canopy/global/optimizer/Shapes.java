package io.canopy.global.optimizer;

final class Shapes {
    private Shapes() {
    }

    static void require(float[] model, float[] update) {
        if (model.length != update.length) {
            throw new IllegalArgumentException("the update has " + update.length + " values, the model " + model.length);
        }
    }
}
