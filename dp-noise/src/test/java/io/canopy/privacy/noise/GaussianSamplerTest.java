package io.canopy.privacy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.privacy.accounting.LogMath;
import java.lang.management.ManagementFactory;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Distribution checks for both samplers, on seeded generators: mean, variance, two tail probabilities and
 * a Kolmogorov–Smirnov test against Φ. Thresholds are about 5 standard errors (KS: the 0.1% critical
 * value), so a correct sampler fails with negligible probability and the seeds make the outcome fixed.
 */
class GaussianSamplerTest {

    private static final int N = 300_000;

    static GaussianSampler sampler(final String name) {
        if (name.equals("fast")) {
            return new FastGaussianSampler(7);
        }
        try {
            // SHA1PRNG seeded before first use is deterministic: the test is reproducible.
            final SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(20_261_123L);
            return new SecureGaussianSampler(seeded);
        } catch (final NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static double phi(final double x) {
        return 0.5 * Math.exp(LogMath.logErfc(-x / Math.sqrt(2)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"secure", "fast"})
    void draws_are_standard_normal_in_mean_variance_tails_and_by_kolmogorov_smirnov(final String name) {
        final double[] z = new double[N];
        sampler(name).fillStandard(z);
        double sum = 0;
        double sq = 0;
        int beyond3 = 0;
        int beyond4 = 0;
        for (final double v : z) {
            sum += v;
            sq += v * v;
            beyond3 += Math.abs(v) > 3 ? 1 : 0;
            beyond4 += Math.abs(v) > 4 ? 1 : 0;
        }
        final double mean = sum / N;
        final double var = sq / N - mean * mean;
        assertEquals(0, mean, 5 / Math.sqrt(N), "mean");
        assertEquals(1, var, 5 * Math.sqrt(2.0 / N), "variance");
        final double p3 = 2 * phi(-3);
        final double p4 = 2 * phi(-4);
        assertEquals(p3 * N, beyond3, 5 * Math.sqrt(p3 * N), "P(|Z| > 3)");
        assertEquals(p4 * N, beyond4, 5 * Math.sqrt(p4 * N) + 2, "P(|Z| > 4)");
        Arrays.sort(z);
        double d = 0;
        for (int i = 0; i < N; i++) {
            final double f = phi(z[i]);
            d = Math.max(d, Math.max(f - (double) i / N, (double) (i + 1) / N - f));
        }
        assertTrue(d < 1.95 / Math.sqrt(N), "KS statistic " + d);
    }

    @Test
    void the_secure_sampler_releases_grid_points_with_the_requested_spread() {
        final SecureGaussianSampler s = (SecureGaussianSampler) sampler("secure");
        final double sigma = 0.37;
        final double gamma = SecureGaussianSampler.granularity(sigma);
        assertTrue(sigma / gamma >= 0x1.0p30 && sigma / gamma < 0x1.0p31);
        final float[] x = new float[200_000];
        Arrays.fill(x, 1.5f);
        s.addNoise(x, sigma);
        double sum = 0;
        double sq = 0;
        for (final float v : x) {
            sum += v - 1.5;
            sq += (v - 1.5) * (v - 1.5);
        }
        assertEquals(0, sum / x.length, 5 * sigma / Math.sqrt(x.length));
        assertEquals(sigma * sigma, sq / x.length, 5 * sigma * sigma * Math.sqrt(2.0 / x.length));
    }

    @Test
    void the_discrete_gaussian_matches_its_probability_mass_at_small_scale() {
        // At s = 1.5 the discrete Gaussian is visibly discrete: compare P(Y = k) with e^(-k²/2s²)/Σ.
        final SecureGaussianSampler s = (SecureGaussianSampler) sampler("secure");
        final double scale = 1.5;
        final int n = 200_000;
        final int[] counts = new int[21];
        for (int i = 0; i < n; i++) {
            final long y = s.discreteGaussian(scale);
            if (Math.abs(y) <= 10) {
                counts[(int) y + 10]++;
            }
        }
        double norm = 0;
        for (int k = -40; k <= 40; k++) {
            norm += Math.exp(-k * k / (2 * scale * scale));
        }
        for (int k = -4; k <= 4; k++) {
            final double p = Math.exp(-k * k / (2 * scale * scale)) / norm;
            assertEquals(p * n, counts[k + 10], 5 * Math.sqrt(p * n), "P(Y = " + k + ")");
        }
    }

    @Test
    void the_fast_sampler_is_reproducible_from_its_seed_and_differs_across_seeds() {
        final double[] a = new double[10_000];
        final double[] b = new double[10_000];
        final double[] c = new double[10_000];
        new FastGaussianSampler(11).fillStandard(a);
        new FastGaussianSampler(11).fillStandard(b);
        new FastGaussianSampler(12).fillStandard(c);
        assertTrue(Arrays.equals(a, b));
        assertNotEquals(a[0], c[0]);
    }

    @Test
    void the_fast_sampler_allocates_nothing_while_adding_noise() {
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final FastGaussianSampler s = new FastGaussianSampler(3);
        final float[] x = new float[100_000];
        // Until C2 has compiled the Vector API loop, the interpreter boxes vectors: poll until compiled code runs.
        long allocated = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 300 && allocated >= 1024; attempt++) {
            final long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10; i++) {
                s.addNoise(x, 1.0);
            }
            allocated = mx.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes per 10 calls after warm-up");
    }

    @Test
    void the_mechanism_records_its_sampler_and_pays_for_the_secure_grid() {
        final GaussianMechanism secure = GaussianMechanism.secure(7, 0.1, 1_000_000);
        assertEquals("secure", secure.samplerName());
        final double gamma = SecureGaussianSampler.granularity(secure.sigma());
        assertTrue(secure.sigma() / (0.1 + gamma * 1000) >= 7, "sigma covers the snapped sensitivity");
        assertEquals(0.7, secure.sigma(), 0.7 * 1e-5);
        final GaussianMechanism fast = GaussianMechanism.fastForSimulation(7, 0.1, 10, 1);
        assertEquals("fast", fast.samplerName());
        assertEquals(0.7, fast.sigma(), 1e-15);
    }
}
