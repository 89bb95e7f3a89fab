package io.canopy.aggregation;

import io.canopy.kernel.ChunkedGram;
import io.canopy.kernel.ColumnRanges;
import io.canopy.kernel.GramMatrix;
import io.canopy.kernel.KrumScores;
import io.canopy.kernel.Parallel;
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
 * for near-duplicate updates with large norms (the ALIE case); scores from {@link KrumScores}, which selects
 * several rows at once with the Vector API and gives the per-row quickselect's scores bit for bit.
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
        private final KrumScores.Workspace scores = new KrumScores.Workspace();
        /** For rows held compressed: chunks of their columns, through the same Gram scratch. */
        private final ChunkedGram.Workspace chunked;
        private double[] dist = new double[0];

        /** @param threads the most threads one aggregation may use; 1 when blocks run one per core */
        public Workspace(final int threads) {
            this.gram = new GramMatrix.Workspace(threads);
            this.chunked = new ChunkedGram.Workspace(gram);
        }

        private void ensure(final int n) {
            if (dist.length < n * n) {
                dist = new double[n * n];
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
        selectCount(n);
        block.requireFinite();

        workspace.ensure(n);
        final double[] dist = workspace.dist;
        // The lower triangle only: the scores read D_ij for j > i from D_ji, so the matrix is never mirrored.
        GramMatrix.lowerSquaredDistances(block.data(), n, block.dim(), dist, workspace.gram);
        final Selection s = selectFromLower(dist, n, workspace);
        final float[] aggregate = Mean.meanOfRows(block, s.selected(), s.m());
        return new AggregationResult.KrumResult(aggregate, n, f, s.m(), s.neighbours(), s.scores(), s.selected(),
            s.rejected());
    }

    /**
     * What Multi-Krum decides, without the mean: {@code scores[i]} is the sum of row i's squared distances to its
     * {@code neighbours} = n − f − 2 nearest other rows, {@code selected} the m lowest-scoring rows in ascending
     * (score, index) order, {@code rejected} the rest in ascending index order. A detector needs only this.
     */
    public record Selection(int m, int neighbours, double[] scores, int[] selected, int[] rejected) {
    }

    /**
     * The selection of rows held a chunk of columns at a time (compressed rows, decoded chunk by chunk): the distances
     * from {@link ChunkedGram}, then {@link #selectFromLower}. Its distances are not the bits {@link #aggregate}
     * computes from the same values as one block (other panels), so near-ties may rank otherwise.
     *
     * @throws IllegalArgumentException as {@link #selectFromLower}, or if a row is not finite
     */
    public Selection select(final ColumnRanges rows, final Workspace workspace) {
        final int n = rows.rows();
        selectCount(n);
        workspace.ensure(n);
        ChunkedGram.lowerSquaredDistances(rows, workspace.dist, workspace.chunked);
        return selectFromLower(workspace.dist, n, workspace);
    }

    /**
     * Multi-Krum's selection from the lower triangle of the squared distances of n rows, laid out as {@link
     * GramMatrix#lowerSquaredDistances} writes it (dist[i*n + j] for j ≤ i; the upper triangle is not read). The one
     * selection {@link #aggregate} and a detector over held rows ({@link #select(ColumnRanges, Workspace)}) share.
     *
     * @throws IllegalArgumentException if n ≤ 2f + 2 or m > n, or a score overflows (distances past float32's range)
     */
    public Selection selectFromLower(final double[] dist, final int n, final Workspace workspace) {
        final int selectCount = selectCount(n);
        final int neighbours = n - f - 2;
        final double[] scores = new double[n];
        // Σ of the n − f − 2 smallest distances per row; KrumScores gives the same bits as a quickselect per row.
        KrumScores.scoresFromLower(dist, n, neighbours, scores, workspace.scores);
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
        return new Selection(selectCount, neighbours, scores, selected, rejected);
    }

    /** m for n rows, after checking that Multi-Krum's guarantee can hold for them (n > 2f + 2, m ≤ n). */
    private int selectCount(final int n) {
        if (n <= 2 * f + 2) {
            throw new IllegalArgumentException(
                "multi-krum needs n > 2f + 2, got n=" + n + ", f=" + f
                    + (n >= 3 ? " (at most f=" + (n - 3) / 2 + " for n=" + n + ")" : " (Krum needs at least 3 updates)"));
        }
        final int selectCount = m == M_DEFAULT ? n - f : m;
        if (selectCount > n) {
            throw new IllegalArgumentException("multi-krum needs m in 1..n, got m=" + selectCount + ", n=" + n);
        }
        return selectCount;
    }
}
