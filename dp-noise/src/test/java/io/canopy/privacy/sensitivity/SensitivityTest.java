package io.canopy.privacy.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.aggregation.AggregationRule;
import io.canopy.aggregation.CoordinateMedian;
import io.canopy.aggregation.Mean;
import io.canopy.aggregation.MultiKrum;
import io.canopy.aggregation.TrimmedMean;
import io.canopy.aggregation.UpdateBlock;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every bound of {@link Sensitivity} checked empirically against Canopy's own aggregation rules: one input
 * is perturbed, added or removed adversarially (random and worst-case trials) and the output must never
 * move further than the bound; where the bound should be tight (mean, trimmed mean) a construction
 * attains it. Rules compute in float32, hence the relative slack of 1e-5.
 */
class SensitivityTest {

    private static final double SLACK = 1 + 1e-5;
    private static final int D = 6;

    private final SplittableRandom rnd = new SplittableRandom(20_261_123L);

    @Test
    void multi_krum_moves_by_at_most_twice_the_clip_norm_when_one_leaf_is_added_or_removed() {
        final double c = 1.0;
        double worst = 0;
        for (int trial = 0; trial < 400; trial++) {
            final int n = 8 + rnd.nextInt(8);
            final int f = 1 + rnd.nextInt((n - 3) / 2);
            final float[][] rows = new float[n][];
            // Two tight groups on opposite sides, so one extra point can swing the selection between them.
            for (int i = 0; i < n; i++) {
                rows[i] = trial % 2 == 0 ? inBall(c) : near(i < n / 2 ? c : -c, 0.05 * c);
            }
            final float[] extra = trial % 3 == 0 ? onSphere(c) : near(trial % 2 == 0 ? c : -c, 0.05 * c);
            final MultiKrum rule = MultiKrum.withDefaultM(f);
            if (n - 1 > 2 * f + 2) {
                worst = Math.max(worst, distance(aggregate(rule, rows), aggregate(rule, append(rows, extra))));
            }
        }
        assertTrue(worst <= Sensitivity.averageOfClipped(c) * SLACK, "moved " + worst);
        assertTrue(worst > 1.0, "the trials must include selection swings, worst was only " + worst);
    }

    @Test
    void trimmed_mean_moves_by_at_most_the_input_change_over_n_minus_2k_and_the_bound_is_attained() {
        for (int trial = 0; trial < 600; trial++) {
            final int n = 3 + rnd.nextInt(20);
            final int k = rnd.nextInt((n - 1) / 2 + 1);
            final float[][] rows = randomRows(n, 1.0);
            final int victim = rnd.nextInt(n);
            final float[][] moved = copy(rows);
            final double t = 0.01 + rnd.nextDouble() * 3;
            moved[victim] = trial % 2 == 0 ? add(rows[victim], scaled(onSphere(1), t)) : scaled(onSphere(1), rnd.nextDouble());
            final double change = distance(rows[victim], moved[victim]);
            final TrimmedMean rule = TrimmedMean.ofTrimCount(k);
            final double out = distance(aggregate(rule, rows), aggregate(rule, moved));
            assertTrue(out <= Sensitivity.trimmedMean(change, n, k) * SLACK + 1e-6, "n=" + n + " k=" + k);
        }
        // Tight: distinct values spread apart, one kept input nudged inside the kept range in every coordinate.
        final int n = 11;
        final int k = 3;
        final float[][] rows = new float[n][D];
        for (int i = 0; i < n; i++) {
            Arrays.fill(rows[i], i);
        }
        final float[][] moved = copy(rows);
        Arrays.fill(moved[5], 5.25f);
        final double change = distance(rows[5], moved[5]);
        final double out = distance(aggregate(TrimmedMean.ofTrimCount(k), rows), aggregate(TrimmedMean.ofTrimCount(k), moved));
        assertEquals(Sensitivity.trimmedMean(change, n, k), out, 1e-5);
    }

    @Test
    void the_mean_attains_its_bound_exactly() {
        final float[][] rows = randomRows(9, 1.0);
        final float[][] moved = copy(rows);
        moved[4] = scaled(rows[4], -1);
        final double change = distance(rows[4], moved[4]);
        final double out = distance(aggregate(Mean.INSTANCE, rows), aggregate(Mean.INSTANCE, moved));
        assertEquals(Sensitivity.trimmedMean(change, 9, 0), out, 1e-6);
    }

    @Test
    void the_median_moves_by_at_most_the_change_of_one_input() {
        for (int trial = 0; trial < 300; trial++) {
            final int n = 1 + rnd.nextInt(15);
            final float[][] rows = randomRows(n, 1.0);
            final float[][] moved = copy(rows);
            final int v = rnd.nextInt(n);
            moved[v] = scaled(onSphere(1), 5 * rnd.nextDouble());
            final double out = distance(aggregate(new CoordinateMedian(), rows), aggregate(new CoordinateMedian(), moved));
            assertTrue(out <= Sensitivity.median(distance(rows[v], moved[v])) * SLACK + 1e-6);
        }
    }

