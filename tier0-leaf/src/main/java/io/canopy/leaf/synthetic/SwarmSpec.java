package io.canopy.leaf.synthetic;

/**
 * What a synthetic swarm looks like. Update components are given as L2 norms so that they mean the
 * same thing at every dimension: an honest update is g* + h_leaf + n_(round, leaf) with ‖g*‖ =
 * {@code gradientNorm}, E‖h‖² = heterogeneity², E‖n‖² = noise²; h is fixed per leaf (its non-IID
 * drift), n is fresh each round.
 *
 * @param seed              everything derives from (seed, round, leaf id)
 * @param dimension         d
 * @param gradientNorm      ‖g*‖, positive
 * @param heterogeneity     L2 norm of the per-leaf drift, zero or positive
 * @param noise             L2 norm of the per-round noise, zero or positive
 * @param byzantineFraction share of leaves that attack, fixed per leaf, in [0, 1)
 * @param attack            what they do
 * @param attackScale       the attack's parameter; NaN for its default
 * @param clusterSize       n used by ALIE to choose z
 * @param dropout           probability that a leaf never answers in a round, in [0, 1)
 * @param latencyMedianMs   median response time, positive
 * @param latencySigma      log-normal spread of response times, zero or positive
 */
public record SwarmSpec(
    long seed,
    int dimension,
    double gradientNorm,
    double heterogeneity,
    double noise,
    double byzantineFraction,
    Attack attack,
    double attackScale,
    int clusterSize,
    double dropout,
    double latencyMedianMs,
    double latencySigma) {

    public SwarmSpec {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
        }
        requireNonNegative("gradientNorm", gradientNorm);
        requireNonNegative("heterogeneity", heterogeneity);
        requireNonNegative("noise", noise);
        if (!(byzantineFraction >= 0.0 && byzantineFraction < 1.0)) {
            throw new IllegalArgumentException("byzantineFraction must be in [0, 1), was " + byzantineFraction);
        }
        if (attack == null) {
            throw new IllegalArgumentException("attack must be given (NONE for honest Byzantine leaves)");
        }
        if (clusterSize < 1) {
            throw new IllegalArgumentException("clusterSize must be at least 1, was " + clusterSize);
        }
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
        if (!(latencyMedianMs > 0.0) || Double.isInfinite(latencyMedianMs)) {
            throw new IllegalArgumentException("latencyMedianMs must be positive, was " + latencyMedianMs);
        }
        requireNonNegative("latencySigma", latencySigma);
    }

    /** Honest leaves with unit gradient, drift and noise of 0.5 each, 10% dropout, 200 ms median latency. */
    public static SwarmSpec honest(long seed, int dimension, int clusterSize) {
        return new SwarmSpec(seed, dimension, 1.0, 0.5, 0.5, 0.0, Attack.NONE, Double.NaN, clusterSize, 0.1, 200.0, 0.5);
    }

    public SwarmSpec withAttack(Attack kind, double fraction) {
        return new SwarmSpec(seed, dimension, gradientNorm, heterogeneity, noise, fraction, kind, attackScale, clusterSize,
            dropout, latencyMedianMs, latencySigma);
    }

    public SwarmSpec withDropout(double probability) {
        return new SwarmSpec(seed, dimension, gradientNorm, heterogeneity, noise, byzantineFraction, attack, attackScale,
            clusterSize, probability, latencyMedianMs, latencySigma);
    }

    /** The attack's parameter, its default when none was set. */
    public double effectiveAttackScale() {
        return Double.isNaN(attackScale) ? attack.defaultScale() : attackScale;
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
        }
    }
}
