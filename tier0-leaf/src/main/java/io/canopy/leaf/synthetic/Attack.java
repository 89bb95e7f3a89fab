package io.canopy.leaf.synthetic;

import java.util.Locale;

/**
 * The Byzantine behaviours a synthetic swarm can play. Every attacker is omniscient about the honest
 * distribution (mean g*, per-coordinate spread σ), the strongest assumption the literature makes, and
 * then goes through the same clipping as an honest leaf so that its frames pass validation.
 */
public enum Attack {
    /** No attack: Byzantine leaves behave honestly (a control run). */
    NONE(0.0),
    /** Sends the negation of its honest update. */
    SIGN_FLIP(1.0),
    /** Sends −λ times its honest update (λ = scale); clipping caps the norm at C. */
    SCALED_SIGN_FLIP(4.0),
    /** Sends N(0, scale²) per coordinate (Xie et al. 2018, "Generalized Byzantine-tolerant SGD": σ = 200). */
    GAUSSIAN_NOISE(200.0),
    /** Sends the zero vector. */
    ZERO(0.0),
    /** Sends uniform values in [−scale, scale] per coordinate. */
    RANDOM(1.0),
    /** Every attacker sends the same fixed direction at scale·C: a coordinated push. */
    CONSTANT_DIRECTION(1.0),
    /**
     * "A little is enough" (Baruch, Baruch and Goldberg, NeurIPS 2019): μ − z·σ per coordinate, with
     * z = Φ⁻¹((n − s)/n), s = ⌊n/2 + 1⌋ − f for the cluster size n and f attackers; scale, if positive,
     * overrides z.
     */
    ALIE(0.0),
    /** Inner-product manipulation (Xie, Koyejo and Gupta, UAI 2020, "Fall of empires"): −ε·μ with ε = scale. */
    INNER_PRODUCT_MANIPULATION(0.1);

    private final double defaultScale;

    Attack(double defaultScale) {
        this.defaultScale = defaultScale;
    }

    /** The scale the attack uses when none is given (its paper's setting where it has one). */
    public double defaultScale() {
        return defaultScale;
    }

    /** The command-line name: lower case with hyphens, e.g. {@code scaled-sign-flip}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a {@link #cliName()}, naming the choices when it is not one. */
    public static Attack parse(String name) {
        for (Attack attack : values()) {
            if (attack.cliName().equals(name)) {
                return attack;
            }
        }
        StringBuilder choices = new StringBuilder();
        for (Attack attack : values()) {
            choices.append(choices.isEmpty() ? "" : ", ").append(attack.cliName());
        }
        throw new IllegalArgumentException("unknown attack '" + name + "'; choose one of " + choices);
    }
}
