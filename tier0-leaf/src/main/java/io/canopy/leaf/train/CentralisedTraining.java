package io.canopy.leaf.train;

import java.util.ArrayList;
import java.util.List;

import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.SplitMix64;

/**
 * The upper bound every federated figure is compared with: the same model trained centrally by plain
 * minibatch SGD on all 60,000 training images (no clipping, no noise, no leaves), with the same kernels
 * the leaves use, scored on the test set after every epoch. The NumPy peer's {@code --central} mode.
 */
public final class CentralisedTraining {
    private static final long STREAM_ORDER = 0x4345_4E54L;

    /** The test metrics after one epoch. */
    public record Epoch(int epoch, double accuracy, double loss) {
    }

    private CentralisedTraining() {
    }

    /** Trains {@code epochs} passes over {@code train} in shuffled batches of {@code batch} at learning rate {@code lr}. */
    public static List<Epoch> run(ModelSpec spec, LabelledImages train, LabelledImages test, int epochs, int batch,
                                  float lr, long seed) {
        if (epochs < 1 || batch < 1 || !(lr > 0)) {
            throw new IllegalArgumentException("epochs=" + epochs + ", batch=" + batch + ", lr=" + lr
                + ": each must be positive");
        }
        DenseModel model = spec.newTrainer(train, new TrainingConfig(seed, 1, batch, lr, Float.POSITIVE_INFINITY));
        Evaluation evaluation = new Evaluation(spec, test);
        float[] w = spec.initialParameters(seed);
        int n = train.count();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int in = LabelledImages.PIXELS;
        float[] x = new float[batch * in];
        int[] y = new int[batch];
        SplitMix64 random = new SplitMix64().reseed(seed, STREAM_ORDER, 0, 0);
        List<Epoch> epochsDone = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start + batch <= n; start += batch) {
                for (int q = 0; q < batch; q++) {
                    System.arraycopy(train.pixels(), order[start + q] * in, x, q * in, in);
                    y[q] = train.label(order[start + q]);
                }
                model.lossAndGradient(w, x, 0, y, batch, -lr, w);
            }
            Evaluation.Result r = evaluation.evaluate(w);
            epochsDone.add(new Epoch(epoch, r.accuracy(), r.loss()));
        }
        return epochsDone;
    }
}
