package io.canopy.straggler;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * When one tier closes a round: it waits for {@code expectedCount} inputs, needs at least a
 * {@code quorumFraction} of them, and never waits past its hard deadline.
 *
 * <p>Times are measured from the moment the tier opened the round. The round closes at the first of:
 * <ol>
 *   <li>every expected input arrived ({@link QuorumOutcome#COMPLETE});</li>
 *   <li>the quorum was reached and {@code grace} has passed since, or the quorum is reached after
 *       the soft deadline, or the soft deadline passes with the quorum already met
 *       ({@link QuorumOutcome#QUORUM_AT_DEADLINE});</li>
 *   <li>the hard deadline ({@link QuorumOutcome#QUORUM_AT_DEADLINE} if the quorum was met by then,
 *       otherwise {@link QuorumOutcome#FAILED_NO_QUORUM}).</li>
 * </ol>
 * The soft deadline is where the tier stops waiting for more than its quorum; the hard deadline is
 * where it gives up. The over-selection factor is how many more inputs the tier above invites than
 * it expects to receive (Bonawitz et al. 2019, "Towards Federated Learning at Scale", §2.3).
 *
 * @param expectedCount   inputs the tier waits for; at least 1
 * @param quorumFraction  share of {@code expectedCount} needed to release anything, in (0, 1]
 * @param softDeadline    from the round's opening; positive
 * @param hardDeadline    from the round's opening; not before {@code softDeadline}
 * @param grace           how long to keep waiting once the quorum is met; zero or positive
 * @param overSelection   invitations per expected input; at least 1
 */
public record QuorumPolicy(
    int expectedCount,
    double quorumFraction,
    Duration softDeadline,
    Duration hardDeadline,
    Duration grace,
    double overSelection) {

    /** The seed design's quorum fraction. */
    public static final double DEFAULT_QUORUM_FRACTION = 0.6;
    /** The seed design's over-selection anchor. */
    public static final double DEFAULT_OVER_SELECTION = 1.3;

    public QuorumPolicy {
        if (expectedCount < 1) {
            throw new IllegalArgumentException("expectedCount must be at least 1, was " + expectedCount);
        }
        if (!(quorumFraction > 0.0 && quorumFraction <= 1.0)) {
            throw new IllegalArgumentException("quorumFraction must be in (0, 1], was " + quorumFraction);
        }
        requirePositive("softDeadline", softDeadline);
        requirePositive("hardDeadline", hardDeadline);
        if (hardDeadline.compareTo(softDeadline) < 0) {
            throw new IllegalArgumentException(
                "hardDeadline (" + hardDeadline + ") must not be before softDeadline (" + softDeadline + ")");
        }
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("grace must be zero or positive, was " + grace);
        }
        if (!(overSelection >= 1.0) || Double.isInfinite(overSelection)) {
            throw new IllegalArgumentException("overSelection must be a finite factor of at least 1, was " + overSelection);
        }
    }

    /** A policy with the seed design's quorum fraction and over-selection. */
    public static QuorumPolicy of(int expectedCount, Duration softDeadline, Duration hardDeadline, Duration grace) {
        return new QuorumPolicy(expectedCount, DEFAULT_QUORUM_FRACTION, softDeadline, hardDeadline, grace,
            DEFAULT_OVER_SELECTION);
    }

    /** The same policy for a different expected count (a cluster smaller than planned, say). */
    public QuorumPolicy withExpectedCount(int count) {
        return new QuorumPolicy(count, quorumFraction, softDeadline, hardDeadline, grace, overSelection);
    }

    /**
     * Inputs needed to release: ceil(quorumFraction · expectedCount), computed on the decimal value of
     * the fraction so that 0.6 of 1000 is 600, not the 601 that binary rounding would give.
     */
    public int quorumCount() {
        return ceilProduct(quorumFraction, expectedCount);
    }

    /** Invitations the tier above sends for this tier to expect {@code expectedCount}: ceil(factor · count). */
    public int invitationCount() {
        return ceilProduct(overSelection, expectedCount);
    }

    static int ceilProduct(double factor, int count) {
        BigDecimal product = new BigDecimal(Double.toString(factor)).multiply(BigDecimal.valueOf(count));
        return product.setScale(0, RoundingMode.CEILING).intValueExact();
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
