package io.canopy.leaf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.canopy.leaf.data.DataPoison;
import io.canopy.leaf.data.FashionMnist;
import io.canopy.leaf.data.Poisoning;
import io.canopy.leaf.data.ShardSampler;
import io.canopy.random.CounterHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Leaves trained on real Fashion-MNIST shards, as the round loop drives them. */
class TrainedLeavesTest {
    private static final Logger LOG = LoggerFactory.getLogger(TrainedLeavesTest.class);
    private static final long LEAVES = 1_000_000L;

    @Test
    void aByzantineLeafDiffersFromItsHonestSelfOnlyWhenItPoisons() throws IOException {
        FashionMnist data = FashionMnist.shared();
        ShardSampler sampler = TrainedLeaves.defaultSampler(data.train(), 1, LEAVES);
        TrainingConfig config = TrainingConfig.defaults(1);
        TrainedLeaves honest = new TrainedLeaves(data.train(), sampler, ModelSpec.softmax(), config, Poisoning.NONE);
        TrainedLeaves flipping = new TrainedLeaves(data.train(), sampler, ModelSpec.softmax(), config,
            Poisoning.of(DataPoison.LABEL_FLIP));
        float[] global = ModelSpec.softmax().initialParameters(1);
        int d = honest.dimension();
        float[] a = new float[d];
        float[] b = new float[d];
        honest.update(3, 77, false, global, a, 0);
        flipping.update(3, 77, false, global, b, 0);
        assertArrayEquals(a, b, "not Byzantine: the same update");
        flipping.update(3, 77, true, global, b, 0);
        assertFalse(Arrays.equals(a, b), "Byzantine: trained on flipped labels");
    }

    /** FedAvg with the mean of clipped updates, q leaves a round; returns the global parameters. */
    private static float[] fedAvg(FashionMnist data, ModelSpec spec, Poisoning poisoning, double byzantineShare,
                                  int rounds, int perRound) {
        TrainingConfig config = TrainingConfig.defaults(5);
        TrainedLeaves leaves = new TrainedLeaves(data.train(), TrainedLeaves.defaultSampler(data.train(), 5, LEAVES),
            spec, config, poisoning);
        float[] global = spec.initialParameters(5);
        int d = global.length;
        float[] update = new float[d];
        double[] sum = new double[d];
        for (int round = 0; round < rounds; round++) {
            Arrays.fill(sum, 0.0);
            for (int k = 0; k < perRound; k++) {
                long leaf = Long.remainderUnsigned(CounterHash.hash(5, 1, round, k), LEAVES);
                boolean byzantine = CounterHash.unitDouble(CounterHash.hash(5, 2, leaf, 0)) < byzantineShare;
                leaves.update(round, leaf, byzantine, global, update, 0);
                for (int i = 0; i < d; i++) {
                    sum[i] += update[i];
                }
            }
            for (int i = 0; i < d; i++) {
                global[i] += (float) (sum[i] / perRound);
            }
        }
        return global;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void federatedAveragingOnNonIidShardsLearnsAndABackdoorPlantsItsTrigger() throws IOException {
        FashionMnist data = FashionMnist.shared();
        Evaluation evaluation = new Evaluation(ModelSpec.softmax(), data.test());
        int target = 0;
        float[] clean = fedAvg(data, ModelSpec.softmax(), Poisoning.NONE, 0.0, 30, 100);
        Evaluation.Result cleanResult = evaluation.evaluate(clean);
        double cleanAsr = evaluation.attackSuccessRate(clean, target);
        float[] attacked = fedAvg(data, ModelSpec.softmax(), Poisoning.of(DataPoison.BACKDOOR), 0.3, 30, 100);
        Evaluation.Result attackedResult = evaluation.evaluate(attacked);
        double attackedAsr = evaluation.attackSuccessRate(attacked, target);
        LOG.info("30 rounds x 100 leaves, softmax: clean accuracy {} loss {} ASR {}; 30% backdoor: accuracy {} ASR {}",
            cleanResult.accuracy(), cleanResult.loss(), cleanAsr, attackedResult.accuracy(), attackedAsr);
        assertTrue(cleanResult.accuracy() > 0.6, "clean accuracy " + cleanResult.accuracy());
        assertTrue(attackedAsr > cleanAsr + 0.2, "backdoor success " + attackedAsr + " vs " + cleanAsr + " without");
    }
}
