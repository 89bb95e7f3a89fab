package io.canopy.leaf.train;

import java.util.SplittableRandom;

import io.canopy.leaf.data.LabelledImages;

/**
 * The models written the plainest way, in double, straight from the formulas and parameter layouts in
 * the javadoc of {@link SoftmaxRegression}, {@link Mlp} and {@link DenseModel}: what the vectorised code
 * is checked against.
 */
final class ReferenceModels {
    static final int IN = LabelledImages.PIXELS;
    static final int OUT = LabelledImages.CLASSES;

    private ReferenceModels() {
    }

    /** hidden = 0 for softmax regression. */
    static double[] logits(float[] w, int hidden, float[] x, int xo) {
        if (hidden == 0) {
            return affine(w, OUT, OUT * IN, x, xo); // z_k = b_k + Σ_i W[k][i]·x_i
        }
        double[] z = new double[OUT];
        double[] h = hiddenActivations(w, hidden, x, xo);
        int w2 = IN * hidden + hidden;
        for (int k = 0; k < OUT; k++) {
            double s = w[w2 + OUT * hidden + k];
            for (int j = 0; j < hidden; j++) {
                s += (double) w[w2 + k * hidden + j] * h[j];
            }
            z[k] = s;
        }
        return z;
    }

    /** Pre-activations a_j = b1_j + Σ_i W1[j][i]·x_i (not yet rectified). */
    static double[] preActivations(float[] w, int hidden, float[] x, int xo) {
        return affine(w, hidden, IN * hidden, x, xo);
    }

    /** {@code rows} outputs b_r + Σ_i W[r][i]·x_i of the first layer: W row-major from w[0], b from w[bias]. */
    private static double[] affine(float[] w, int rows, int bias, float[] x, int xo) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = w[bias + r];
            for (int i = 0; i < IN; i++) {
                s += (double) w[r * IN + i] * x[xo + i];
            }
            out[r] = s;
        }
        return out;
    }

    static double[] hiddenActivations(float[] w, int hidden, float[] x, int xo) {
        double[] a = preActivations(w, hidden, x, xo);
        for (int j = 0; j < hidden; j++) {
            a[j] = Math.max(a[j], 0.0);
        }
        return a;
    }

    /** Mean cross-entropy over n examples. */
    static double loss(float[] w, int hidden, float[] x, int[] labels, int n) {
        double total = 0;
        for (int e = 0; e < n; e++) {
            double[] z = logits(w, hidden, x, e * IN);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            total += Math.log(sum) + max - z[labels[e]];
        }
        return total / n;
    }

    /** The gradient of the mean cross-entropy, in the model's layout. */
    static double[] gradient(float[] w, int hidden, float[] x, int[] labels, int n) {
        int d = hidden == 0 ? SoftmaxRegression.DIMENSION : Mlp.dimension(hidden);
        double[] g = new double[d];
        for (int e = 0; e < n; e++) {
            int xo = e * IN;
            double[] z = logits(w, hidden, x, xo);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            double[] dz = new double[OUT];
            for (int k = 0; k < OUT; k++) {
                dz[k] = (Math.exp(z[k] - max) / sum - (k == labels[e] ? 1 : 0)) / n;
            }
            if (hidden == 0) {
                for (int k = 0; k < OUT; k++) {
                    for (int i = 0; i < IN; i++) {
                        g[k * IN + i] += dz[k] * x[xo + i];
                    }
                    g[OUT * IN + k] += dz[k];
                }
                continue;
            }
            double[] a = preActivations(w, hidden, x, xo);
            int b1 = IN * hidden;
            int w2 = b1 + hidden;
            int b2 = w2 + OUT * hidden;
            for (int k = 0; k < OUT; k++) {
                for (int j = 0; j < hidden; j++) {
                    g[w2 + k * hidden + j] += dz[k] * Math.max(a[j], 0.0);
                }
                g[b2 + k] += dz[k];
            }
            for (int j = 0; j < hidden; j++) {
                if (a[j] <= 0) {
                    continue;
                }
                double delta = 0;
                for (int k = 0; k < OUT; k++) {
                    delta += dz[k] * w[w2 + k * hidden + j];
                }
                for (int i = 0; i < IN; i++) {
                    g[j * IN + i] += delta * x[xo + i];
                }
                g[b1 + j] += delta;
            }
        }
        return g;
    }

    /** Parameters ~ N(0, scale²) (biases included), from a seed. */
    static float[] randomParameters(int d, double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] w = new float[d];
        for (int i = 0; i < d; i++) {
            w[i] = (float) (scale * random.nextGaussian());
        }
        return w;
    }

    /** n images of uniform pixels in [0, 1] with labels uniform in 0..9. */
    static LabelledImages randomImages(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[n * IN];
        byte[] labels = new byte[n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        for (int e = 0; e < n; e++) {
            labels[e] = (byte) random.nextInt(OUT);
        }
        return new LabelledImages(pixels, labels);
    }

    static int[] labels(LabelledImages images) {
        int[] y = new int[images.count()];
        for (int e = 0; e < y.length; e++) {
            y[e] = images.label(e);
        }
        return y;
    }
}
