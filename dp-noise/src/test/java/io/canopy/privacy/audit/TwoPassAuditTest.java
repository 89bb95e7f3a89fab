package io.canopy.privacy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.privacy.noise.GaussianMechanism;
import io.canopy.random.CounterHash;
import org.junit.jupiter.api.Test;

/** The audit's lower bound stays below the accountant's ε for the real mechanism, and catches a mechanism short of noise. */
class TwoPassAuditTest {

    @Test
    void clopper_pearson_matches_its_closed_forms() {
        // k = 0: (1 - p)^n = alpha; k = n - 1 lower bound: p^n = alpha.
        assertEquals(1 - Math.pow(0.05, 0.1), ClopperPearson.upper(0, 10, 0.05), 1e-12);
        assertEquals(Math.pow(0.05, 1 / 10.0), ClopperPearson.lower(10, 10, 0.05), 1e-12);
        assertEquals(1.0, ClopperPearson.upper(7, 7, 0.05));
        assertTrue(ClopperPearson.upper(30, 100, 0.05) > 0.3 && ClopperPearson.lower(30, 100, 0.05) < 0.3);
    }

    @Test
    void the_empirical_lower_bound_never_exceeds_the_accountants_epsilon() {
        final TwoPassAudit audit = new TwoPassAudit(2, 100, 20, 2.0, 0.97, 600, 1e-5, 0.05);
        for (long seed = 1; seed <= 3; seed++) {
            final long s = seed;
            final TwoPassAudit.Result r = audit.run((pass, d, run, p) ->
                GaussianMechanism.fastForSimulation(pass.z(), pass.sensitivity(), d, CounterHash.hash(s, run, p, 0)));
            assertTrue(r.epsilonLowerBound() <= r.epsilonAccountant(), r.toString());
        }
        final TwoPassAudit.Result secure = new TwoPassAudit(2, 100, 20, 2.0, 0.97, 200, 1e-5, 0.05).run();
        assertEquals("secure", secure.sampler());
        assertTrue(secure.epsilonLowerBound() <= secure.epsilonAccountant(), secure.toString());
    }

    @Test
    void a_mechanism_with_a_tenth_of_the_claimed_noise_is_caught() {
        final TwoPassAudit audit = new TwoPassAudit(2, 100, 20, 2.0, 0.97, 2000, 1e-5, 0.05);
        final TwoPassAudit.Result r = audit.run((pass, d, run, p) ->
            GaussianMechanism.fastForSimulation(pass.z() / 10, pass.sensitivity(), d, CounterHash.hash(9, run, p, 0)));
        assertTrue(r.epsilonLowerBound() > r.epsilonAccountant(), r.toString());
    }
}
