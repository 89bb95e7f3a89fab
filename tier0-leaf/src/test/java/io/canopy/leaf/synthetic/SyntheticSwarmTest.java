package io.canopy.leaf.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticSwarmTest {
    private static final int D = 64;

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void honest_updates_average_to_the_true_gradient_with_the_specified_spread() {
        SyntheticSwarm swarm = new SyntheticSwarm(SwarmSpec.honest(11L, D, 1000));
        int leaves = 20_000;
        double[] sum = new double[D];
        double squaredDeviation = 0;
        float[] g = swarm.trueGradient(3);
        float[] u = new float[D];
        for (long leaf = 0; leaf < leaves; leaf++) {
            swarm.honestUpdate(3, leaf, u, 0);
            for (int j = 0; j < D; j++) {
                sum[j] += u[j];
                squaredDeviation += (u[j] - g[j]) * (double) (u[j] - g[j]);
            }
        }
        assertEquals(1.0, norm(g), 1e-5, "‖g*‖ is the spec's gradient norm");
        double maxError = 0;
        for (int j = 0; j < D; j++) {
            maxError = Math.max(maxError, Math.abs(sum[j] / leaves - g[j]));
        }
        // Per-coordinate std sqrt(0.5)/8 ≈ 0.088; the mean of 20 000 is within 5 standard errors.
        assertTrue(maxError < 5 * 0.088 / Math.sqrt(leaves), "max |mean − g*| = " + maxError);
        // E‖h + n‖² = 0.5² + 0.5².
        assertEquals(0.5, squaredDeviation / leaves, 0.01);
        assertEquals(Math.sqrt(0.5 / D), swarm.honestCoordinateStd(), 1e-6);
    }

    @Test
    void a_leaf_keeps_its_drift_across_rounds_but_draws_fresh_noise() {
        SwarmSpec noNoise = new SwarmSpec(5L, D, 1.0, 0.5, 0.0, 0.0, Attack.NONE, Double.NaN, 100, 0.0, 100, 0.5);
        SyntheticSwarm swarm = new SyntheticSwarm(noNoise);
        float[] a = new float[D];
        float[] b = new float[D];
        swarm.honestUpdate(1, 77, a, 0);
        swarm.honestUpdate(2, 77, b, 0);
        float[] g1 = swarm.trueGradient(1).clone();
        float[] g2 = swarm.trueGradient(2);
        for (int j = 0; j < D; j++) {
            assertEquals(a[j] - g1[j], b[j] - g2[j], 1e-6, "the drift of leaf 77 at coordinate " + j);
        }
        SyntheticSwarm noisy = new SyntheticSwarm(SwarmSpec.honest(5L, D, 100));
        noisy.honestUpdate(1, 77, a, 0);
        noisy.honestUpdate(1, 77, b, 0);
        assertArrayEquals(a, b, "the same (seed, round, leaf) gives the same update");
    }

    @Test
    void byzantine_membership_dropout_and_latency_follow_the_spec() {
        SwarmSpec spec = SwarmSpec.honest(9L, D, 1000).withAttack(Attack.SIGN_FLIP, 0.2).withDropout(0.1);
        SyntheticSwarm swarm = new SyntheticSwarm(spec);
        int n = 100_000;
        int byzantine = 0;
        int dropped = 0;
        int belowMedian = 0;
        for (long leaf = 0; leaf < n; leaf++) {
            byzantine += swarm.isByzantine(leaf) ? 1 : 0;
            dropped += swarm.dropsOut(4, leaf) ? 1 : 0;
            belowMedian += swarm.latencyNanos(4, leaf) < 200_000_000L ? 1 : 0;
        }
        // Binomial standard errors: 0.0013, 0.00095, 0.0016.
        assertEquals(0.2, byzantine / (double) n, 0.007);
        assertEquals(0.1, dropped / (double) n, 0.005);
        assertEquals(0.5, belowMedian / (double) n, 0.008);
    }

    @Test
    void each_attack_sends_what_its_paper_describes() {
        SwarmSpec base = SwarmSpec.honest(21L, D, 1000);
        long round = 2;
        long attacker = firstByzantine(new SyntheticSwarm(base.withAttack(Attack.ZERO, 0.3)));
        float[] honest = new float[D];
        new SyntheticSwarm(base).honestUpdate(round, attacker, honest, 0);
        float[] out = new float[D];

        new SyntheticSwarm(base.withAttack(Attack.SIGN_FLIP, 0.3)).update(round, attacker, out, 0);
        for (int j = 0; j < D; j++) {
            assertEquals(-honest[j], out[j], 0f);
        }
        new SyntheticSwarm(base.withAttack(Attack.SCALED_SIGN_FLIP, 0.3)).update(round, attacker, out, 0);
        assertEquals(-4f * honest[0], out[0], 1e-6f);

        new SyntheticSwarm(base.withAttack(Attack.ZERO, 0.3)).update(round, attacker, out, 0);
        assertEquals(0.0, norm(out));

        SyntheticSwarm constant = new SyntheticSwarm(base.withAttack(Attack.CONSTANT_DIRECTION, 0.3));
        float[] other = new float[D];
        constant.update(round, attacker, out, 0);
        constant.update(round + 1, firstByzantineAfter(constant, attacker), other, 0);
        assertArrayEquals(out, other, "every attacker, every round, the same direction");

        SyntheticSwarm alie = new SyntheticSwarm(base.withAttack(Attack.ALIE, 0.1));
        alie.update(round, attacker(alie), out, 0);
        float[] g = alie.trueGradient(round);
        // n = 1000, f = 100: s = 401, z = Φ⁻¹(599/1000) = 0.2507596 (Python NormalDist().inv_cdf(0.599)).
        double z = SyntheticSwarm.alieZ(1000, 0.1);
        assertEquals(0.250759571882916, z, 1e-12);
        assertEquals(g[5] - z * alie.honestCoordinateStd(), out[5], 1e-6);

        SyntheticSwarm ipm = new SyntheticSwarm(base.withAttack(Attack.INNER_PRODUCT_MANIPULATION, 0.3));
        ipm.update(round, attacker(ipm), out, 0);
        assertEquals(-0.1 * ipm.trueGradient(round)[7], out[7], 1e-7);

        SyntheticSwarm random = new SyntheticSwarm(base.withAttack(Attack.RANDOM, 0.3));
        random.update(round, attacker(random), out, 0);
        for (float v : out) {
            assertTrue(v >= -1f && v <= 1f);
        }
        SyntheticSwarm gaussian = new SyntheticSwarm(base.withAttack(Attack.GAUSSIAN_NOISE, 0.3));
        gaussian.update(round, attacker(gaussian), out, 0);
        assertEquals(200.0 * Math.sqrt(D), norm(out), 200.0 * Math.sqrt(D) * 0.3);
    }

    @Test
    void attack_names_parse_from_the_command_line_form_and_unknown_ones_list_the_choices() {
        assertEquals(Attack.INNER_PRODUCT_MANIPULATION, Attack.parse("inner-product-manipulation"));
        var e = assertThrows(IllegalArgumentException.class, () -> Attack.parse("flip"));
        assertTrue(e.getMessage().startsWith("unknown attack 'flip'; choose one of none, sign-flip, scaled-sign-flip"),
            e.getMessage());
    }

    @Test
    void a_bad_spec_is_refused_naming_the_field() {
        var e = assertThrows(IllegalArgumentException.class,
            () -> new SwarmSpec(1, D, 1, 0, 0, 1.0, Attack.ZERO, Double.NaN, 10, 0, 1, 0));
        assertEquals("byzantineFraction must be in [0, 1), was 1.0", e.getMessage());
    }

    private static long attacker(SyntheticSwarm swarm) {
        return firstByzantine(swarm);
    }

    private static long firstByzantine(SyntheticSwarm swarm) {
        return firstByzantineAfter(swarm, -1);
    }

    private static long firstByzantineAfter(SyntheticSwarm swarm, long after) {
        for (long leaf = after + 1; ; leaf++) {
            if (swarm.isByzantine(leaf)) {
                return leaf;
            }
        }
    }
}
