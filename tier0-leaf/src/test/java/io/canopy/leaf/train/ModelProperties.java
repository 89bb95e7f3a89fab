package io.canopy.leaf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.canopy.leaf.data.LabelledImages;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Both models' forward pass, loss and gradient against the double-precision scalar reference, and the
 * gradient against finite differences of the reference loss. Run once per architecture (hidden = 0 is
 * softmax regression) with odd and even batch sizes, so the vector kernels' 4×2 blocks and their
 * remainders are all exercised.
 */
class ModelProperties {
    private static final int IN = LabelledImages.PIXELS;

    private static DenseModel model(int hidden) {
        ModelSpec spec = hidden == 0 ? ModelSpec.softmax() : ModelSpec.mlp(hidden);
        return spec.newTrainer(null, TrainingConfig.defaults(1));
    }

    @Property(tries = 60)
    void logitsEqualTheScalarReference(@ForAll @IntRange(min = 0, max = 9) int hidden,
                                       @ForAll @IntRange(min = 1, max = 5) int n, @ForAll long seed) {
        DenseModel model = model(hidden);
        float[] w = ReferenceModels.randomParameters(model.dimension(), 0.05, seed);
        LabelledImages batch = ReferenceModels.randomImages(n, seed + 1);
        float[] z = model.logits(w, batch.pixels(), 0, n);
        for (int e = 0; e < n; e++) {
            double[] ref = ReferenceModels.logits(w, hidden, batch.pixels(), e * IN);
            for (int k = 0; k < 10; k++) {
                assertEquals(ref[k], z[e * 10 + k], 1e-4 * (1 + Math.abs(ref[k])), "example " + e + " class " + k);
            }
        }
    }

    @Property(tries = 40)
    void anExamplesLogitsAreTheSameBitsWhereverItSitsInABatch(@ForAll @IntRange(min = 0, max = 9) int hidden,
                                                             @ForAll @IntRange(min = 2, max = 9) int n,
                                                             @ForAll long seed) {
        DenseModel model = model(hidden);
        float[] w = ReferenceModels.randomParameters(model.dimension(), 0.05, seed);
        LabelledImages batch = ReferenceModels.randomImages(n, seed + 1);
        float[] together = model.logits(w, batch.pixels(), 0, n).clone();
        for (int e = 0; e < n; e++) {
            float[] alone = model.logits(w, batch.pixels(), e * IN, 1);
            for (int k = 0; k < 10; k++) {
                assertEquals(Float.floatToIntBits(together[e * 10 + k]), Float.floatToIntBits(alone[k]),
                    "example " + e + " of " + n + ", class " + k);
            }
        }
    }

    @Property(tries = 60)
    void lossAndGradientEqualTheScalarReference(@ForAll @IntRange(min = 0, max = 9) int hidden,
                                                @ForAll @IntRange(min = 1, max = 5) int n, @ForAll long seed) {
        DenseModel model = model(hidden);
        float[] w = ReferenceModels.randomParameters(model.dimension(), 0.05, seed);
        LabelledImages batch = ReferenceModels.randomImages(n, seed + 1);
        int[] y = ReferenceModels.labels(batch);
        float[] g = new float[model.dimension()];
        float loss = model.lossAndGradient(w, batch.pixels(), 0, y, n, 1f, g);
        assertEquals(ReferenceModels.loss(w, hidden, batch.pixels(), y, n), loss, 1e-5 * (1 + loss), "loss");
        double[] ref = ReferenceModels.gradient(w, hidden, batch.pixels(), y, n);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], g[i], 1e-5 + 1e-4 * Math.abs(ref[i]), "gradient coordinate " + i);
        }
    }

    @Property(tries = 30)
    void gradientMatchesFiniteDifferencesOfTheReferenceLoss(@ForAll @IntRange(min = 0, max = 6) int hidden,
                                                            @ForAll @IntRange(min = 1, max = 4) int n,
                                                            @ForAll long seed) {
        DenseModel model = model(hidden);
        int d = model.dimension();
        float[] w = ReferenceModels.randomParameters(d, 0.1, seed);
        LabelledImages batch = ReferenceModels.randomImages(n, seed + 1);
        int[] y = ReferenceModels.labels(batch);
        float[] g = new float[d];
        model.lossAndGradient(w, batch.pixels(), 0, y, n, 1f, g);
        java.util.SplittableRandom pick = new java.util.SplittableRandom(seed + 2);
        for (int probe = 0; probe < 40; probe++) {
            // Half the probes on the small tail (biases, second layer), where a slip would hide among 7840 weights.
            int i = probe % 2 == 0 ? pick.nextInt(d) : d - 1 - pick.nextInt(Math.min(d, 11 * Math.max(hidden, 1) + 10));
            float saved = w[i];
            // A step of 2^-12 is exact in float for |w| < 2 and makes the O(h²) error ~1e-8.
            float h = 0x1.0p-12f;
            if (nearKink(w, hidden, batch, n, i, h)) {
                continue;
            }
            w[i] = saved + h;
            double up = ReferenceModels.loss(w, hidden, batch.pixels(), y, n);
            w[i] = saved - h;
            double down = ReferenceModels.loss(w, hidden, batch.pixels(), y, n);
            w[i] = saved;
            double numeric = (up - down) / (2.0 * h);
            assertEquals(numeric, g[i], 1e-4 + 1e-3 * Math.abs(numeric), "coordinate " + i + " of " + d);
        }
    }

    /**
     * Whether moving w[i] by ±h could carry a ReLU pre-activation across 0, where the loss has a kink
     * and a central difference means nothing (W1[j][i] moves a_j by h·x_i ≤ h, b1[j] by h).
     */
    private static boolean nearKink(float[] w, int hidden, LabelledImages batch, int n, int i, float h) {
        if (hidden == 0 || i >= (IN + 1) * hidden) {
            return false;
        }
        int unit = i < IN * hidden ? i / IN : i - IN * hidden;
        for (int e = 0; e < n; e++) {
            if (Math.abs(ReferenceModels.preActivations(w, hidden, batch.pixels(), e * IN)[unit]) < 2 * h) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 30)
    void anSgdStepWithTargetEqualToTheParametersEqualsOneStepFromACopy(
        @ForAll @IntRange(min = 0, max = 6) int hidden, @ForAll @IntRange(min = 1, max = 5) int n,
        @ForAll long seed) {
        DenseModel model = model(hidden);
        float[] w = ReferenceModels.randomParameters(model.dimension(), 0.05, seed);
        LabelledImages batch = ReferenceModels.randomImages(n, seed + 1);
        int[] y = ReferenceModels.labels(batch);
        float[] expected = w.clone();
        float[] gradient = new float[w.length];
        model.lossAndGradient(w, batch.pixels(), 0, y, n, 1f, gradient);
        for (int i = 0; i < w.length; i++) {
            expected[i] -= 0.1f * gradient[i];
        }
        model.lossAndGradient(w, batch.pixels(), 0, y, n, -0.1f, w);
        for (int i = 0; i < w.length; i++) {
            assertEquals(expected[i], w[i], 1e-6 + 1e-5 * Math.abs(expected[i]), "coordinate " + i);
        }
    }
}
