package io.canopy.kernel;

import java.util.Arrays;

/**
 * The squared distances ‖x_i − x_j‖² between rows read a chunk of columns at a time ({@link ColumnRanges}), for
 * Multi-Krum over rows held compressed: only n × {@value #CHUNK} decoded floats exist at once, never the n×d block.
 *
 * <p>The centred Gram matrix G = (X − 1μᵀ)(X − 1μᵀ)ᵀ is a sum over columns, and its centring is per column: cut d into
 * chunks of columns, G = Σ_c G^(c), where G^(c) is the centred Gram of chunk c alone ({@link GramMatrix#centredGram},
 * which centres each of the chunk's columns by its own mean, the whole block's mean of that column). The chunks' Grams
 * are added in double, then D_ij = max(0, G_ii + G_jj − 2·G_ij) as {@link GramMatrix#lowerSquaredDistances} takes it,
 * centred for the same reason (near-duplicate rows with large norms).
 *
 * <p>Accuracy: each chunk's entry G^(c)_ij is accurate to GramMatrix's 1e-5·‖q_i^(c)‖·‖q_j^(c)‖ (q the centred rows);
 * summed over chunks, by Cauchy-Schwarz, to 1e-5·‖q_i‖·‖q_j‖ ≤ 1e-5·max G_ii, and a distance to four times that. The
 * bits differ from GramMatrix's over the whole block (other panels); {@code ChunkedGramProperties} checks the bound.
 *
 * <p>{@value #CHUNK} columns a chunk: one k-panel of GramMatrix's packed kernel (its widest), so a chunk's Gram is one
 * panel's work, and a multiple of int8's 256-value scale block, so every chunk but the last starts and ends on one.
 */
public final class ChunkedGram {

    /** Columns decoded at once. */
    public static final int CHUNK = 1024;

    private ChunkedGram() {
    }

    /**
     * Writes out[i*n + j] = ‖x_i − x_j‖² for j &lt; i and 0 at j = i, n = {@code rows.rows()}: the lower triangle in
     * {@link GramMatrix#lowerSquaredDistances}' layout; the upper triangle is left as it was.
     *
     * @throws IllegalArgumentException if n or d is not positive, {@code out} is shorter than n², or a row's values are
     *     not all finite
     */
    public static void lowerSquaredDistances(final ColumnRanges rows, final double[] out, final Workspace ws) {
        final int n = rows.rows();
        final int d = rows.dimension();
        if (n <= 0 || d <= 0) {
            throw new IllegalArgumentException("n=" + n + ", d=" + d + ": both must be positive");
        }
        if (out.length < (long) n * n) {
            throw new IllegalArgumentException("out has " + out.length + " doubles, n*n=" + (long) n * n);
        }
        ws.ensure(n, Math.min(CHUNK, d));
        final float[] chunk = ws.chunk;
        final double[] g = ws.chunkGram;
        for (int i = 0; i < n; i++) {
            Arrays.fill(out, i * n, i * n + i + 1, 0.0);
        }
        for (int from = 0; from < d; from += CHUNK) {
            final int to = Math.min(d, from + CHUNK);
            final int w = to - from;
            for (int i = 0; i < n; i++) {
                if (!rows.decode(i, from, to, chunk, i * w)) {
                    throw new IllegalArgumentException("row " + i + " has a value that is not finite in columns ["
                        + from + ", " + to + ")");
                }
            }
            GramMatrix.centredGram(chunk, n, w, g, ws.gram);
            for (int i = 0; i < n; i++) {
                final int row = i * n;
                for (int j = 0; j <= i; j++) {
                    out[row + j] += g[row + j];
                }
            }
        }
        GramMatrix.distancesFromLowerGram(out, n, ws.diag);
    }

    /**
     * Scratch for repeated calls: the decoded chunk (n × {@value #CHUNK} floats), its Gram (n² doubles) and the
     * diagonal, grown on demand and reused, so that a call allocates nothing once they have grown. Not thread-safe.
     */
    public static final class Workspace {
        private final GramMatrix.Workspace gram;
        private float[] chunk = new float[0];
        private double[] chunkGram = new double[0];
        private double[] diag = new double[0];

        /** @param gram the Gram kernel's scratch (and thread limit), shared with whoever else uses it between calls */
        public Workspace(final GramMatrix.Workspace gram) {
            this.gram = gram;
        }

        private void ensure(final int n, final int width) {
            if (chunk.length < n * width) {
                chunk = new float[n * width];
            }
            if (chunkGram.length < n * n) {
                chunkGram = new double[n * n];
            }
            if (diag.length < n) {
                diag = new double[n];
            }
        }
    }
}
