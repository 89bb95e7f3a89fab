package io.canopy.leaf.data;

import java.util.Arrays;

/**
 * Non-IID leaf shards derived, not stored: leaf ℓ's data is a function of (seed, ℓ) only, so a swarm of
 * 10^7 leaves needs no storage and every node derives the same shards.
 *
 * <p>The sampling, as in the NumPy peer ({@code fedavg_fmnist.py}, {@code make_shards}) and the
 * usual non-IID benchmark of Hsu, Qi and Brown 2019 ("Measuring the effects of non-identical data
 * distribution", arXiv:1909.06335):
 * <ol>
 *   <li>class proportions p ~ Dirichlet(α·1₁₀), drawn as p_c = G_c / Σ G with G_c ~ Gamma(α, 1)
 *       (small α: few classes per leaf; α → ∞: IID);</li>
 *   <li>class counts n ~ Multinomial(s, p), as s independent categorical draws;</li>
 *   <li>n_c examples of class c from the class pool (a {@link ClassIndex} built once):
 *     <ul>
 *       <li>if leafCount·s ≤ |train| ("disjoint" mode), each class pool is permuted once under the seed
 *           and the leaves take consecutive runs of it in leaf order, so no image is shared unless a
 *           class pool runs out (then the run wraps around its pool); this needs a leafCount × 10
 *           table of offsets, built at construction in O(leafCount·s);</li>
 *       <li>otherwise ("with replacement"), each example is uniform over its class pool, independently,
 *           from a counter-based stream: nothing is stored, any leaf id works.</li>
 *     </ul></li>
 * </ol>
 * All randomness for leaf ℓ comes from a SplitMix64 stream seeded with CounterHash(seed, stream, ℓ);
 * the stream lives in the caller's {@link Shard}, so sampling allocates nothing. Thread-safe.
 */
public final class ShardSampler {
    public static final double ALPHA_DEFAULT = 0.5;
    public static final int SHARD_SIZE_DEFAULT = 32;

    private static final long STREAM_PROPORTIONS = 0x5348_4152_4401L;
    private static final long STREAM_PICKS = 0x5348_4152_4402L;
    private static final long STREAM_POOLS = 0x5348_4152_4403L;

    private final ClassIndex index;
    private final long seed;
    private final long leafCount;
    private final int shardSize;
    private final double alpha;
    /** Disjoint mode only: class pools permuted under the seed, and per (leaf, class) start offsets. */
    private final int[] permuted;
    private final int[] offsets;

    /**
     * @param index     the training set's class index
     * @param seed      the run's seed
     * @param leafCount how many leaves the swarm has (decides the mode, see the class comment)
     * @param shardSize s, examples per leaf
     * @param alpha     the Dirichlet concentration α, positive
     */
    public ShardSampler(ClassIndex index, long seed, long leafCount, int shardSize, double alpha) {
        if (shardSize < 1) {
            throw new IllegalArgumentException("shardSize=" + shardSize + " must be at least 1");
        }
        if (!(alpha > 0.0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha=" + alpha + " must be positive and finite");
        }
        if (leafCount < 1) {
            throw new IllegalArgumentException("leafCount=" + leafCount + " must be at least 1");
        }
        this.index = index;
        this.seed = seed;
        this.leafCount = leafCount;
        this.shardSize = shardSize;
        this.alpha = alpha;
        if (leafCount * shardSize <= index.count()) {
            this.permuted = permutePools(index, seed);
            this.offsets = leafOffsets((int) leafCount);
        } else {
            this.permuted = null;
            this.offsets = null;
        }
    }

    /** Whether leaves draw independently with replacement (true) or take disjoint runs of the pools. */
    public boolean withReplacement() {
        return offsets == null;
    }

    public int shardSize() {
        return shardSize;
    }

    /** Fills {@code out} with leaf ℓ's shard: its proportions, class counts, indices and true labels. */
    public void sample(long leafId, Shard out) {
        if (out.capacity() < shardSize) {
            throw new IllegalArgumentException("shard capacity " + out.capacity() + " is below shardSize=" + shardSize);
        }
        drawCounts(leafId, out);
        SplitMix64 random = out.random.reseed(seed, STREAM_PICKS, leafId, 0);
        int j = 0;
        int classes = index.classes();
        for (int c = 0; c < classes; c++) {
            int n = out.classCounts[c];
            int pool = index.size(c);
            if (n > 0 && pool == 0) {
                throw new IllegalStateException("class " + c + " has no training images to draw from");
            }
            for (int k = 0; k < n; k++, j++) {
                int image;
                if (offsets == null) {
                    image = index.member(c, random.nextInt(pool));
                } else {
                    image = permuted[index.start(c) + (int) ((offsets[(int) leafId * classes + c] + (long) k) % pool)];
                }
                out.indices[j] = image;
                out.labels[j] = c;
                out.triggered[j] = false;
            }
        }
        out.size = shardSize;
    }

    /** Steps 1 and 2: p ~ Dir(α), n ~ Mult(s, p), into the shard's proportions and class counts. */
    private void drawCounts(long leafId, Shard out) {
        if (offsets != null && (leafId < 0 || leafId >= leafCount)) {
            throw new IllegalArgumentException("leafId=" + leafId + " is outside [0, " + leafCount + ")");
        }
        SplitMix64 random = out.random.reseed(seed, STREAM_PROPORTIONS, leafId, 0);
        int classes = index.classes();
        double[] p = out.proportions;
        double sum = 0.0;
        for (int c = 0; c < classes; c++) {
            p[c] = random.nextGamma(alpha);
            sum += p[c];
        }
        if (!(sum > 0.0)) {
            // Every Gamma draw underflowed (only for α far below 0.01): the Dirichlet limit is one class.
            Arrays.fill(p, 0.0);
            p[random.nextInt(classes)] = 1.0;
            sum = 1.0;
        }
        Arrays.fill(out.classCounts, 0);
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
        for (int k = 0; k < shardSize; k++) {
            double u = random.nextDouble();
            int c = 0;
            // Rounding can leave Σp a hair below 1: u beyond it falls to the last class with mass.
            for (double cumulative = p[0]; u >= cumulative && c < classes - 1; cumulative += p[++c]) {
                // scanning the cumulative distribution
            }
            while (p[c] == 0.0) {
                c--;
            }
            out.classCounts[c]++;
        }
    }

    private static int[] permutePools(ClassIndex index, long seed) {
        int[] order = index.copyOrder();
        SplitMix64 random = new SplitMix64();
        for (int c = 0; c < index.classes(); c++) {
            random.reseed(seed, STREAM_POOLS, c, 0);
            int from = index.start(c);
            for (int i = index.size(c) - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[from + i];
                order[from + i] = order[from + j];
                order[from + j] = t;
            }
        }
        return order;
    }

    private int[] leafOffsets(int leaves) {
        int classes = index.classes();
        int[] result = new int[leaves * classes];
        int[] next = new int[classes];
        Shard scratch = new Shard(shardSize);
        for (int leaf = 0; leaf < leaves; leaf++) {
            drawCounts(leaf, scratch);
            for (int c = 0; c < classes; c++) {
                result[leaf * classes + c] = next[c];
                next[c] += scratch.classCounts[c];
            }
        }
        return result;
    }
}