    @Test
    void a_cluster_appearing_or_vanishing_moves_the_trimmed_mean_by_at_most_the_quorum_flip_bound() {
        final double r = 1.0;
        double worstRatio = 0;
        for (int trial = 0; trial < 800; trial++) {
            final int n = 2 + rnd.nextInt(30);
            final double beta = new double[] {0.0, 0.1, 0.2, 0.3, 0.45}[trial % 5];
            if (n + 1 - 2 * TrimmedMean.trimCount(beta, n + 1) < 1 || n - 2 * TrimmedMean.trimCount(beta, n) < 1) {
                continue;
            }
            // Worst cases for coordinate-wise rules: sparse inputs (all norm on one coordinate) and sign vectors.
            final float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = switch (trial % 3) {
                    case 0 -> oneHot(rnd.nextInt(D), rnd.nextBoolean() ? r : -r);
                    case 1 -> signVector(r);
                    default -> inBall(r);
                };
            }
            final float[] extra = trial % 2 == 0 ? oneHot(rnd.nextInt(D), rnd.nextBoolean() ? r : -r) : signVector(r);
            final TrimmedMean rule = TrimmedMean.ofBeta(beta);
            final double out = distance(aggregate(rule, rows), aggregate(rule, append(rows, extra)));
            final double bound = Sensitivity.trimmedMeanQuorumFlip(r, n, n + 1, beta);
            assertTrue(out <= bound * SLACK + 1e-6, "n=" + n + " beta=" + beta + ": " + out + " > " + bound);
            worstRatio = Math.max(worstRatio, out / bound);
            final double normBound = Sensitivity.trimmedMeanNorm(r, n, TrimmedMean.trimCount(beta, n));
            assertTrue(norm(aggregate(rule, rows)) <= normBound * SLACK + 1e-6);
        }
        assertTrue(worstRatio > 0.3, "the trials should come reasonably close to the bound: " + worstRatio);
    }

    @Test
    void trimmed_mean_norm_is_at_most_r_sqrt_n_over_n_minus_k_is_attained_and_never_looser_than_before() {
        for (int n = 3; n <= 40; n++) {
            for (int k = 0; 2 * k < n; k++) {
                final double r = 1.5;
                // Input i is 0 in coordinates i .. i+k-1 (cyclically) and r/sqrt(n-k) elsewhere: every coordinate keeps
                // only the value r/sqrt(n-k), so the output has norm r*sqrt(n/(n-k)) exactly.
                final float[][] rows = new float[n][n];
                final float a = (float) (r / Math.sqrt(n - k));
                for (int i = 0; i < n; i++) {
                    Arrays.fill(rows[i], a);
                    for (int j = 0; j < k; j++) {
                        rows[i][(i + j) % n] = 0;
                    }
                }
                final double bound = Sensitivity.trimmedMeanNorm(r, n, k);
                final double attained = norm(aggregate(TrimmedMean.ofTrimCount(k), rows));
                assertEquals(bound, attained, 1e-5 * bound, "n=" + n + " k=" + k);
                assertTrue(bound <= Sensitivity.trimmedMeanNormOrderStatistics(r, n, k) * (1 + 1e-15), "n=" + n + " k=" + k);
            }
        }
        for (int trial = 0; trial < 500; trial++) {
            final int n = 3 + rnd.nextInt(30);
            final int k = rnd.nextInt((n - 1) / 2 + 1);
            final float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = trial % 3 == 0 ? signVector(1.0) : trial % 3 == 1 ? onSphere(1.0) : inBall(1.0);
            }
            assertTrue(norm(aggregate(TrimmedMean.ofTrimCount(k), rows)) <= Sensitivity.trimmedMeanNorm(1.0, n, k) * SLACK,
                "n=" + n + " k=" + k);
        }
    }

    @Test
    void rejects_trims_that_keep_nothing() {
        assertEquals("a trimmed mean needs n - 2k >= 1, got n=4 k=2",
            assertThrows(IllegalArgumentException.class, () -> Sensitivity.trimmedMean(1, 4, 2)).getMessage());
        assertEquals("beta must be in [0, 0.5), got 0.5",
            assertThrows(IllegalArgumentException.class, () -> Sensitivity.trimmedMeanQuorumFlip(1, 5, 9, 0.5)).getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static float[] aggregate(final AggregationRule rule, final float[][] rows) {
        return rule.aggregate(UpdateBlock.of(rows)).aggregate();
    }

    private float[][] randomRows(final int n, final double r) {
        final float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = inBall(r);
        }
        return rows;
    }

    private float[] onSphere(final double r) {
        final float[] v = new float[D];
        double s = 0;
        for (int j = 0; j < D; j++) {
            v[j] = (float) (rnd.nextDouble() * 2 - 1);
            s += v[j] * v[j];
        }
        return scaled(v, r / Math.sqrt(s) * 0.999999);
    }

    private float[] inBall(final double r) {
        return scaled(onSphere(r), rnd.nextDouble());
    }

    private float[] near(final double centre, final double spread) {
        final float[] v = onSphere(spread);
        v[0] += (float) (centre * 0.9);
        return v;
    }

    private static float[] oneHot(final int j, final double value) {
        final float[] v = new float[D];
        v[j] = (float) value;
        return v;
    }

    private float[] signVector(final double r) {
        final float[] v = new float[D];
        for (int j = 0; j < D; j++) {
            v[j] = (float) ((rnd.nextBoolean() ? r : -r) / Math.sqrt(D) * 0.999999);
        }
        return v;
    }

    private static float[] scaled(final float[] v, final double s) {
        final float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = (float) (v[j] * s);
        }
        return out;
    }

    private static float[] add(final float[] a, final float[] b) {
        final float[] out = new float[a.length];
        for (int j = 0; j < a.length; j++) {
            out[j] = a[j] + b[j];
        }
        return out;
    }

    private static float[][] append(final float[][] rows, final float[] extra) {
        final float[][] out = Arrays.copyOf(rows, rows.length + 1);
        out[rows.length] = extra;
        return out;
    }

    private static float[][] copy(final float[][] rows) {
        final float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
        }
        return out;
    }

    private static double distance(final float[] a, final float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            final double d = (double) a[j] - b[j];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static double norm(final float[] a) {
        return distance(a, new float[a.length]);
    }
}
