package io.canopy.train;

import java.util.function.Supplier;

/**
 * The round's honest updates as an omniscient attacker knows them: the per-coordinate mean μ and standard
 * deviation σ over a sample of honest leaves trained on the round's model (all honest updates in the
 * NumPy peer; a sample of a few hundred estimates the same moments to a few percent). Computed once per
 * (round, model version) by whichever thread asks first.
 */
final class HonestStatistics {
    /** μ and σ per coordinate. */
    record Moments(long round, long version, double[] mean, double[] std) {
    }

    private final int dimension;
    private final int sample;
    private Moments current;

    HonestStatistics(int dimension, int sample) {
        if (sample < 2) {
            throw new IllegalArgumentException("the honest sample must hold at least 2 leaves, got " + sample);
        }
        this.dimension = dimension;
        this.sample = sample;
    }

    int sample() {
        return sample;
    }

    synchronized Moments of(long round, long version, Supplier<float[][]> honestRows) {
        if (current != null && current.round() == round && current.version() == version) {
            return current;
        }
        float[][] rows = honestRows.get();
        double[] mean = new double[dimension];
        double[] m2 = new double[dimension];
        // Welford's update, one row at a time: stable whatever the scale of the updates.
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            for (int j = 0; j < dimension; j++) {
                double delta = row[j] - mean[j];
                mean[j] += delta / (i + 1);
                m2[j] += delta * (row[j] - mean[j]);
            }
        }
        double[] std = new double[dimension];
        for (int j = 0; j < dimension; j++) {
            std[j] = Math.sqrt(m2[j] / rows.length); // population σ (ddof 0), as NumPy's std in the peer
        }
        current = new Moments(round, version, mean, std);
        return current;
    }
}
