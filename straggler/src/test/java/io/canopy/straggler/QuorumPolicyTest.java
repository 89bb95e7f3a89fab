package io.canopy.straggler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class QuorumPolicyTest {
    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void quorum_counts_are_exact_on_the_decimal_fraction() {
        // In binary 0.07 · 100 is 7.000000000000001, whose ceiling would demand an eighth input.
        assertEquals(8, (int) Math.ceil(0.07 * 100));
        assertEquals(7, new QuorumPolicy(100, 0.07, S, S, Duration.ZERO, 1.0).quorumCount());
        QuorumPolicy policy = QuorumPolicy.of(1000, S, S.multipliedBy(2), Duration.ZERO);
        assertEquals(600, policy.quorumCount());
        assertEquals(1300, policy.invitationCount());
        assertEquals(1, QuorumPolicy.of(1, S, S, Duration.ZERO).quorumCount());
        assertEquals(7, new QuorumPolicy(10, 0.61, S, S, Duration.ZERO, 1.0).quorumCount());
    }

    @Test
    void each_bad_field_is_named_in_its_error() {
        assertMessage("expectedCount must be at least 1, was 0",
            () -> QuorumPolicy.of(0, S, S, Duration.ZERO));
        assertMessage("quorumFraction must be in (0, 1], was 1.2",
            () -> new QuorumPolicy(5, 1.2, S, S, Duration.ZERO, 1.3));
        assertMessage("softDeadline must be positive, was PT0S",
            () -> QuorumPolicy.of(5, Duration.ZERO, S, Duration.ZERO));
        assertMessage("hardDeadline (PT1S) must not be before softDeadline (PT2S)",
            () -> QuorumPolicy.of(5, S.multipliedBy(2), S, Duration.ZERO));
        assertMessage("grace must be zero or positive, was PT-1S",
            () -> QuorumPolicy.of(5, S, S, S.negated()));
        assertMessage("overSelection must be a finite factor of at least 1, was 0.9",
            () -> new QuorumPolicy(5, 0.6, S, S, Duration.ZERO, 0.9));
    }

    private static void assertMessage(String expected, Runnable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action::run).getMessage());
    }
}
