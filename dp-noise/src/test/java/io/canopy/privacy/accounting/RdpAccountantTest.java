package io.canopy.privacy.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Closed forms, limits and monotonicity of the accountant; published reference points are in {@link PublishedReferencesTest}. */
class RdpAccountantTest {

    @Test
    void reduces_to_alpha_over_two_z_squared_when_every_leaf_is_sampled() {
        for (final double z : new double[] {0.3, 1, 4.5, 100}) {
            for (final double a : RdpAccountant.DEFAULT_ORDERS) {
                assertEquals(a / (2 * z * z), SubsampledGaussianRdp.rdp(1.0, z, a), 0.0);
            }
        }
    }

    /** Values from mpmath 1.3 quadrature of A_α = E_{N(0,z²)}[((1−q) + q·e^{(2x−1)/(2z²)})^α] at 50 digits,
     *  the check TF Privacy's rdp_accountant_test.test_compute_log_a_equals_mp makes (rtol 1e-4). */
    @ParameterizedTest(name = "q={0} z={1} alpha={2}")
    @CsvSource({
        "1e-6, 1.0, 27, 3.3728859772334088e-11",
        "1e-4, 1.0, 1.5, 1.2885373940727913e-8",
        "1e-3, 1.0, 2, 1.7182803522127806e-6",
        "0.01, 10, 20, 1.0068263112013482e-5",
        "0.1, 100, 20.5, 1.0252214593910356e-5",
        "1e-6, 0.3, 2.5, 7.7224398450582612e-7",
        "0.5, 0.3, 4.5, 24.108810767851499"})
    void matches_numerical_integration_of_the_renyi_divergence(final double q, final double z, final double alpha,
                                                               final double expected) {
        assertEquals(expected, SubsampledGaussianRdp.rdp(q, z, alpha), 1e-4 * expected);
    }

    @Test
    void stays_finite_non_negative_and_below_the_unsampled_value_across_the_supported_range() {
        for (final double q : new double[] {1e-6, 1e-5, 1e-3, 0.01, 0.1, 0.5, 0.9, 0.999999}) {
            for (final double z : new double[] {0.3, 0.5, 1, 2, 5, 10, 30, 100}) {
                for (final double a : RdpAccountant.DEFAULT_ORDERS) {
                    final double r = SubsampledGaussianRdp.rdp(q, z, a);
                    assertTrue(r >= 0 && r <= a / (2 * z * z) * (1 + 1e-9), "q=" + q + " z=" + z + " a=" + a + ": " + r);
                }
            }
        }
    }

    @Test
    void is_non_decreasing_in_the_order_so_the_fractional_series_agrees_with_the_integer_form() {
        for (final double q : new double[] {1e-6, 1e-3, 0.05, 0.5}) {
            for (final double z : new double[] {0.3, 0.8, 2, 20}) {
                double prev = 0;
                for (final double a : RdpAccountant.DEFAULT_ORDERS) {
                    final double r = SubsampledGaussianRdp.rdp(q, z, a);
                    assertTrue(r >= prev * (1 - 1e-9), "q=" + q + " z=" + z + " a=" + a);
                    prev = r;
                }
            }
        }
    }

    @Test
    void composing_rounds_adds_the_curves_and_equals_composing_their_steps_at_once() {
        final RdpAccountant a = new RdpAccountant().compose(0.01, 1.1, 100).compose(0.05, 3, 20);
        final RdpAccountant b = new RdpAccountant();
        for (int i = 0; i < 100; i++) {
            b.compose(0.01, 1.1, 1);
        }
        for (int i = 0; i < 20; i++) {
            b.compose(0.05, 3, 1);
        }
        final double[] ra = a.rdp();
        final double[] rb = b.rdp();
        for (int k = 0; k < ra.length; k++) {
            assertEquals(ra[k], rb[k], 1e-12 * ra[k]);
        }
        assertEquals(120, a.steps());
    }

    @Test
    void epsilon_grows_with_steps_with_q_and_with_one_over_z() {
        final double delta = 1e-5;
        double prev = 0;
        for (final int t : new int[] {1, 10, 100, 1000, 10000}) {
            final double e = new RdpAccountant().compose(0.01, 1.0, t).spent(delta).epsilon();
            assertTrue(e > prev, "T=" + t);
            prev = e;
        }
        prev = 0;
        for (final double q : new double[] {1e-5, 1e-4, 1e-3, 0.01, 0.1, 1}) {
            final double e = new RdpAccountant().compose(q, 1.0, 100).spent(delta).epsilon();
            assertTrue(e > prev, "q=" + q);
            prev = e;
        }
        prev = 0;
        for (final double z : new double[] {50, 10, 3, 1, 0.5, 0.3}) {
            final double e = new RdpAccountant().compose(0.01, z, 100).spent(delta).epsilon();
            assertTrue(e > prev, "z=" + z);
            prev = e;
        }
    }

