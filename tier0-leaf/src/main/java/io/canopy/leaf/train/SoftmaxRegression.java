package io.canopy.leaf.train;

import java.util.Arrays;

import io.canopy.leaf.data.LabelledImages;

/**
 * Multinomial logistic regression on the 784 pixels: z = W·x + b, p = softmax(z).
 *
 * <p>Parameter layout, d = 7850: W row by row, class k's 784 weights at [k·784, (k+1)·784) (so
 * W[k][i] at k·784 + i; the transpose of the NumPy peer's (784, 10) W1), then b[k] at 7840 + k.
 *
 * <p>Gradient of the batch loss: ∂L/∂W[k] = Σ_e G_ek·x_e, ∂L/∂b_k = Σ_e G_ek, with G from
 * {@link DenseModel}. Not thread-safe: one instance per thread.
 */
public final class SoftmaxRegression extends DenseModel {
    /** d = 10·784 + 10. */
    public static final int DIMENSION = OUT * IN + OUT;
    /** Offset of b in the parameter vector. */
    public static final int BIAS = OUT * IN;

    public SoftmaxRegression(LabelledImages train, TrainingConfig config) {
        super(train, config, DIMENSION);
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    /** All zeros, as the peer starts (the loss is convex: no symmetry to break). */
    @Override
    public void initialise(long seed, float[] w) {
        Arrays.fill(w, 0, DIMENSION, 0f);
    }

    @Override
    void forward(float[] w, float[] x, int xo, int n) {
        DenseKernels.affine(w, 0, w, BIAS, OUT, IN, x, xo, n, logits, 0, OUT, lanes);
    }

    @Override
    void backward(float[] w, float[] x, int xo, int n, float scale, float[] target) {
        DenseKernels.rankUpdate(target, 0, OUT, IN, logits, 0, OUT, x, xo, n, scale);
        DenseKernels.columnSums(target, BIAS, OUT, logits, 0, OUT, n, scale);
    }
}
