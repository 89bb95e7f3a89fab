package io.canopy.leaf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ShardSamplerTest {
    private static final int TRAIN = 60_000;

    /** Labels shaped like Fashion-MNIST's (balanced, shuffled) but with a known generator. */
    private static byte[] labels(long seed) {
        byte[] labels = new byte[TRAIN];
        for (int i = 0; i < TRAIN; i++) {
            labels[i] = (byte) (i % 10);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = TRAIN - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        return labels;
    }

    private static final byte[] LABELS = labels(42);
    private static final ClassIndex INDEX = new ClassIndex(LABELS, 10);

    private static int[] snapshot(Shard shard) {
        int[] out = new int[2 * shard.size()];
        for (int i = 0; i < shard.size(); i++) {
            out[2 * i] = shard.index(i);
            out[2 * i + 1] = shard.label(i);
        }
        return out;
    }

    @Test
    void theClassIndexListsEveryImageOnceUnderItsLabel() {
        int total = 0;
        for (int c = 0; c < 10; c++) {
            assertEquals(6_000, INDEX.size(c));
            for (int k = 0; k < INDEX.size(c); k++) {
                assertEquals(c, LABELS[INDEX.member(c, k)]);
            }
            total += INDEX.size(c);
        }
        assertEquals(TRAIN, total);
    }

    @Test
    void aShardIsAFunctionOfSeedAndLeafOnly() {
        ShardSampler sampler = new ShardSampler(INDEX, 5, 10_000_000L, 32, 0.5);
        Shard a = new Shard(32);
        Shard b = new Shard(64);
        sampler.sample(123_456_789L, a);
        sampler.sample(1, b);
        sampler.sample(123_456_789L, b);
        assertArrayEquals(snapshot(a), snapshot(b), "the same leaf, whatever the shard sampled before");
        new ShardSampler(INDEX, 5, 10_000_000L, 32, 0.5).sample(123_456_789L, b);
        assertArrayEquals(snapshot(a), snapshot(b), "another sampler instance, same seed");
        new ShardSampler(INDEX, 6, 10_000_000L, 32, 0.5).sample(123_456_789L, b);
        assertFalse(Arrays.equals(snapshot(a), snapshot(b)), "another seed");
        sampler.sample(123_456_790L, b);
        assertFalse(Arrays.equals(snapshot(a), snapshot(b)), "another leaf");
    }

    @Test
    void shardsDrawOnlyTrainingImagesOfTheLabelTheyCarry() {
        for (long leaves : new long[] {1_000, 10_000_000L}) {
            ShardSampler sampler = new ShardSampler(INDEX, 9, leaves, 32, 0.5);
            assertEquals(leaves > 1_875, sampler.withReplacement(), "with replacement iff leaves x 32 > 60000");
            Shard shard = new Shard(32);
            for (long leaf = 0; leaf < 1_000; leaf++) {
                sampler.sample(leaf, shard);
                assertEquals(32, shard.size());
                int[] counts = new int[10];
                for (int i = 0; i < 32; i++) {
                    assertTrue(shard.index(i) >= 0 && shard.index(i) < TRAIN, "index " + shard.index(i));
                    assertEquals(LABELS[shard.index(i)], shard.label(i), "leaf " + leaf + " example " + i);
                    assertFalse(shard.triggered(i));
                    counts[shard.label(i)]++;
                }
                for (int c = 0; c < 10; c++) {
                    assertEquals(shard.classCount(c), counts[c], "class count " + c);
                }
            }
        }
    }

    @Test
    void smallSwarmsGetDisjointShards() {
        // 1000 x 32 = 32,000 of 60,000 images; at α = 100 no class pool (6,000) runs out.
        ShardSampler sampler = new ShardSampler(INDEX, 3, 1_000, 32, 100.0);
        assertFalse(sampler.withReplacement());
        Set<Integer> seen = new HashSet<>();
        Shard shard = new Shard(32);
        for (int leaf = 0; leaf < 1_000; leaf++) {
            sampler.sample(leaf, shard);
            for (int i = 0; i < 32; i++) {
                assertTrue(seen.add(shard.index(i)), "image " + shard.index(i) + " drawn twice (leaf " + leaf + ")");
            }
        }
        assertEquals("leafId=1000 is outside [0, 1000)",
            assertThrows(IllegalArgumentException.class, () -> sampler.sample(1_000, shard)).getMessage());
    }

    /**
     * For p ~ Dir(α·1_K) and n ~ Mult(s, p): E[p_c] = 1/K, E[Σ p_c²] = (α + 1)/(Kα + 1), and
     * E[Σ (n_c/s)²] = E[Σ p_c²] + (1 − E[Σ p_c²])/s. Seed fixed, 20,000 leaves: the standard errors are
     * about 0.002 for the shares and 0.001 for the sums of squares; the bounds allow 5 or more of them.
     */
    @Test
    void classProportionsFollowTheDirichletAndCountsTheMultinomial() {
        for (double alpha : new double[] {0.1, 0.5, 5.0}) {
            ShardSampler sampler = new ShardSampler(INDEX, 11, 10_000_000L, 32, alpha);
            Shard shard = new Shard(32);
            int leaves = 20_000;
            double[] meanShare = new double[10];
            double sumSquaresP = 0;
            double sumSquaresN = 0;
            for (long leaf = 0; leaf < leaves; leaf++) {
                sampler.sample(leaf, shard);
                double checkSum = 0;
                for (int c = 0; c < 10; c++) {
                    double p = shard.proportion(c);
                    double share = shard.classCount(c) / 32.0;
                    checkSum += p;
                    meanShare[c] += share / leaves;
                    sumSquaresP += p * p / leaves;
                    sumSquaresN += share * share / leaves;
                }
                assertEquals(1.0, checkSum, 1e-9);
            }
            double expectedP = (alpha + 1) / (10 * alpha + 1);
            for (int c = 0; c < 10; c++) {
                assertEquals(0.1, meanShare[c], 0.012, "α=" + alpha + ": mean share of class " + c);
            }
            assertEquals(expectedP, sumSquaresP, 0.1 * expectedP, "α=" + alpha + ": E[Σp²]");
            assertEquals(expectedP + (1 - expectedP) / 32, sumSquaresN, 0.1 * expectedP, "α=" + alpha + ": E[Σ(n/s)²]");
        }
    }

    @Test
    void shouldRejectBadSettingsNamingThem() {
        assertEquals("alpha=0.0 must be positive and finite", assertThrows(IllegalArgumentException.class,
            () -> new ShardSampler(INDEX, 1, 10, 32, 0.0)).getMessage());
        assertEquals("shardSize=0 must be at least 1", assertThrows(IllegalArgumentException.class,
            () -> new ShardSampler(INDEX, 1, 10, 0, 0.5)).getMessage());
        assertEquals("shard capacity 16 is below shardSize=32", assertThrows(IllegalArgumentException.class,
            () -> new ShardSampler(INDEX, 1, 10, 32, 0.5).sample(0, new Shard(16))).getMessage());
    }
}