    @Test
    @DisplayName("for q = 1 no epsilon falls below the exact T-fold Gaussian bound (mu-GDP, mu = sqrt(T)/z)")
    void never_crosses_the_exact_gaussian_lower_bound() {
        for (final double z : new double[] {0.5, 1, 2, 5, 20, 100}) {
            for (final int t : new int[] {1, 10, 1000}) {
                for (final double delta : new double[] {1e-3, 1e-5, 1e-9}) {
                    final PrivacySpent s = new RdpAccountant().compose(1.0, z, t).spent(delta);
                    final double exact = GaussianDpBounds.exactEpsilon(Math.sqrt(t) / z, delta);
                    assertTrue(s.epsilonBalle() >= exact && s.epsilonClassic() >= exact,
                        "z=" + z + " T=" + t + " delta=" + delta + ": " + s + " < " + exact);
                }
            }
        }
    }

    @Test
    @DisplayName("T = 1, q = 1 agrees with the one-shot Gaussian mechanism sigma = sqrt(2 ln(1.25/delta))/eps")
    void one_step_matches_the_classic_gaussian_mechanism() {
        for (final double eps0 : new double[] {0.5, 0.9}) {
            for (final double delta : new double[] {1e-5, 1e-8}) {
                final double z = Math.sqrt(2 * Math.log(1.25 / delta)) / eps0;
                final PrivacySpent s = new RdpAccountant().compose(1.0, z, 1).spent(delta);
                // The classic conversion is the same Chernoff-style argument: equal to first order.
                assertEquals(eps0, s.epsilonClassic(), 0.02 * eps0);
                // The tighter conversion must beat the one-shot bound and stay above the exact curve.
                assertTrue(s.epsilonBalle() < eps0, s.toString());
                assertTrue(s.epsilonBalle() >= GaussianDpBounds.exactEpsilon(1 / z, delta));
            }
        }
    }

    @Test
    @DisplayName("at q = 0.01, z = 5 dropping orders 128 and 256 more than doubles epsilon")
    void the_high_orders_of_the_grid_matter() {
        final double[] full = RdpAccountant.DEFAULT_ORDERS.stream().mapToDouble(Double::doubleValue).toArray();
        final double[] cut = DoubleStream.of(full).filter(a -> a < 100).toArray();
        final PrivacySpent withHigh = new RdpAccountant(full).compose(0.01, 5, 1).spent(1e-5);
        final PrivacySpent without = new RdpAccountant(cut).compose(0.01, 5, 1).spent(1e-5);
        assertEquals(128, withHigh.orderBalle());
        assertTrue(without.epsilonBalle() > 2 * withHigh.epsilonBalle(), without + " vs " + withHigh);
        assertTrue(without.epsilonClassic() > 2 * withHigh.epsilonClassic(), without + " vs " + withHigh);
        assertTrue(withHigh.warnings().isEmpty());
        assertFalse(without.warnings().isEmpty(), "63 is the last order of the cut grid");
    }

    @Test
    void warns_when_the_optimal_order_is_the_last_of_the_grid() {
        final PrivacySpent s = new RdpAccountant().compose(0.001, 20, 1).spent(1e-5);
        assertEquals(256, s.orderBalle());
        assertEquals(1, s.warnings().stream().filter(w -> w.contains("Balle") && w.contains("largest")).count(),
            s.warnings().toString());
    }

    @Test
    void rejects_q_outside_the_unit_interval_and_non_positive_z() {
        assertEquals("q must be in (0, 1], got 1.5",
            assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().compose(1.5, 1, 1)).getMessage());
        assertEquals("q must be in (0, 1], got 0.0",
            assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().compose(0, 1, 1)).getMessage());
        assertEquals("noise multiplier z must be finite and > 0, got -1.0",
            assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().compose(0.1, -1, 1)).getMessage());
        assertEquals("steps must be >= 1, got 0",
            assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().compose(0.1, 1, 0)).getMessage());
        assertEquals("delta must be in (0, 1), got 1.0",
            assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().spent(1.0)).getMessage());
    }

    static double[] range(final double from, final double toExclusive, final double step) {
        final int n = (int) Math.round((toExclusive - from) / step);
        return IntStream.range(0, n).mapToDouble(i -> from + i * step).toArray();
    }
}
