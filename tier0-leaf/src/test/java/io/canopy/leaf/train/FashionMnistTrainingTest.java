package io.canopy.leaf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.canopy.leaf.data.ClassIndex;
import io.canopy.leaf.data.DataPoison;
import io.canopy.leaf.data.FashionMnist;
import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.Shard;
import io.canopy.leaf.data.ShardSampler;
import io.canopy.leaf.data.SplitMix64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the real Fashion-MNIST from /usr/share/datasets/fashion-mnist. Without it these tests fail with
 * the loader's one-line message naming the directory and the package to install; they are never skipped.
 */
class FashionMnistTrainingTest {
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnistTrainingTest.class);

    @Test
    void shouldLoadSixtyThousandTrainingAndTenThousandTestImagesWithEveryClassPresent() throws IOException {
        FashionMnist data = FashionMnist.shared();
        assertEquals(60_000, data.train().count());
        assertEquals(10_000, data.test().count());
        ClassIndex index = new ClassIndex(data.train().labels(), LabelledImages.CLASSES);
        for (int c = 0; c < LabelledImages.CLASSES; c++) {
            assertEquals(6_000, index.size(c), "Fashion-MNIST is balanced: class " + c);
        }
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float p : data.test().pixels()) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFewHundredCentralisedSoftmaxStepsReachSeventyPercentTestAccuracy() throws IOException {
        FashionMnist data = FashionMnist.shared();
        int steps = 300;
        int batch = 32;
        int[] picks = new int[steps * batch];
        SplitMix64 random = new SplitMix64().reseed(7, 0, 0, 0);
        for (int i = 0; i < picks.length; i++) {
            picks[i] = random.nextInt(FashionMnist.TRAIN_COUNT);
        }
        Shard shard = Shard.of(data.train(), picks);
        TrainingConfig config = new TrainingConfig(7, 1, batch, 0.2f, Float.POSITIVE_INFINITY);
        DenseModel model = ModelSpec.softmax().newTrainer(data.train(), config);
        float[] w = ModelSpec.softmax().initialParameters(7);
        float[] update = new float[w.length];
        long t0 = System.nanoTime();
        model.train(w, shard, 0, 0, update, 0);
        long trainedNs = System.nanoTime() - t0;
        for (int i = 0; i < w.length; i++) {
            w[i] += update[i];
        }
        Evaluation evaluation = new Evaluation(ModelSpec.softmax(), data.test());
        long t1 = System.nanoTime();
        Evaluation.Result result = evaluation.evaluate(w);
        long evaluatedNs = System.nanoTime() - t1;
        LOG.info("softmax, {} steps of {}: test accuracy {}, loss {}; trained in {} ms, evaluated in {} ms", steps, batch,
            result.accuracy(), result.loss(), trainedNs / 1_000_000, evaluatedNs / 1_000_000);
        System.out.printf("centralised softmax sanity: %d steps of %d, test accuracy %.4f, loss %.4f%n", steps, batch,
            result.accuracy(), result.loss());
        assertTrue(result.accuracy() >= 0.70, "test accuracy " + result.accuracy() + " below 0.70");
        assertTrue(result.loss() < 1.0, "test loss " + result.loss());
    }

    @Test
    void shardsOfTheRealTrainingSetCarryTheirImagesTrueLabels() throws IOException {
        FashionMnist data = FashionMnist.shared();
        ShardSampler sampler = new ShardSampler(new ClassIndex(data.train().labels(), 10), 3, 10_000_000L,
            ShardSampler.SHARD_SIZE_DEFAULT, ShardSampler.ALPHA_DEFAULT);
        Shard shard = new Shard(ShardSampler.SHARD_SIZE_DEFAULT);
        for (long leaf = 9_999_000L; leaf < 10_000_000L; leaf++) {
            sampler.sample(leaf, shard);
            for (int i = 0; i < shard.size(); i++) {
                assertEquals(data.train().label(shard.index(i)), shard.label(i), "leaf " + leaf + " example " + i);
            }
        }
        DataPoison.LABEL_FLIP.apply(shard, 3, 9_999_999L, 1.0, 0);
        for (int i = 0; i < shard.size(); i++) {
            assertEquals(9 - data.train().label(shard.index(i)), shard.label(i));
        }
    }
}
