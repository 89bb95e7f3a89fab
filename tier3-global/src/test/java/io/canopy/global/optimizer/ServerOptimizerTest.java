package io.canopy.global.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServerOptimizerTest {

    @Test
    void fedavg_moves_the_model_by_the_learning_rate_times_the_update() {
        float[] model = {1f, -1f, 0f};
        new FedAvgStep(0.5f).apply(model, new float[] {2f, 2f, -4f});
        assertArrayEquals(new float[] {2f, 0f, -2f}, model);
    }

    @Test
    void fedadam_follows_the_papers_recurrence_step_by_step() {
        // Two rounds by hand with η = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 1e-3 on one coordinate:
        // round 1, Δ = 1: m = 0.1, v = 0.01, x = 0 + 0.1·0.1/(0.1 + 0.001) = 0.0990099
        // round 2, Δ = −1: m = 0.09 − 0.1 = −0.01, v = 0.0099 + 0.01 = 0.0199,
        //          x = 0.0990099 + 0.1·(−0.01)/(√0.0199 + 0.001) = 0.0919710
        FedAdam adam = FedAdam.withDefaults(1, 0.1f);
        float[] x = {0f};
        adam.apply(x, new float[] {1f});
        assertEquals(0.0990099f, x[0], 1e-6f);
        adam.apply(x, new float[] {-1f});
        assertEquals(0.0919710f, x[0], 1e-6f);
    }

    @Test
    void fedavgm_accumulates_a_velocity_and_steps_along_it() {
        // By hand, η = 0.5, β = 0.9: Δ = 1 → v = 1, x = 0.5; Δ = 1 → v = 1.9, x = 1.45; Δ = −2 → v = −0.29, x = 1.305.
        FedAvgMomentum m = new FedAvgMomentum(1, 0.5f, 0.9f);
        float[] x = {0f};
        m.apply(x, new float[] {1f});
        assertEquals(0.5f, x[0], 1e-6f);
        m.apply(x, new float[] {1f});
        assertEquals(1.45f, x[0], 1e-6f);
        m.apply(x, new float[] {-2f});
        assertEquals(1.305f, x[0], 1e-6f);
        float[] plain = {0f};
        FedAvgMomentum none = new FedAvgMomentum(1, 0.5f, 0f);
        none.apply(plain, new float[] {1f});
        none.apply(plain, new float[] {1f});
        assertEquals(1.0f, plain[0], 1e-6f, "β = 0 is FedAvg");
        var e = assertThrows(IllegalArgumentException.class, () -> new FedAvgMomentum(1, 1f, 1f));
        assertEquals("server momentum must be in [0, 1), was 1.0", e.getMessage());
    }

    @Test
    void a_mismatched_update_is_refused_with_both_lengths() {
        var e = assertThrows(IllegalArgumentException.class, () -> new FedAvgStep(1f).apply(new float[3], new float[2]));
        assertEquals("the update has 2 values, the model 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FedAdam(4, 0.1f, 1f, 0.99f, 1e-3f));
        assertEquals("beta1 must be in [0, 1), was 1.0", e.getMessage());
    }
}
