package io.canopy.leaf.train;

import io.canopy.leaf.data.BackdoorTrigger;
import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.Shard;
import io.canopy.leaf.data.SplitMix64;

/**
 * What both models share: a flat float[] parameter vector, softmax cross-entropy over 10 classes, and
 * the local SGD loop. Subclasses give the forward pass (logits) and the backward pass.
 *
 * <p>Loss of a batch of n examples with logits z_e and labels y_e: L = (1/n) Σ_e [log Σ_k exp z_ek −
 * z_ey], computed with the max subtracted. Its gradient with respect to the logits is
 * G_e = (softmax(z_e) − onehot(y_e)) / n, which {@link #backward} propagates.
 *
 * <p>Workspaces grow to the largest batch seen and are then reused, so steady-state training allocates
 * nothing. Not thread-safe: one instance per thread.
 */
public abstract sealed class DenseModel implements LocalTrainer permits SoftmaxRegression, Mlp {
    static final int IN = LabelledImages.PIXELS;
    static final int OUT = LabelledImages.CLASSES;
    private static final long STREAM_SHUFFLE = 0x5348_5546_464CL;
    static final long STREAM_INIT = 0x494E_4954L;

    private final LabelledImages train;
    private final TrainingConfig config;
    private final float[] local;
    private final SplitMix64 random = new SplitMix64();
    private int[] order = new int[0];
    private float[] batch = new float[0];
    private int[] batchLabels = new int[0];
    /** Scratch for {@link DenseKernels#affine}. */
    final float[] lanes = new float[DenseKernels.LANES_SCRATCH];
    /** n×10 logits of the last forward pass, then the logit gradient G. */
    float[] logits = new float[0];

    DenseModel(LabelledImages train, TrainingConfig config, int dimension) {
        this.train = train;
        this.config = config;
        this.local = new float[dimension];
    }

    @Override
    public final TrainingConfig config() {
        return config;
    }

    /** Writes initial global parameters into w[0 .. d), derived from the seed. */
    public abstract void initialise(long seed, float[] w);

    /** Computes the logits of n examples x[xo + e·784 ..] into {@link #logits} (n×10, row-major). */
    abstract void forward(float[] w, float[] x, int xo, int n);

    /** target += scale·∂L/∂w, given G in {@link #logits} and the caches of the last forward pass. */
    abstract void backward(float[] w, float[] x, int xo, int n, float scale, float[] target);

    /** Grows the per-example caches to n rows. */
    void ensureRows(int n) {
        if (logits.length < n * OUT) {
            logits = new float[n * OUT];
        }
    }

    /**
     * The logits of n examples, a view of this model's workspace valid until its next call: row e at
     * [e·10, e·10 + 10).
     */
    public final float[] logits(float[] w, float[] x, int xo, int n) {
        ensureRows(n);
        forward(w, x, xo, n);
        return logits;
    }

    /**
     * The mean cross-entropy L(w) of n examples and, added into {@code target}, scale·∇L(w): with
     * target a zeroed vector and scale 1 the gradient, with target = w and scale = −η one SGD step
     * (safe: every read of w precedes the writes).
     *
     * @return L(w) before any change to target
     */
    public final float lossAndGradient(float[] w, float[] x, int xo, int[] labels, int n, float scale,
                                       float[] target) {
        ensureRows(n);
        forward(w, x, xo, n);
        double loss = 0.0;
        float invN = 1f / n;
        for (int e = 0; e < n; e++) {
            int row = e * OUT;
            float max = logits[row];
            for (int k = 1; k < OUT; k++) {
                max = Math.max(max, logits[row + k]);
            }
            int y = labels[e];
            float shiftedTarget = logits[row + y] - max;
            double sum = 0.0;
            for (int k = 0; k < OUT; k++) {
                float p = (float) Math.exp(logits[row + k] - max);
                logits[row + k] = p;
                sum += p;
            }
            loss += Math.log(sum) - shiftedTarget;
            float norm = (float) (invN / sum);
            for (int k = 0; k < OUT; k++) {
                logits[row + k] *= norm;
            }
            logits[row + y] -= invN;
        }
        backward(w, x, xo, n, scale, target);
        return (float) (loss / n);
    }

    @Override
    public final float train(float[] global, Shard shard, long round, long leafId, float[] out, int offset) {
        int d = dimension();
        System.arraycopy(global, 0, local, 0, d);
        int s = shard.size();
        int b = Math.min(config.batchSize(), s);
        ensureBatch(s, b);
        for (int i = 0; i < s; i++) {
            order[i] = i;
        }
        random.reseed(config.seed(), STREAM_SHUFFLE, round, leafId);
        float step = -config.learningRate();
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            // Fisher-Yates, continuing one stream across epochs so each epoch sees a fresh order.
            for (int i = s - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < s; start += b) {
                int n = Math.min(b, s - start);
                fillBatch(shard, start, n);
                lossAndGradient(local, batch, 0, batchLabels, n, step, local);
            }
        }
        for (int i = 0; i < d; i++) {
            out[offset + i] = local[i] - global[i];
        }
        // Not VectorKernels.clipToNorm: its norm's summation order is not reproducible (DenseKernels).
        return DenseKernels.clipToNorm(out, offset, d, config.clipNorm());
    }

    private void fillBatch(Shard shard, int start, int n) {
        float[] pixels = train.pixels();
        for (int q = 0; q < n; q++) {
            int example = order[start + q];
            System.arraycopy(pixels, shard.index(example) * IN, batch, q * IN, IN);
            if (shard.triggered(example)) {
                BackdoorTrigger.stamp(batch, q * IN);
            }
            batchLabels[q] = shard.label(example);
        }
    }

    private void ensureBatch(int shardSize, int batchSize) {
        if (order.length < shardSize) {
            order = new int[shardSize];
        }
        if (batchLabels.length < batchSize) {
            batch = new float[batchSize * IN];
            batchLabels = new int[batchSize];
        }
    }
}
