package io.canopy.leaf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.leaf.data.BackdoorTrigger;
import io.canopy.leaf.data.LabelledImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EvaluationTest {
    private static final int IN = LabelledImages.PIXELS;

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "mlp:12"})
    void accuracyAndLossEqualTheScalarReferenceIncludingAPartialLastBlock(String name) {
        ModelSpec spec = ModelSpec.parse(name);
        int n = 2 * Evaluation.BLOCK + 13;
        LabelledImages test = ReferenceModels.randomImages(n, 8);
        float[] w = ReferenceModels.randomParameters(spec.dimension(), 0.05, 9);
        int correct = 0;
        for (int e = 0; e < n; e++) {
            double[] z = ReferenceModels.logits(w, spec.hidden(), test.pixels(), e * IN);
            int best = 0;
            for (int k = 1; k < 10; k++) {
                best = z[k] > z[best] ? k : best;
            }
            correct += best == test.label(e) ? 1 : 0;
        }
        Evaluation.Result result = new Evaluation(spec, test).evaluate(w);
        assertEquals(correct / (double) n, result.accuracy());
        assertEquals(ReferenceModels.loss(w, spec.hidden(), test.pixels(), ReferenceModels.labels(test), n),
            result.loss(), 1e-5);
        assertTrue(correct > 0 && correct < n, "a non-trivial case: " + correct + " of " + n);
    }

    /** A softmax model that predicts {@code target} exactly when the trigger patch is lit, else class 9. */
    private static float[] backdooredSoftmax(int target) {
        float[] w = new float[SoftmaxRegression.DIMENSION];
        for (int r = BackdoorTrigger.ROW; r < BackdoorTrigger.ROW + BackdoorTrigger.SIZE; r++) {
            for (int c = BackdoorTrigger.COL; c < BackdoorTrigger.COL + BackdoorTrigger.SIZE; c++) {
                w[target * IN + r * 28 + c] = 1f;
            }
        }
        w[SoftmaxRegression.BIAS + 9] = 8f;
        return w;
    }

    @Test
    void attackSuccessRateCountsTriggeredNonTargetImagesClassifiedAsTheTarget() {
        int n = 300;
        LabelledImages test = ReferenceModels.randomImages(n, 10);
        for (int e = 0; e < n; e++) {
            for (int r = 24; r < 28; r++) {
                for (int c = 24; c < 28; c++) {
                    test.pixels()[e * IN + r * 28 + c] = 0f;
                }
            }
        }
        Evaluation evaluation = new Evaluation(ModelSpec.softmax(), test);
        float[] w = backdooredSoftmax(3);
        assertEquals(1.0, evaluation.attackSuccessRate(w, 3), "16 lit pixels beat the bias of 8");
        assertEquals(0.0, evaluation.attackSuccessRate(w, 4), "class 4 is never predicted");
        int nines = 0;
        for (int e = 0; e < n; e++) {
            nines += test.label(e) == 9 ? 1 : 0;
        }
        assertEquals(nines / (double) n, evaluation.evaluate(w).accuracy(), "clean images all go to class 9");
        w[SoftmaxRegression.BIAS + 9] = 16.5f;
        assertEquals(0.0, evaluation.attackSuccessRate(w, 3), "a trigger worth 16 loses to a bias of 16.5");
    }
}
