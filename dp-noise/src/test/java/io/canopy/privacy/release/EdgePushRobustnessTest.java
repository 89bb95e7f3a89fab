package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The robustness bound of the gated release, against an adaptive "edge-push" sweep: Byzantine leaves placed at
 * distance δ from the honest mean μ along one direction, δ from 0 to 3ρ, through the real cluster passes and upper
 * tiers (k2 = 0, so the tree's sums are exact means).
 *
 * <p><b>The bound</b> (noise-free, the centre v1 public). With no trimming the published update is the mean of
 * the gated contributions, u = v1 + Σ_{i∈G} φ_i/W with W = |G| and φ_i = clip_τ(x_i − v1) for the leaves within ρ of
 * v1. Split G into its honest part H_G and Byzantine part B_G: u − μ = (|H_G|/W)(u_H − μ) + (1/W)Σ_{B_G}(v1 + φ_b − μ),
 * where u_H is the release over the honest leaves alone at the same centre. Each Byzantine term has norm at most
 * ‖v1 − μ‖ + τ, so ‖u − μ‖ ≤ ‖u_H − μ‖ + (|B_G|/W)·(‖v1 − μ‖ + τ). Attackers farther than ρ from v1 drop out
 * entirely (u = u_H); at the gate's edge, pointing away, they attain the bound — the sweep checks both.
 *
 * <p><b>With noise</b> (Ã2 = A2 + N(0, σ2²), W̃ = W + N(0, σ2²)/s·τ·λ, ũ = v1 + (Ã2 − v1)·m_tot/max(W̃, W_min)):
 * ũ − u = (u − v1)(W/max(W̃, W_min) − 1) + noise·r̃, so ‖ũ − μ‖ ≤ bound + τ·|W/max(W̃, W_min) − 1| + 3σ√d with σ =
 * σ2·r̃ the published update's noise per coordinate (‖N(0, σ²I_d)‖ ≤ 3σ√d with overwhelming probability at d = 32;
 * the runs are seeded, so the check is deterministic).
 */
class EdgePushRobustnessTest {
    private static final int D = 32;
    private static final int K = 5;
    private static final int M = 2;
    private static final int HONEST = 40;
    private static final double C = 1.0;
    private static final double RHO = 0.7;
    private static final double SPREAD = 0.05;
    private static final double SLACK = 1 + 1e-5;

    private record Round(float[] update, float[] centre, long w, long byzantineInGate, long honestInGate) {
    }

    private static double distance(final float[] a, final float[] b) {
        return NoiseFreeTree.distance(a, b);
    }

    /** Per cluster: HONEST rows around μ, then {@code byzantine} rows at μ + δ·u. */
    private static float[][] blocks(final float[] mu, final float[] direction, final double delta, final int byzantine,
                                    final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[][] blocks = new float[K * M][];
        for (int c = 0; c < blocks.length; c++) {
            final float[] b = new float[(HONEST + byzantine) * D];
            for (int i = 0; i < HONEST + byzantine; i++) {
                for (int j = 0; j < D; j++) {
                    b[i * D + j] = (float) (i < HONEST ? mu[j] + SPREAD * random.nextGaussian() : mu[j] + delta * direction[j]);
                }
            }
            blocks[c] = b;
        }
        return blocks;
    }

    private static float[][] honestOnly(final float[][] blocks) {
        final float[][] out = new float[blocks.length][];
        for (int c = 0; c < blocks.length; c++) {
            out[c] = Arrays.copyOf(blocks[c], HONEST * D);
        }
        return out;
    }

    /** The gated release at centre v1 (no noise), as the coordinator composes it: v1 + (A2 − v1)·m_tot/W. */
    private static float[] published(final float[][] blocks, final float[] v1, final TreeScale scale, final long[] w) {
        final NoiseFreeTree.Releases r = NoiseFreeTree.run(blocks, D, K, 0, M, new float[D], v1, C, RHO, RHO,
            scale.plannedPerCluster());
        w[0] = r.w();
        final float[] u = new float[D];
        final double factor = scale.plannedTotal() / r.w();
        for (int j = 0; j < D; j++) {
            u[j] = (float) (v1[j] + ((double) r.a2()[j] - v1[j]) * factor);
        }
        return u;
    }

    private static long inGate(final float[][] blocks, final float[] v1, final int from, final int to) {
        long n = 0;
        for (final float[] b : blocks) {
            for (int i = from; i < Math.min(to, b.length / D); i++) {
                n += Math.sqrt(ClusterPasses.distanceSquared(b, i * D, v1, D)) <= RHO ? 1 : 0;
            }
        }
        return n;
    }

