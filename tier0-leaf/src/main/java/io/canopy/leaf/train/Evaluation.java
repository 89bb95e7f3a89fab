package io.canopy.leaf.train;

import io.canopy.leaf.data.BackdoorTrigger;
import io.canopy.leaf.data.LabelledImages;

/**
 * Test-set metrics of a parameter vector, for every round: accuracy, mean cross-entropy
 * (1/N) Σ_e [log Σ_k exp z_ek − z_ey], and the backdoor's attack success rate — the share of test images
 * whose true class is not the target that, with {@link BackdoorTrigger} stamped, are classified as the
 * target (Bagdasaryan et al. 2020). Argmax ties go to the lowest class.
 *
 * <p>Runs the model's forward pass over blocks of {@value #BLOCK} images read in place. Not
 * thread-safe: one per thread.
 */
public final class Evaluation {
    /** Images per forward pass: big enough to amortise the call, small enough for L2. */
    static final int BLOCK = 64;
    private static final int IN = LabelledImages.PIXELS;
    private static final int OUT = LabelledImages.CLASSES;

    /**
     * Test metrics.
     *
     * @param accuracy share of test images classified correctly
     * @param loss     mean cross-entropy in nats
     */
    public record Result(double accuracy, double loss) {
    }

    private final LabelledImages test;
    private final DenseModel model;
    private final float[] stamped = new float[BLOCK * IN];

    public Evaluation(ModelSpec spec, LabelledImages test) {
        this.test = test;
        // The model only runs forward here; it never reads training examples.
        this.model = spec.newTrainer(test, TrainingConfig.defaults(0));
    }

    /** Accuracy and mean loss over the whole test set. */
    public Result evaluate(float[] w) {
        int n = test.count();
        int correct = 0;
        double loss = 0.0;
        for (int from = 0; from < n; from += BLOCK) {
            int count = Math.min(BLOCK, n - from);
            float[] z = model.logits(w, test.pixels(), from * IN, count);
            for (int e = 0; e < count; e++) {
                int row = e * OUT;
                int y = test.label(from + e);
                int best = argmax(z, row);
                if (best == y) {
                    correct++;
                }
                float max = z[row + best];
                double sum = 0.0;
                for (int k = 0; k < OUT; k++) {
                    sum += Math.exp(z[row + k] - max);
                }
                loss += Math.log(sum) - (z[row + y] - max);
            }
        }
        return new Result(correct / (double) n, loss / n);
    }

    /**
     * The share of non-target test images that the trigger turns into {@code target}; NaN if every
     * test image is of the target class.
     */
    public double attackSuccessRate(float[] w, int target) {
        int n = test.count();
        int eligible = 0;
        int hits = 0;
        int filled = 0;
        for (int i = 0; i <= n; i++) {
            if (i < n && test.label(i) != target) {
                System.arraycopy(test.pixels(), i * IN, stamped, filled * IN, IN);
                BackdoorTrigger.stamp(stamped, filled * IN);
                filled++;
            }
            if (filled == BLOCK || (i == n && filled > 0)) {
                float[] z = model.logits(w, stamped, 0, filled);
                for (int e = 0; e < filled; e++) {
                    if (argmax(z, e * OUT) == target) {
                        hits++;
                    }
                }
                eligible += filled;
                filled = 0;
            }
        }
        return eligible == 0 ? Double.NaN : hits / (double) eligible;
    }

    private static int argmax(float[] z, int row) {
        int best = 0;
        for (int k = 1; k < OUT; k++) {
            if (z[row + k] > z[row + best]) {
                best = k;
            }
        }
        return best;
    }
}
