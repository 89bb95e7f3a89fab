package io.canopy.leaf.train;

import io.canopy.leaf.data.LabelledImages;

/**
 * Which model a run trains: {@code softmax}, or {@code mlp} with its hidden width ({@code mlp} =
 * {@code mlp:64}). Builds trainers, one per thread.
 *
 * @param kind   the architecture
 * @param hidden the MLP's hidden width; 0 for softmax
 */
public record ModelSpec(Kind kind, int hidden) {
    /** The architectures. */
    public enum Kind { SOFTMAX, MLP }

    public ModelSpec {
        if (kind == Kind.MLP && hidden < 1) {
            throw new IllegalArgumentException("hidden=" + hidden + " must be at least 1 for an MLP");
        }
        if (kind == Kind.SOFTMAX && hidden != 0) {
            throw new IllegalArgumentException("hidden=" + hidden + " must be 0 for softmax regression");
        }
    }

    public static ModelSpec softmax() {
        return new ModelSpec(Kind.SOFTMAX, 0);
    }

    public static ModelSpec mlp(int hidden) {
        return new ModelSpec(Kind.MLP, hidden);
    }

    /** Parses {@code softmax}, {@code mlp} or {@code mlp:<hidden>}. */
    public static ModelSpec parse(String name) {
        if (name.equals("softmax")) {
            return softmax();
        }
        if (name.equals("mlp")) {
            return mlp(Mlp.HIDDEN_DEFAULT);
        }
        if (name.startsWith("mlp:")) {
            try {
                return mlp(Integer.parseInt(name.substring(4)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("model '" + name + "': the hidden width after 'mlp:' must be an integer");
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; choose softmax, mlp or mlp:<hidden>");
    }

    /** The command-line name, which {@link #parse} reads back. */
    public String cliName() {
        return kind == Kind.SOFTMAX ? "softmax" : "mlp:" + hidden;
    }

    /** d, the parameter count. */
    public int dimension() {
        return kind == Kind.SOFTMAX ? SoftmaxRegression.DIMENSION : Mlp.dimension(hidden);
    }

    /** A trainer reading its examples from {@code train}; one per thread. */
    public DenseModel newTrainer(LabelledImages train, TrainingConfig config) {
        return kind == Kind.SOFTMAX ? new SoftmaxRegression(train, config) : new Mlp(train, config, hidden);
    }

    /** Initial global parameters derived from the seed (zeros for softmax, He-normal for the MLP). */
    public float[] initialParameters(long seed) {
        float[] w = new float[dimension()];
        newTrainer(null, TrainingConfig.defaults(seed)).initialise(seed, w);
        return w;
    }
}
