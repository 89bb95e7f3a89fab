package io.canopy.kernel;

import java.util.Arrays;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * PROTOTYPE.
 */
public final class GramMatrix {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    private static final int W = S.length();
    private static final int MR = 4;
    private static final int NS = 2;
    private static final int TILE = MR * NS * W;
    private static final int KC = Integer.getInteger("gram.kc", 256);
    private static final int MODE = Integer.getInteger("gram.mode", 0);
    private static final boolean PROF = Boolean.getBoolean("gram.prof");
    private static final int MEAN_CHUNK = 2048;

    private GramMatrix() {
    }

    public static double flops(final int n, final int d) {
        return (double) n * (n + 1) * d;
    }

    public static void centredGram(final float[] block, final int n, final int d, final double[] out) {
        lowerGram(block, n, d, out);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                out[j * n + i] = out[i * n + j];
            }
        }
    }

    public static void pairwiseSquaredDistances(final float[] block, final int n, final int d, final double[] out) {
        lowerGram(block, n, d, out);
        final double[] diag = new double[n];
        for (int i = 0; i < n; i++) {
            diag[i] = out[i * n + i];
            out[i * n + i] = 0.0;
        }
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                final double v = Math.max(0.0, diag[i] + diag[j] - 2.0 * out[i * n + j]);
                out[i * n + j] = v;
                out[j * n + i] = v;
            }
        }
    }

    static float[] columnMean(final float[] x, final int n, final int d) {
        final float[] mean = new float[d];
        Parallel.forRange(0, d, MEAN_CHUNK, (from, to) -> {
            final double[] s = new double[MEAN_CHUNK];
            for (int c0 = from; c0 < to; c0 += MEAN_CHUNK) {
                final int len = Math.min(MEAN_CHUNK, to - c0);
                Arrays.fill(s, 0.0);
                for (int i = 0; i < n; i++) {
                    final int off = i * d + c0;
                    for (int c = 0; c < len; c++) {
                        s[c] += x[off + c];
                    }
                }
                for (int c = 0; c < len; c++) {
                    mean[c0 + c] = (float) (s[c] / n);
                }
            }
        });
        return mean;
    }

    private static void lowerGram(final float[] x, final int n, final int d, final double[] out) {
        long T0 = System.nanoTime();
        final float[] mean = columnMean(x, n, d);
        if (PROF) System.err.printf("mean %.1f ms%n", (System.nanoTime()-T0)/1e6);
        final int colStrips = (n + W - 1) / W;
        final int rows = roundUp(Math.max(roundUp(n, MR), (colStrips + NS - 1) * W), W);
        int tiles = 0;
        for (int js = 0; js < colStrips; js += NS) {
            tiles += (n - (js * W / MR) * MR + MR - 1) / MR;
        }
        final int threads = (double) n * n * d < 1e7 ? 1 : Math.min(Parallel.threads(), Math.max(1, d / KC));
        final int[] bounds = new int[threads + 1];
        for (int t = 0; t <= threads; t++) {
            bounds[t] = (int) ((long) d * t / threads);
        }
        final double[][] accs = new double[threads][];
        final int tileCount = tiles;
        Parallel.forBoundaries(bounds, (from, to) -> {
            final double[] acc = new double[tileCount * TILE];
            final float[] p = new float[rows * KC];
            long tp = 0, tk = 0;
            for (int k0 = from; k0 < to; k0 += KC) {
                final int kc = Math.min(KC, to - k0);
                long a0 = System.nanoTime();
                if (MODE != 2) pack(x, n, d, mean, k0, kc, p, rows);
                long a1 = System.nanoTime();
                if (MODE != 1) panel(p, n, kc, colStrips, acc);
                long a2 = System.nanoTime();
                tp += a1 - a0; tk += a2 - a1;
            }
            if (PROF) System.err.printf("pack %.1f ms panel %.1f ms%n", tp/1e6, tk/1e6);
            accs[Arrays.binarySearch(bounds, from)] = acc;
        });
        int t = 0;
        for (int js = 0; js < colStrips; js += NS) {
            final int j0 = js * W;
            for (int i0 = (j0 / MR) * MR; i0 < n; i0 += MR, t++) {
                for (int r = 0; r < MR && i0 + r < n; r++) {
                    final int i = i0 + r;
                    for (int c = 0; c < NS * W && j0 + c <= i; c++) {
                        double s = 0;
                        for (final double[] acc : accs) {
                            s += acc[t * TILE + (r * NS) * W + c];
                        }
                        out[i * n + j0 + c] = s;
                    }
                }
            }
        }
    }

    private static void pack(final float[] x, final int n, final int d, final float[] mean, final int k0, final int kc,
                             final float[] p, final int rows) {
        if (MODE == 3) { packScalar(x, n, d, mean, k0, kc, p, rows); return; }
        final int[] idx = new int[W];
        for (int r = 0; r < W; r++) {
            idx[r] = r * d;
        }
        for (int s = 0; s < rows / W; s++) {
            final int row0 = s * W;
            final int dst = s * kc * W;
            if (row0 + W <= n) {
                final int src = row0 * d + k0;
                for (int k = 0; k < kc; k++) {
                    FloatVector.fromArray(S, x, src + k, idx, 0).sub(mean[k0 + k]).intoArray(p, dst + k * W);
                }
            } else if (row0 < n) {
                final VectorMask<Float> m = S.indexInRange(0, n - row0);
                final int src = row0 * d + k0;
                for (int k = 0; k < kc; k++) {
                    FloatVector.fromArray(S, x, src + k, idx, 0, m).sub(mean[k0 + k], m).intoArray(p, dst + k * W);
                }
            } else {
                Arrays.fill(p, dst, dst + kc * W, 0f);
            }
        }
    }

    private static void packScalar(final float[] x, final int n, final int d, final float[] mean, final int k0, final int kc,
                             final float[] p, final int rows) {
        for (int row = 0; row < rows; row++) {
            final int dst = (row / W) * kc * W + row % W;
            if (row < n) {
                final int src = row * d + k0;
                for (int k = 0; k < kc; k++) {
                    p[dst + k * W] = x[src + k] - mean[k0 + k];
                }
            } else {
                for (int k = 0; k < kc; k++) {
                    p[dst + k * W] = 0f;
                }
            }
        }
    }

    private static void panel(final float[] p, final int n, final int kc, final int colStrips, final double[] acc) {
        final int sw = kc * W;
        int t = 0;
        for (int js = 0; js < colStrips; js += NS) {
            final int j0 = js * W;
            for (int i0 = (j0 / MR) * MR; i0 < n; i0 += MR, t++) {
                kernel(p, i0, js * sw, kc, acc, t * TILE);
            }
        }
    }

    private static int rowBase(final int i, final int sw) {
        return (i / W) * sw + i % W;
    }

    private static void kernel(final float[] p, final int i0, final int pb, final int kc,
                               final double[] acc, final int ao) {
        final int sw = kc * W;
        final int r0 = rowBase(i0, sw);
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            final int kw = k * W;
            final FloatVector b0 = FloatVector.fromArray(S, p, pb + kw);
            final FloatVector b1 = FloatVector.fromArray(S, p, pb + sw + kw);
            FloatVector a;
            a = FloatVector.broadcast(S, p[r0 + kw]); c00 = b0.fma(a, c00); c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, p[r0 + kw + 1]); c10 = b0.fma(a, c10); c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, p[r0 + kw + 2]); c20 = b0.fma(a, c20); c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, p[r0 + kw + 3]); c30 = b0.fma(a, c30); c31 = b1.fma(a, c31);
        }
        final int w2 = NS * W;
        add(acc, ao, c00); add(acc, ao + W, c01);
        add(acc, ao + w2, c10); add(acc, ao + w2 + W, c11);
        add(acc, ao + 2 * w2, c20); add(acc, ao + 2 * w2 + W, c21);
        add(acc, ao + 3 * w2, c30); add(acc, ao + 3 * w2 + W, c31);
    }

    private static void add(final double[] acc, final int o, final FloatVector c) {
        final DoubleVector lo = (DoubleVector) c.convertShape(VectorOperators.F2D, D, 0);
        final DoubleVector hi = (DoubleVector) c.convertShape(VectorOperators.F2D, D, 1);
        DoubleVector.fromArray(D, acc, o).add(lo).intoArray(acc, o);
        DoubleVector.fromArray(D, acc, o + W / 2).add(hi).intoArray(acc, o + W / 2);
    }

    private static int roundUp(final int v, final int m) {
        return (v + m - 1) / m * m;
    }
}
