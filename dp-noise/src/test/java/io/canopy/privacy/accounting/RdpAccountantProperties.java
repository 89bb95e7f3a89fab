package io.canopy.privacy.accounting;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Invariants of composition over arbitrary round sequences (seeded, so every run tries the same cases). */
class RdpAccountantProperties {

    record Round(double q, double z) {
    }

    @Provide
    Arbitrary<Round> rounds() {
        return Combinators.combine(
            Arbitraries.of(1e-6, 1e-4, 0.003, 0.01, 0.1, 0.37, 1.0),
            Arbitraries.doubles().between(0.3, 100)).as(Round::new);
    }

    @Property(tries = 60, seed = "20261123")
    void epsilon_never_decreases_as_rounds_are_composed(@ForAll @Size(min = 1, max = 12) final List<@From("rounds") Round> rs) {
        final RdpAccountant acc = new RdpAccountant();
        double prev = 0;
        for (final Round r : rs) {
            acc.compose(r.q(), r.z(), 1);
            final PrivacySpent s = acc.spent(1e-5);
            assertTrue(s.epsilon() >= prev, "eps fell from " + prev + " to " + s.epsilon() + " after " + r);
            prev = s.epsilon();
        }
    }

    @Property(tries = 60, seed = "20261123")
    void the_ledger_order_of_rounds_does_not_matter(@ForAll @Size(min = 2, max = 8) final List<@From("rounds") Round> rs) {
        final RdpAccountant forward = new RdpAccountant();
        final RdpAccountant backward = new RdpAccountant();
        for (int i = 0; i < rs.size(); i++) {
            forward.compose(rs.get(i).q(), rs.get(i).z(), 1);
            backward.compose(rs.get(rs.size() - 1 - i).q(), rs.get(rs.size() - 1 - i).z(), 1);
        }
        final double a = forward.spent(1e-5).epsilon();
        final double b = backward.spent(1e-5).epsilon();
        assertTrue(Math.abs(a - b) <= 1e-12 * Math.max(1, a), a + " vs " + b);
    }
}
