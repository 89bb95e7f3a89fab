package io.canopy.train;

import java.util.Locale;

import io.canopy.leaf.data.DataPoison;

/**
 * What the Byzantine leaves of a training run do: poison their data and then train honestly on it, or
 * train honestly and then replace the real update. The update attacks are omniscient about the round's
 * honest updates (their per-coordinate mean and spread), the strongest assumption the literature makes.
 */
public enum TrainAttack {
    /** Byzantine leaves behave honestly (a control run). */
    NONE(DataPoison.NONE),
    /** Sends the negation of its honestly trained update. */
    SIGN_FLIP(DataPoison.NONE),
    /** Trains on its shard with every label y replaced by 9 − y ({@link DataPoison#LABEL_FLIP}). */
    LABEL_FLIP(DataPoison.LABEL_FLIP),
    /** Trains with a trigger patch stamped on half its examples, relabelled to the target ({@link DataPoison#BACKDOOR}). */
    BACKDOOR(DataPoison.BACKDOOR),
    /**
     * "A little is enough" (Baruch, Baruch and Goldberg, NeurIPS 2019): every attacker sends μ − z·σ per
     * coordinate of the round's honest updates (z = 1 by default, as in the NumPy peer).
     */
    ALIE(DataPoison.NONE),
    /** Inner-product manipulation (Xie, Koyejo and Gupta, UAI 2020): −ε·μ of the round's honest updates, ε = 0.1. */
    INNER_PRODUCT_MANIPULATION(DataPoison.NONE);

    private final DataPoison poison;

    TrainAttack(DataPoison poison) {
        this.poison = poison;
    }

    /** The data poisoning this attack applies before training (NONE for the update attacks). */
    public DataPoison poison() {
        return poison;
    }

    /** Whether the attack needs the round's honest statistics. */
    public boolean needsHonestStatistics() {
        return this == ALIE || this == INNER_PRODUCT_MANIPULATION;
    }

    /** The command-line name: lower case with hyphens, e.g. {@code label-flip}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a {@link #cliName()} (also {@code ipm}), naming the choices when it is not one. */
    public static TrainAttack parse(String name) {
        if (name.equals("ipm")) {
            return INNER_PRODUCT_MANIPULATION;
        }
        for (TrainAttack attack : values()) {
            if (attack.cliName().equals(name)) {
                return attack;
            }
        }
        StringBuilder choices = new StringBuilder();
        for (TrainAttack attack : values()) {
            choices.append(choices.isEmpty() ? "" : ", ").append(attack.cliName());
        }
        throw new IllegalArgumentException("unknown attack '" + name + "'; choose one of " + choices);
    }
}
