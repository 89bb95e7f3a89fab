package io.canopy.straggler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class QuorumMathTest {

    /**
     * Exact reference: Σ C(c,i) a^i (b−a)^(c−i) / b^c over i in [from, to] for p = a/b, in integers,
     * so it shares nothing with the log-space code under test.
     */
    static double exactTail(int c, int a, int b, int from, int to) {
        BigInteger num = BigInteger.ZERO;
        BigInteger binom = BigInteger.ONE;
        for (int i = 0; i <= c; i++) {
            if (i > 0) {
                binom = binom.multiply(BigInteger.valueOf(c - i + 1)).divide(BigInteger.valueOf(i));
            }
            if (i >= from && i <= to) {
                num = num.add(binom.multiply(BigInteger.valueOf(a).pow(i)).multiply(BigInteger.valueOf(b - a).pow(c - i)));
            }
        }
        return new BigDecimal(num).divide(new BigDecimal(BigInteger.valueOf(b).pow(c)), MathContext.DECIMAL128).doubleValue();
    }

    @Test
    void a_fair_cluster_of_1000_meets_a_60_percent_quorum_with_the_exact_binomial_tail() {
        // Python: sum(comb(1000,i) for i in range(600,1001)) / 2**1000 = 1.3642320780330092e-10
        double reached = Math.exp(QuorumMath.logProbabilityAtLeast(1000, 0.5, 600));
        assertEquals(1.3642320780330092e-10, reached, 1.3642320780330092e-10 * 1e-9);
        assertEquals(exactTail(1000, 1, 2, 600, 1000), reached, reached * 1e-9);
        // Missing is then 1 − 1.36e-10, and the Chernoff bound says nothing because q > p.
        assertEquals(1.0 - 1.3642320780330092e-10, QuorumMath.missProbability(1000, 0.5, 600), 1e-15);
        assertEquals(1.0, QuorumMath.chernoffMissBound(1000, 0.5, 0.6));
    }

    @Test
    void a_cluster_answering_at_70_percent_misses_60_percent_far_below_its_chernoff_bound() {
        // Python with Fraction(7,10): P[X < 600] = 7.030147530266879e-12; Chernoff exp(-0.01*1000/1.4).
        double miss = QuorumMath.missProbability(1000, 0.7, 600);
        assertEquals(7.030147530266879e-12, miss, 7.03e-12 * 1e-9);
        assertEquals(Math.exp(-0.01 * 1000 / 1.4), QuorumMath.chernoffMissBound(1000, 0.7, 0.6), 1e-15);
        assertTrue(miss < QuorumMath.chernoffMissBound(1000, 0.7, 0.6));
    }

    @Property(tries = 300)
    void the_log_space_tails_match_exact_rational_arithmetic(
        @ForAll @IntRange(min = 1, max = 300) int c,
        @ForAll @IntRange(min = 1, max = 99) int percent,
        @ForAll @IntRange(min = 0, max = 301) int k) {
        double p = percent / 100.0;
        double below = Math.exp(QuorumMath.logProbabilityBelow(c, p, k));
        double atLeast = Math.exp(QuorumMath.logProbabilityAtLeast(c, p, k));
        double exactBelow = k <= 0 ? 0.0 : exactTail(c, percent, 100, 0, Math.min(k, c + 1) - 1);
        double exactAtLeast = k > c ? 0.0 : exactTail(c, percent, 100, Math.max(k, 0), c);
        assertEquals(exactBelow, below, Math.max(exactBelow * 1e-10, 1e-300), "P[X<k]");
        assertEquals(exactAtLeast, atLeast, Math.max(exactAtLeast * 1e-10, 1e-300), "P[X>=k]");
    }

    @Property(tries = 200)
    void chernoff_never_undercuts_the_exact_tail(
        @ForAll @IntRange(min = 1, max = 100_000) int c,
        @ForAll @IntRange(min = 2, max = 99) int percent,
        @ForAll @IntRange(min = 1, max = 98) int quorumPercent) {
        double p = percent / 100.0;
        double q = quorumPercent / 100.0;
        int k = QuorumPolicy.ceilProduct(q, c);
        // Chernoff bounds P[X ≤ qc] ⊇ P[X < k].
        assertTrue(QuorumMath.logProbabilityBelow(c, p, k) <= QuorumMath.logChernoffMissBound(c, p, q) + 1e-12);
    }

    @Test
    void tails_of_a_100000_leaf_cluster_stay_finite_in_log_space_where_doubles_underflow() {
        double log = QuorumMath.logProbabilityBelow(100_000, 0.9, 60_000);
        assertTrue(Double.isFinite(log) && log < -5000, "log P = " + log);
        assertEquals(0.0, Math.exp(log));
        // The log of the Chernoff bound −(0.3)²·1e5/1.8 = −5000 must sit above the exact log tail.
        assertTrue(log < QuorumMath.logChernoffMissBound(100_000, 0.9, 0.6));
        // Near the mean the two tails still add to one.
        double below = QuorumMath.missProbability(100_000, 0.6, 60_000);
        double atLeast = Math.exp(QuorumMath.logProbabilityAtLeast(100_000, 0.6, 60_000));
        assertEquals(1.0, below + atLeast, 1e-12);
        // Normal approximation with continuity correction: Φ((59999.5 − 60000)/√24000) ≈ 0.4987.
        assertEquals(0.4987, below, 2e-3);
    }

    @Test
    void a_fleet_misses_when_any_cluster_does() {
        double logMiss = QuorumMath.logProbabilityBelow(1000, 0.7, 600);
        double m = Math.exp(logMiss);
        double fleet = QuorumMath.fleetMissProbability(logMiss, 10_000);
        // 1 − (1 − m)^K ≈ K·m for tiny m; the naive 1 − pow(1 − m, K) loses most digits here.
        assertEquals(10_000 * m, fleet, 10_000 * m * 1e-6);
        assertEquals(1.0 - Math.pow(0.5, 3), QuorumMath.fleetMissProbability(Math.log(0.5), 3), 1e-15);
    }

    @Test
    void over_selection_finds_the_fewest_invitations_for_a_target_completion() {
        int n = QuorumMath.invitationsFor(600, 0.7, 0.999, 100_000);
        assertTrue(Math.exp(QuorumMath.logProbabilityAtLeast(n, 0.7, 600)) >= 0.999);
        assertTrue(Math.exp(QuorumMath.logProbabilityAtLeast(n - 1, 0.7, 600)) < 0.999);
        assertEquals(-1, QuorumMath.invitationsFor(600, 0.0, 0.9, 100_000));
        assertEquals(-1, QuorumMath.invitationsFor(600, 0.5, 0.9, 1000));
    }

    @Test
    void bad_probabilities_are_named_in_the_error() {
        var e = assertThrows(IllegalArgumentException.class, () -> QuorumMath.missProbability(10, 1.5, 3));
        assertEquals("p must be a probability in [0, 1], was 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuorumMath.fleetMissProbability(-1.0, 0));
        assertEquals("clusters must be at least 1, was 0", e.getMessage());
    }

    @Test
    void log_factorial_matches_direct_summation_across_the_table_boundary() {
        double acc = 0.0;
        for (int n = 1; n <= 5000; n++) {
            acc += Math.log(n);
            assertEquals(acc, LogFactorial.of(n), Math.abs(acc) * 1e-13, "n = " + n);
        }
    }
}
