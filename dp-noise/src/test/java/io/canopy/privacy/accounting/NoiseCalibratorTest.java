package io.canopy.privacy.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoiseCalibratorTest {

    @ParameterizedTest(name = "eps={0} delta={1} q={2} T={3}")
    @CsvSource({"2.0, 1e-5, 1.0, 1000", "2.0, 1e-5, 0.01, 1000", "1.0, 1e-6, 0.001, 100000", "8.0, 1e-5, 0.04, 2250",
        "0.5, 1e-5, 0.1, 10", "3.0, 1e-7, 1e-5, 1000000"})
    void calibrate_then_spend_gives_the_target_within_one_percent(final double eps, final double delta, final double q,
                                                                   final long steps) {
        final double z = NoiseCalibrator.calibrate(eps, delta, q, steps);
        final double spent = new RdpAccountant().compose(q, z, steps).spent(delta).epsilon();
        assertTrue(spent <= eps, "must meet the target: " + spent);
        assertTrue(spent >= 0.99 * eps, "must not overshoot by more than 1%: " + spent);
        assertTrue(NoiseCalibrator.epsilonAt(z - 2 * NoiseCalibrator.Z_TOLERANCE, delta, q, steps) > eps,
            "a visibly smaller z must miss the target");
    }

    /** Opacus accountants_test.test_get_noise_multiplier: eps 8, delta 1e-5, q 0.04, 90 epochs gives 1.425307617
     *  (on Opacus's grid, with its epsilon tolerance 0.01, so our z may differ in the third decimal). */
    @Test
    void agrees_with_opacus_get_noise_multiplier() {
        final double z = NoiseCalibrator.calibrate(8, 1e-5, 0.04, 2250);
        assertEquals(1.425307617, z, 0.02 * 1.425307617);
    }

    @Test
    void classic_one_shot_calibration_applies_only_below_epsilon_one() {
        assertEquals(Math.sqrt(2 * Math.log(1.25e5)) / 0.5, NoiseCalibrator.classicSigma(1, 0.5, 1e-5), 1e-12);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NoiseCalibrator.classicSigma(1, 2.0, 1e-5));
        assertEquals("the classic calibration sigma = sensitivity*sqrt(2 ln(1.25/delta))/epsilon is proven only for"
            + " 0 < epsilon < 1 (Dwork and Roth 2014, Thm. 3.22), got epsilon 2.0; use the RDP calibration instead",
            e.getMessage());
    }
}
