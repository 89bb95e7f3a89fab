package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.privacy.plan.TreeShape;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The regime choice and the default plan's figures. */
class ReleaseChoiceTest {

    @Test
    void the_default_ten_million_leaf_plan_chooses_two_pass_with_noise_within_one_and_a_half_of_dp_fedavg() {
        final ReleasePlan p = ReleasePlan.of(TreeShape.defaults(), ReleaseOptions.defaults());
        assertEquals(ReleaseChoice.Regime.TWO_PASS, p.choice().regime(), p.choice().reason());
        assertEquals(1.25e-6, p.scale().lambda(), 1e-18);
        final double ratio = p.twoPassUpdateSigma() / p.dpFedAvgSigma();
        // The note predicts 0.93 at rho = 0.7 C: (1/sqrt(8/9)) * 0.7 * sqrt(1.01) * q N lambda.
        assertEquals(0.7 * Math.sqrt(1.01) * 1.25 / Math.sqrt(8.0 / 9.0), ratio, 1e-9);
        assertTrue(ratio <= 1.5);
        assertEquals(p.dpFedAvgSigma(), p.fixedSigma(), 1e-18);
        assertTrue(p.choice().reason().contains("two-pass gated release"), p.choice().reason());
    }

    @Test
    void a_small_fleet_with_a_big_model_chooses_the_fixed_denominator_mean() {
        // 10^4 leaves, q = 0.1, clusters of 100 (m_c = 10), K = M = 10, d = 5e4: the centre's noise is about C.
        final TreeShape small = new TreeShape(10_000, 0.1, 100, 10, 10, 1.0, 1, 0.1, 0.1, 0.6, 100, 8.0, 1e-5, 50_000,
            Set.of("continental", "global"));
        final ReleasePlan p = ReleasePlan.of(small, ReleaseOptions.defaults());
        assertEquals(ReleaseChoice.Regime.FIXED_DENOMINATOR, p.choice().regime(), p.choice().reason());
        assertTrue(p.choice().centreNoise() > 0.5 * p.gate().rho());
        assertTrue(p.choice().reason().contains("fixed-denominator mean"), p.choice().reason());
    }

    @Test
    void the_choice_flips_exactly_at_half_the_gate_radius() {
        final TreeScale scale = new TreeScale(1, 1, 0, 1);
        // z1 * C * lambda * sqrt(d) = 3 * 1 * 1 * 1 = 3 against 0.5 * rho.
        assertEquals(ReleaseChoice.Regime.TWO_PASS, ReleaseChoice.decide(1, 1, 1.0 / 9, 1, 6, scale).regime());
        assertEquals(ReleaseChoice.Regime.FIXED_DENOMINATOR, ReleaseChoice.decide(1, 1, 1.0 / 9, 1, 5.999, scale).regime());
    }
}
