package io.canopy.leaf.train;

import java.util.Arrays;

import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.SplitMix64;

/**
 * A one-hidden-layer perceptron, 784-h-10 with ReLU: a = W1·x + b1, h = max(a, 0), z = W2·h + b2,
 * p = softmax(z). h = {@value #HIDDEN_DEFAULT} by default, as in the NumPy peer.
 *
 * <p>Parameter layout, d = 795·h + 10 (50,890 for h = 64), every matrix row by row (one output unit's
 * weights contiguous; the transposes of the peer's W1 (784, h) and W2 (h, 10)):
 * <pre>
 *   W1[j][i] at j·784 + i            j &lt; h, i &lt; 784
 *   b1[j]    at 784·h + j
 *   W2[k][j] at 785·h + k·h + j      k &lt; 10
 *   b2[k]    at 795·h + k
 * </pre>
 *
 * <p>Backward pass, with G = ∂L/∂z from {@link DenseModel}: ∂L/∂W2[k] = Σ_e G_ek·h_e, ∂L/∂b2 = Σ_e G_e;
 * δ_e = (W2ᵀ G_e) ⊙ 1[a_e > 0]; ∂L/∂W1[j] = Σ_e δ_ej·x_e, ∂L/∂b1 = Σ_e δ_e. Not thread-safe.
 */
public final class Mlp extends DenseModel {
    public static final int HIDDEN_DEFAULT = 64;

    private final int hidden;
    private final int b1;
    private final int w2;
    private final int b2;
    /** n×h pre-activations a. */
    private float[] pre = new float[0];
    /** n×h back-propagated δ = ∂L/∂a. */
    private float[] delta = new float[0];
    /** n×h activations h. */
    private float[] act = new float[0];

    public Mlp(LabelledImages train, TrainingConfig config, int hidden) {
        super(train, config, dimension(hidden));
        this.hidden = hidden;
        this.b1 = IN * hidden;
        this.w2 = b1 + hidden;
        this.b2 = w2 + OUT * hidden;
    }

    /** d = 784·h + h + 10·h + 10. */
    public static int dimension(int hidden) {
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden=" + hidden + " must be at least 1");
        }
        return IN * hidden + hidden + OUT * hidden + OUT;
    }

    public int hidden() {
        return hidden;
    }

    @Override
    public int dimension() {
        return b2 + OUT;
    }

    /** He initialisation as in the peer: W1 ~ N(0, 2/784), W2 ~ N(0, 1/h), biases 0. */
    @Override
    public void initialise(long seed, float[] w) {
        SplitMix64 random = new SplitMix64().reseed(seed, STREAM_INIT, hidden, 0);
        double s1 = Math.sqrt(2.0 / IN);
        double s2 = Math.sqrt(1.0 / hidden);
        for (int i = 0; i < b1; i++) {
            w[i] = (float) (s1 * random.nextGaussian());
        }
        for (int i = b1; i < w2; i++) {
            w[i] = 0f;
        }
        for (int i = w2; i < b2; i++) {
            w[i] = (float) (s2 * random.nextGaussian());
        }
        for (int i = b2; i < b2 + OUT; i++) {
            w[i] = 0f;
        }
    }

    @Override
    void ensureRows(int n) {
        super.ensureRows(n);
        if (pre.length < n * hidden) {
            pre = new float[n * hidden];
            act = new float[n * hidden];
            delta = new float[n * hidden];
        }
    }

    @Override
    void forward(float[] w, float[] x, int xo, int n) {
        int h = hidden;
        DenseKernels.affine(w, 0, w, b1, h, IN, x, xo, n, pre, 0, h, lanes);
        for (int i = 0; i < n * h; i++) {
            act[i] = Math.max(pre[i], 0f);
        }
        DenseKernels.affine(w, w2, w, b2, OUT, h, act, 0, n, logits, 0, OUT, lanes);
    }

    @Override
    void backward(float[] w, float[] x, int xo, int n, float scale, float[] target) {
        int h = hidden;
        // δ = (W2ᵀ G) ⊙ 1[a > 0], computed from w's W2 before target (possibly w itself) changes.
        for (int e = 0; e < n; e++) {
            int row = e * h;
            Arrays.fill(delta, row, row + h, 0f);
            for (int k = 0; k < OUT; k++) {
                float g = logits[e * OUT + k];
                int wk = w2 + k * h;
                for (int j = 0; j < h; j++) {
                    delta[row + j] = Math.fma(g, w[wk + j], delta[row + j]);
                }
            }
            for (int j = 0; j < h; j++) {
                if (!(pre[row + j] > 0f)) {
                    delta[row + j] = 0f;
                }
            }
        }
        DenseKernels.rankUpdate(target, w2, OUT, h, logits, 0, OUT, act, 0, n, scale);
        DenseKernels.columnSums(target, b2, OUT, logits, 0, OUT, n, scale);
        DenseKernels.rankUpdate(target, 0, h, IN, delta, 0, h, x, xo, n, scale);
        DenseKernels.columnSums(target, b1, h, delta, 0, h, n, scale);
    }
}
