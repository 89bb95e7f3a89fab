package io.canopy.privacy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.privacy.accounting.PrivacySpent;
import io.canopy.privacy.accounting.RdpAccountant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

/** The z split composes to z_eff, and accounting charges one step per round with z_eff. */
class ReleasePassesTest {

    @Property(tries = 500, seed = "20261202")
    void a_split_of_z_always_composes_back_to_z(@ForAll @DoubleRange(min = 0.3, max = 100) final double z,
                                                @ForAll @Scale(4) @DoubleRange(min = 0.001, max = 0.999) final double share) {
        final ReleasePasses p = ReleasePasses.twoPass(z, share, 1e-6, 2e-6);
        assertEquals(1 / (z * z), p.muSquared(), 1e-12 / (z * z));
        assertNull(ReleasePasses.compositionProblem(z, new double[] {p.passes().get(0).z(), p.passes().get(1).z()}));
        // A pass z off by one part in 1e9 is refused.
        assertTrue(ReleasePasses.compositionProblem(z, new double[] {p.passes().get(0).z() * (1 + 1e-9),
            p.passes().get(1).z()}) != null);
    }

    @Test
    void the_default_split_gives_the_centre_three_times_z() {
        final ReleasePasses p = ReleasePasses.twoPass(2.0, ReleasePasses.DEFAULT_CENTRE_SHARE, 1, 1);
        assertEquals(6.0, p.passes().get(0).z(), 1e-12);
        assertEquals(2.0 / Math.sqrt(8.0 / 9.0), p.passes().get(1).z(), 1e-12);
    }

    @Test
    void passes_that_do_not_compose_to_z_eff_are_refused_with_the_numbers() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new ReleasePasses(2.0, List.of(new ReleasePasses.Pass("centre", 6, 1), new ReleasePasses.Pass("update", 2, 1))));
        assertTrue(e.getMessage().startsWith("passes compose to z_eff=1.89736659610102"), e.getMessage());
    }

    @Property(tries = 40, seed = "20261202")
    void epsilon_never_decreases_over_the_rounds_of_a_random_two_pass_plan(
        @ForAll @Scale(5) @DoubleRange(min = 0.0001, max = 1) final double q, @ForAll @DoubleRange(min = 0.5, max = 30) final double z,
        @ForAll @DoubleRange(min = 0.01, max = 0.9) final double share, @ForAll @IntRange(min = 1, max = 30) final int rounds) {
        final RdpAccountant acc = new RdpAccountant();
        double previous = 0;
        for (int r = 0; r < rounds; r++) {
            final ReleasePasses p = ReleasePasses.twoPass(z, share, 1, 1);
            acc.compose(q, p.zEff(), 1);
            final PrivacySpent s = acc.spent(1e-5);
            assertTrue(s.epsilon() >= previous, "round " + r + ": " + s.epsilon() + " < " + previous);
            previous = s.epsilon();
        }
        // One step per round with z_eff, not one per pass: charging the passes separately would differ.
        assertEquals(new RdpAccountant().compose(q, z, rounds).spent(1e-5).epsilon(), previous, 1e-12 * previous);
    }
}