    @ParameterizedTest(name = "{0} attackers per cluster of 40 honest")
    @ValueSource(ints = {4, 10})
    void the_published_update_stays_within_the_stated_bound_for_every_push_and_attains_it_at_the_gates_edge(
        final int byzantine) {
        final SplittableRandom random = new SplittableRandom(20261202L + byzantine);
        final float[] mu = new float[D];
        final float[] direction = new float[D];
        double norm = 0;
        for (int j = 0; j < D; j++) {
            mu[j] = (float) (0.5 / Math.sqrt(D) * (j % 2 == 0 ? 1 : -1));
            direction[j] = (float) random.nextGaussian();
            norm += direction[j] * direction[j];
        }
        for (int j = 0; j < D; j++) {
            direction[j] /= (float) Math.sqrt(norm);
        }
        final TreeScale scale = new TreeScale(HONEST + byzantine, K, 0, M);
        final TwoPassRelease release = TwoPassRelease.of(C, GateRadius.planConstant(RHO / C, C), 1.0, scale);
        double tightest = 0;
        int excludedSteps = 0;
        for (int step = 0; step <= 300; step++) {
            final double delta = step * 0.01 * RHO;
            final float[][] blocks = blocks(mu, direction, delta, byzantine, 7L * step + byzantine);
            // Pass 1, noise-free: the centre v1 the attackers also pull.
            final float[] v1 = NoiseFreeTree.run(blocks, D, K, 0, M, new float[D], null, C, RHO, RHO,
                scale.plannedPerCluster()).a1();
            final long[] w = new long[1];
            final float[] u = published(blocks, v1, scale, w);
            final long[] wHonest = new long[1];
            final float[] uHonest = published(honestOnly(blocks), v1, scale, wHonest);
            final long byzantineInGate = inGate(blocks, v1, HONEST, HONEST + byzantine);
            assertEquals(wHonest[0] + byzantineInGate, w[0], "W counts the honest and the Byzantine leaves in the gate");
            final double pull = (double) byzantineInGate / w[0] * (distance(v1, mu) + RHO);
            final double bound = distance(uHonest, mu) + pull;
            final double error = distance(u, mu);
            assertTrue(error <= bound * SLACK + 1e-6, "delta " + delta + ": error " + error + " > bound " + bound);
            if (byzantineInGate == 0) {
                assertArrayEquals(uHonest, u, "delta " + delta + ": attackers outside the gate change nothing");
                excludedSteps++;
            } else {
                // The attackers' own term, (1/W)·Σ_B (v1 + φ_b − μ) = u − μ − (|H_G|/W)(u_H − μ), against its bound.
                final float[] own = new float[D];
                final double honestShare = (double) wHonest[0] / w[0];
                for (int j = 0; j < D; j++) {
                    own[j] = (float) ((double) u[j] - mu[j] - honestShare * ((double) uHonest[j] - mu[j]));
                }
                tightest = Math.max(tightest, distance(own, new float[D]) / pull);
            }

            // The same round with the release's noise (seeded): within the bound plus the noise's 3σ√d.
            final SplittableRandom noise = new SplittableRandom(99L * step + byzantine);
            final double sigma1 = release.centre().sigma();
            final float[] v1Noisy = v1.clone();
            for (int j = 0; j < D; j++) {
                v1Noisy[j] += (float) (sigma1 * noise.nextGaussian());
            }
            final NoiseFreeTree.Releases r = NoiseFreeTree.run(blocks, D, K, 0, M, new float[D], v1Noisy, C, RHO, RHO,
                scale.plannedPerCluster());
            final double sigma2 = release.update().sigma();
            final float[] a2 = r.a2().clone();
            for (int j = 0; j < D; j++) {
                a2[j] += (float) (sigma2 * noise.nextGaussian());
            }
            final double wNoisy = r.w() + sigma2 * noise.nextGaussian() / release.countUnit();
            final float[] published = new float[D];
            if (!release.publish(a2, v1Noisy, D, wNoisy, published)) {
                continue; // not published: the release refused, which the bound does not cover
            }
            final float[] uHonestNoisy = published(honestOnly(blocks), v1Noisy, scale, wHonest);
            final double noisyBound = distance(uHonestNoisy, mu)
                + (double) inGate(blocks, v1Noisy, HONEST, HONEST + byzantine) / r.w() * (distance(v1Noisy, mu) + RHO)
                + RHO * Math.abs(r.w() / Math.max(wNoisy, release.minCount()) - 1)
                + 3 * release.updateSigma(wNoisy) * Math.sqrt(D);
            assertTrue(distance(published, mu) <= noisyBound * SLACK,
                "delta " + delta + " with noise: error " + distance(published, mu) + " > " + noisyBound);
        }
        assertTrue(excludedSteps > 50, "a push beyond the gate is excluded: " + excludedSteps + " steps");
        assertTrue(tightest >= 0.98, "at the gate's edge the push attains the bound: at best " + tightest + " of it");
    }
}
