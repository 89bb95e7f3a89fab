package io.canopy.leaf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.canopy.kernel.ScalarKernels;
import io.canopy.leaf.data.ClassIndex;
import io.canopy.leaf.data.DataPoison;
import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.Shard;
import io.canopy.leaf.data.ShardSampler;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SGD loop and the update contract, once per architecture. */
class LocalTrainerTest {
    private static final int IN = LabelledImages.PIXELS;

    private static ModelSpec spec(String name) {
        return ModelSpec.parse(name);
    }

    /**
     * Ten linearly separable classes: class c lights pixels [78c, 78c + 78) at 0.8–1.0 over a background
     * of noise below 0.2.
     */
    static LabelledImages separable(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[n * IN];
        byte[] labels = new byte[n];
        for (int e = 0; e < n; e++) {
            int c = e % 10;
            labels[e] = (byte) c;
            for (int i = 0; i < IN; i++) {
                boolean lit = i >= 78 * c && i < 78 * c + 78;
                pixels[e * IN + i] = (float) (lit ? 0.8 + 0.2 * random.nextDouble() : 0.2 * random.nextDouble());
            }
        }
        return new LabelledImages(pixels, labels);
    }

    private static int[] all(int n) {
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> i);
        return indices;
    }

    private static double meanLoss(DenseModel model, float[] w, LabelledImages data) {
        return model.lossAndGradient(w, data.pixels(), 0, ReferenceModels.labels(data), data.count(), 0f, w);
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "mlp:16"})
    void localSgdOnASeparableProblemDrivesTheLossDown(String name) {
        LabelledImages data = separable(200, 1);
        TrainingConfig config = new TrainingConfig(5, 3, 10, 0.1f, Float.POSITIVE_INFINITY);
        DenseModel model = spec(name).newTrainer(data, config);
        float[] w = spec(name).initialParameters(5);
        double before = meanLoss(model, w, data);
        float[] update = new float[w.length];
        model.train(w, Shard.of(data, all(200)), 1, 2, update, 0);
        for (int i = 0; i < w.length; i++) {
            w[i] += update[i];
        }
        double after = meanLoss(model, w, data);
        assertTrue(after < 0.25 * before, "loss went from " + before + " to " + after);
        Evaluation evaluation = new Evaluation(spec(name), data);
        assertEquals(1.0, evaluation.evaluate(w).accuracy(), "a separable training set is fitted exactly");
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "mlp:8"})
    void oneFullBatchStepGivesAnUpdateOfMinusEtaTimesTheReferenceGradient(String name) {
        LabelledImages data = ReferenceModels.randomImages(12, 3);
        ModelSpec spec = spec(name);
        TrainingConfig config = new TrainingConfig(9, 1, 12, 0.5f, Float.POSITIVE_INFINITY);
        float[] global = ReferenceModels.randomParameters(spec.dimension(), 0.05, 4);
        float[] globalCopy = global.clone();
        float[] out = new float[spec.dimension() + 3];
        spec.newTrainer(data, config).train(global, Shard.of(data, all(12)), 0, 0, out, 3);
        assertArrayEquals(globalCopy, global, "the global parameters are only read");
        double[] gradient = ReferenceModels.gradient(global, spec.hidden(), data.pixels(),
            ReferenceModels.labels(data), 12);
        for (int i = 0; i < gradient.length; i++) {
            assertEquals(-0.5 * gradient[i], out[3 + i], 1e-5 + 1e-4 * Math.abs(gradient[i]), "coordinate " + i);
        }
        assertEquals(0f, out[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "mlp:8"})
    void theUpdateIsTheLocalMinusTheGlobalParametersScaledIntoTheClipBall(String name) {
        LabelledImages data = separable(40, 2);
        ModelSpec spec = spec(name);
        float[] global = spec.initialParameters(3);
        Shard shard = Shard.of(data, all(40));
        TrainingConfig free = new TrainingConfig(3, 2, 8, 0.1f, Float.POSITIVE_INFINITY);
        float[] unclipped = new float[global.length];
        float normBefore = spec.newTrainer(data, free).train(global, shard, 4, 5, unclipped, 0);
        assertEquals(ScalarKernels.norm(unclipped, 0, unclipped.length), normBefore, 1e-5f * normBefore);
        float c = 0.25f * normBefore;
        float[] clipped = new float[global.length];
        assertEquals(normBefore, spec.newTrainer(data, free.withClipNorm(c)).train(global, shard, 4, 5, clipped, 0));
        float after = ScalarKernels.norm(clipped, 0, clipped.length);
        assertTrue(after <= c * (1 + 1e-6f), "norm " + after + " above C=" + c);
        for (int i = 0; i < clipped.length; i++) {
            assertEquals(unclipped[i] * (c / normBefore), clipped[i], 1e-6f * Math.abs(unclipped[i]) + 1e-12f, "coordinate " + i);
        }
        float[] roomy = new float[global.length];
        spec.newTrainer(data, free.withClipNorm(2 * normBefore)).train(global, shard, 4, 5, roomy, 0);
        assertArrayEquals(unclipped, roomy, "an update inside the ball is untouched");
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "mlp:8"})
    void trainingIsAFunctionOfSeedRoundAndLeafOnly(String name) {
        LabelledImages data = separable(64, 3);
        ModelSpec spec = spec(name);
        float[] global = spec.initialParameters(1);
        Shard shard = Shard.of(data, all(32));
        TrainingConfig config = TrainingConfig.defaults(11).withClipNorm(100f);
        float[] a = new float[global.length];
        float[] b = new float[global.length];
        float[] other = new float[global.length];
        DenseModel reused = spec.newTrainer(data, config);
        reused.train(global, shard, 7, 8, a, 0);
        reused.train(global, Shard.of(data, all(64)), 1, 1, other, 0);
        spec.newTrainer(data, config).train(global, shard, 7, 8, b, 0);
        assertArrayEquals(a, b, "a fresh trainer and a reused one give the same bits");
        reused.train(global, shard, 8, 8, other, 0);
        assertFalse(Arrays.equals(a, other), "another round shuffles differently");
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "mlp:16"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void steadyStateSamplingPoisoningAndTrainingAllocateNothing(String name) {
        LabelledImages data = separable(1000, 4);
        ModelSpec spec = spec(name);
        ShardSampler sampler = new ShardSampler(new ClassIndex(data.labels(), 10), 1, 1_000_000, 32, 0.5);
        DenseModel model = spec.newTrainer(data, TrainingConfig.defaults(2));
        float[] global = spec.initialParameters(2);
        float[] out = new float[global.length];
        Shard shard = new Shard(32);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long leaf = 0;
        // C2 compiles in the background; until it has, Vector API calls box. Wait for a clean window
        // (up to 30 s: on a loaded machine the compiler threads get little time).
        long allocated = -1;
        long giveUp = System.nanoTime() + 30_000_000_000L;
        while (allocated != 0 && System.nanoTime() < giveUp) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int k = 0; k < 200; k++, leaf++) {
                sampler.sample(leaf, shard);
                DataPoison.BACKDOOR.apply(shard, 1, leaf, 0.5, 0);
                model.train(global, shard, 1, leaf, out, 0);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, "bytes allocated by 200 leaves' sampling and training once warm");
    }
}
