package io.canopy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link KrumScores} against a plain sort-based reference, bit for bit, over random n, f and symmetric matrices
 * whose values are drawn to make selection hard: ties at the threshold, duplicate rows, zeros, subnormals,
 * values spread over the whole exponent range, far outliers. NaN-free off the diagonal; the diagonal holds
 * garbage (NaN included) because both paths must ignore it.
 */
class KrumScoresProperties {

    /** How the off-diagonal entries are drawn. */
    enum Values {
        /** Squared distances between Gaussian points, as Multi-Krum sees them. */
        DISTANCES,
        /** Distances with some points repeated: rows with identical multisets, zeros off the diagonal. */
        DUPLICATE_POINTS,
        /** A handful of distinct values: long runs of ties around every threshold. */
        TIES,
        /** Exponents from subnormal to 1e300, zeros among them: the secant step is useless, bisection must work. */
        WIDE,
        /** Mostly near 1 with a quarter near 1e30, the Byzantine rows' view. */
        OUTLIERS,
        /** Each entry from one of the above. */
        MIXED
    }

    @Property(tries = 400)
    void shouldEqualTheSortBasedReferenceBitForBit(@ForAll @IntRange(min = 1, max = 300) final int n,
                                                   @ForAll @IntRange(min = 0, max = 100) final int fPercent,
                                                   @ForAll final Values values, @ForAll final long seed) {
        final int k = neighbours(n, fPercent);
        final double[] dist = symmetric(n, values, seed);
        final double[] ours = new double[n];
        KrumScores.scores(dist, n, k, ours, new KrumScores.Workspace());
        final double[] reference = referenceScores(dist, n, k);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(reference[i]), Double.doubleToRawLongBits(ours[i]),
                () -> "n=" + n + " k=" + k + " " + values + ": " + Arrays.toString(ours)
                    + " vs " + Arrays.toString(reference));
        }
    }

    @Property(tries = 200)
    void shouldEqualThePerRowQuickselectItReplacedBitForBit(@ForAll @IntRange(min = 1, max = 300) final int n,
                                                            @ForAll @IntRange(min = 0, max = 100) final int fPercent,
                                                            @ForAll final Values values, @ForAll final long seed) {
        final int k = neighbours(n, fPercent);
        final double[] dist = symmetric(n, values, seed);
        final KrumScores.Workspace workspace = new KrumScores.Workspace();
        final double[] ours = new double[n];
        final double[] before = new double[n];
        KrumScores.scores(dist, n, k, ours, workspace);
        KrumScores.scoresByQuickselect(dist, n, k, before, workspace);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(before[i]), Double.doubleToRawLongBits(ours[i]), "row " + i);
        }
    }

    @Property(tries = 300)
    void shouldGiveTheSameBitsFromTheLowerTriangleAlone(@ForAll @IntRange(min = 1, max = 300) final int n,
                                                        @ForAll @IntRange(min = 0, max = 100) final int fPercent,
                                                        @ForAll final Values values, @ForAll final long seed) {
        final int k = neighbours(n, fPercent);
        final double[] dist = symmetric(n, values, seed);
        final double[] lowerOnly = dist.clone();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                // Garbage above the diagonal, NaN included, which the lower path must never read.
                lowerOnly[i * n + j] = j % 3 == 0 ? Double.NaN : -j;
            }
        }
        final double[] full = new double[n];
        final double[] fromLower = new double[n];
        KrumScores.scores(dist, n, k, full, new KrumScores.Workspace());
        KrumScores.scoresFromLower(lowerOnly, n, k, fromLower, new KrumScores.Workspace());
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(full[i]), Double.doubleToRawLongBits(fromLower[i]),
                "n=" + n + " k=" + k + " " + values + " row " + i);
        }
    }

    /**
     * The score is the sum of the k smallest: only the order of the additions differs from summing the sorted row,
     * so the two agree within the first-order bound for sums of k non-negative terms in two orders (plus the ties
     * term's multiply and add), 2k·2^-53 of the sum.
     */
    @Property(tries = 200)
    void shouldBeTheSumOfTheKSmallestUpToTheOrderOfAddition(@ForAll @IntRange(min = 2, max = 300) final int n,
                                                            @ForAll @IntRange(min = 0, max = 100) final int fPercent,
                                                            @ForAll final long seed) {
        final int k = neighbours(n, fPercent);
        final double[] dist = symmetric(n, Values.DISTANCES, seed);
        final double[] ours = new double[n];
        KrumScores.scores(dist, n, k, ours, new KrumScores.Workspace());
        for (int i = 0; i < n; i++) {
            final double[] row = offDiagonal(dist, n, i);
            Arrays.sort(row);
            double sorted = 0.0;
            for (int j = 0; j < k; j++) {
                sorted += row[j];
            }
            assertTrue(Math.abs(ours[i] - sorted) <= 2.0 * k * 0x1p-53 * sorted,
                "row " + i + ": " + ours[i] + " vs " + sorted);
        }
    }

    @Property(tries = 100)
    void shouldGiveTheSameScoresThroughOneWorkspaceAcrossSizes(@ForAll @IntRange(min = 1, max = 200) final int n,
                                                               @ForAll final long seed) {
        final int k = neighbours(n, 25);
        final double[] dist = symmetric(n, Values.MIXED, seed);
        final double[] fresh = new double[n];
        final double[] reused = new double[n];
        KrumScores.scores(dist, n, k, fresh, new KrumScores.Workspace());
        KrumScores.scores(dist, n, k, reused, SHARED);
        assertEquals(Arrays.toString(fresh), Arrays.toString(reused));
    }

    /** Shared across tries on purpose: matrices of every size go through one workspace. */
    private static final KrumScores.Workspace SHARED = new KrumScores.Workspace();

    /**
     * The specification, as plainly as it can be written: t = the k-th smallest off-diagonal entry of the
     * sorted row, then the entries below t in column order, then the ties at t that the count still needs.
     */
    static double[] referenceScores(final double[] dist, final int n, final int k) {
        final double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            if (k == 0) {
                continue;
            }
            final double[] sorted = offDiagonal(dist, n, i);
            Arrays.sort(sorted);
            final double t = sorted[k - 1];
            double s = 0.0;
            int below = 0;
            for (int j = 0; j < n; j++) {
                if (j != i && dist[i * n + j] < t) {
                    s += dist[i * n + j];
                    below++;
                }
            }
            scores[i] = s + (k - below) * t;
        }
        return scores;
    }

    /** k = n − f − 2 with f a percentage of n, clamped into the kernel's range 0..n−1. */
    static int neighbours(final int n, final int fPercent) {
        return Math.max(0, Math.min(n - 1, n - n * fPercent / 100 - 2));
    }

    static double[] offDiagonal(final double[] dist, final int n, final int i) {
        final double[] row = new double[n - 1];
        for (int j = 0, m = 0; j < n; j++) {
            if (j != i) {
                row[m++] = dist[i * n + j];
            }
        }
        return row;
    }

    static double[] symmetric(final int n, final Values values, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] dist = new double[n * n];
        if (values == Values.DISTANCES || values == Values.DUPLICATE_POINTS) {
            pointDistances(dist, n, values == Values.DUPLICATE_POINTS, random);
        } else {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    final Values v = values == Values.MIXED ? Values.values()[2 + random.nextInt(3)] : values;
                    dist[i * n + j] = value(v, random);
                    dist[j * n + i] = dist[i * n + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            dist[i * n + i] = new double[] {0.0, Double.NaN, -1.0, 1e300, 0.5}[random.nextInt(5)];
        }
        return dist;
    }

    private static double value(final Values values, final SplittableRandom random) {
        return switch (values) {
            case TIES -> new double[] {0.0, 1.0, 1.0, 2.0, 3.5}[random.nextInt(5)];
            case WIDE -> random.nextInt(8) == 0
                ? 0.0
                : Math.scalb(1.0 + random.nextDouble(), random.nextInt(-1074, 1000));
            case OUTLIERS -> random.nextInt(4) == 0 ? 1e30 * (1 + random.nextDouble()) : 1 + random.nextDouble();
            default -> throw new AssertionError(values + " is not drawn per entry");
        };
    }

    private static void pointDistances(final double[] dist, final int n, final boolean duplicates,
                                       final SplittableRandom random) {
        final int d = 1 + random.nextInt(8);
        final double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            final int source = duplicates && i > 0 && random.nextInt(3) == 0 ? random.nextInt(i) : i;
            for (int c = 0; c < d; c++) {
                x[i * d + c] = source == i ? random.nextGaussian() : x[source * d + c];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0.0;
                for (int c = 0; c < d; c++) {
                    final double diff = x[i * d + c] - x[j * d + c];
                    s += diff * diff;
                }
                dist[i * n + j] = s;
                dist[j * n + i] = s;
            }
        }
    }
}
