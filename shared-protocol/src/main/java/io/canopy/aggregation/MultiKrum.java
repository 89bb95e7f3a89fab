package io.canopy.aggregation;

import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.Parallel;
import io.canopy.kernel.Quickselect;
import java.util.Arrays;

/**
 * Multi-Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with Adversaries:
 * Byzantine Tolerant Gradient Descent", NeurIPS 2017).
 *
 * <p>With n updates of which at most f are Byzantine, the score of update i is the sum of its
 * squared distances to its n − f − 2 nearest other updates; the m updates with the lowest scores
 * are selected (ties broken by the lower index) and averaged. m = 1 is Krum. The guarantee needs
 * n > 2f + 2.
 *
 * <p>Distances come from the centred blocked Gram matrix ({@link GramMatrix}), which stays exact
 * for near-duplicate updates with large norms (the ALIE case).
 */
public final class MultiKrum implements AggregationRule {

    /** Marks "m = n − f", resolved when the block's n is known. */
    private static final int M_DEFAULT = -1;

    private final int f;
    private final int m;

    private MultiKrum(final int f, final int m) {
        if (f < 0) {
            throw new IllegalArgumentException("multi-krum needs f >= 0, got f=" + f);
        }
        if (m != M_DEFAULT && m < 1) {
            throw new IllegalArgumentException("multi-krum needs m >= 1, got m=" + m);
        }
        this.f = f;
        this.m = m;
    }

    /** Multi-Krum tolerating {@code f} Byzantine rows and averaging the {@code m} best. */
    public static MultiKrum of(final int f, final int m) {
        return new MultiKrum(f, m);
    }

    /** Multi-Krum with the paper's default m = n − f. */
    public static MultiKrum withDefaultM(final int f) {
        return new MultiKrum(f, M_DEFAULT);
    }

    /** Krum: Multi-Krum with m = 1, the single lowest-scoring update. */
    public static MultiKrum krum(final int f) {
        return new MultiKrum(f, 1);
    }

    @Override
    public String name() {
        return m == 1 ? "krum" : "multikrum";
    }

    public int f() {
        return f;
    }

    /**
     * Scratch for repeated calls (the n×n distance matrix alone is 8 MB at n = 1000): a cluster tier
     * keeps one per worker so that thousands of clusters per round allocate only their results.
     */
    public static final class Workspace {
        private final GramMatrix.Workspace gram;
        private double[] dist = new double[0];
        private double[] row = new double[0];

        /** @param threads the most threads one aggregation may use; 1 when blocks run one per core */
        public Workspace(final int threads) {
            this.gram = new GramMatrix.Workspace(threads);
        }

        private void ensure(final int n) {
            if (dist.length < n * n) {
                dist = new double[n * n];
                row = new double[n];
            }
        }
    }

    @Override
    public AggregationResult.KrumResult aggregate(final UpdateBlock block) {
        return aggregate(block, new Workspace(Parallel.threads()));
    }

    /** {@link #aggregate(UpdateBlock)} with reusable scratch. */
    public AggregationResult.KrumResult aggregate(final UpdateBlock block, final Workspace workspace) {
        final int n = block.rows();
        if (n <= 2 * f + 2) {
            throw new IllegalArgumentException(
                "multi-krum needs n > 2f + 2, got n=" + n + ", f=" + f
                    + (n >= 3 ? " (at most f=" + (n - 3) / 2 + " for n=" + n + ")" : " (Krum needs at least 3 updates)"));
        }
        final int selectCount = m == M_DEFAULT ? n - f : m;
        if (selectCount > n) {
            throw new IllegalArgumentException("multi-krum needs m in 1..n, got m=" + selectCount + ", n=" + n);
        }
        block.requireFinite();

        workspace.ensure(n);
        final double[] dist = workspace.dist;
        GramMatrix.pairwiseSquaredDistances(block.data(), n, block.dim(), dist, workspace.gram);
        final int neighbours = n - f - 2;
        final double[] scores = scores(dist, n, neighbours, workspace.row);
        for (int i = 0; i < n; i++) {
            // The Gram kernel multiplies in float: squares past 3.4e38 overflow, and a ranking of
            // infinities would be arbitrary. Clipped updates never get near this; say so rather than guess.
            if (!(scores[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("row " + i + ": squared distances overflow float32 (values of"
                    + " magnitude ~1e19 or more); scale or clip the updates before Multi-Krum");
            }
        }

        final int[] order = IndexOrder.ascending(scores);
        final int[] selected = Arrays.copyOf(order, selectCount);
        final int[] rejected = Arrays.copyOfRange(order, selectCount, n);
        Arrays.sort(rejected);
        final float[] aggregate = Mean.meanOfRows(block, selected, selectCount);
        return new AggregationResult.KrumResult(aggregate, n, f, selectCount, neighbours, scores, selected, rejected);
    }

    /**
     * score(i) = Σ of the {@code neighbours} smallest dist(i, j), j ≠ i. The threshold value (the
     * neighbours-th smallest) is found by quickselect in O(n) on average instead of sorting the row, which
     * dominated the whole rule at small d (n² log n against the Gram matrix's n²d/2); the selected values are
     * then summed in column order, so the result is deterministic and independent of the selection's path.
     */
    private static double[] scores(final double[] dist, final int n, final int neighbours, final double[] row) {
        final double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            final int base = i * n;
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    row[k++] = dist[base + j];
                }
            }
            if (neighbours <= 0) {
                scores[i] = 0.0;
                continue;
            }
            final double threshold = Quickselect.kthSmallest(row, n - 1, neighbours - 1);
            double s = 0;
            int below = 0;
            for (int j = 0; j < n; j++) {
                final double v = dist[base + j];
                if (j != i && v < threshold) {
                    s += v;
                    below++;
                }
            }
            // Ties at the threshold: as many copies as the neighbour count still needs.
            scores[i] = s + (neighbours - below) * threshold;
        }
        return scores;
    }
}
