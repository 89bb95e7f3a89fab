package io.canopy.leaf.data;

import java.util.Locale;

import io.canopy.random.CounterHash;

/**
 * Data poisoning a Byzantine leaf applies to its own shard before training honestly on it: the attack
 * lives in the data, so the update passes every norm check an honest one does. Each example is
 * poisoned independently with probability {@code fraction}, decided by CounterHash(seed, stream, leaf,
 * position), so the choice is derived like everything else in a swarm.
 */
public enum DataPoison {
    /** No poisoning. */
    NONE(0.0),
    /**
     * Label flipping (Biggio, Nelson and Laskov 2012; Tolpegin et al. 2020): y → 9 − y, which pairs
     * T-shirt/top↔ankle boot, trouser↔bag, pullover↔sneaker, dress↔shirt, coat↔sandal.
     */
    LABEL_FLIP(1.0),
    /**
     * Backdoor (Bagdasaryan et al. 2020, "How to backdoor federated learning"; BadNets trigger): the
     * {@link BackdoorTrigger} is stamped on the example and its label set to the target; the clean
     * remainder keeps the model accurate, so the attack hides in the main-task accuracy.
     */
    BACKDOOR(0.5);

    private static final long STREAM_POISON = 0x504F_4953_4F4EL;

    private final double defaultFraction;

    DataPoison(double defaultFraction) {
        this.defaultFraction = defaultFraction;
    }

    /** The share of a Byzantine leaf's examples poisoned when none is given. */
    public double defaultFraction() {
        return defaultFraction;
    }

    /** The command-line name: lower case with hyphens, e.g. {@code label-flip}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a {@link #cliName()}, naming the choices when it is not one. */
    public static DataPoison parse(String name) {
        for (DataPoison poison : values()) {
            if (poison.cliName().equals(name)) {
                return poison;
            }
        }
        StringBuilder choices = new StringBuilder();
        for (DataPoison poison : values()) {
            choices.append(choices.isEmpty() ? "" : ", ").append(poison.cliName());
        }
        throw new IllegalArgumentException("unknown data poisoning '" + name + "'; choose one of " + choices);
    }

    /**
     * Poisons about {@code fraction} of the shard's examples in place.
     *
     * @param targetLabel the backdoor's target class (ignored by the other kinds)
     * @return how many examples were poisoned
     */
    public int apply(Shard shard, long seed, long leafId, double fraction, int targetLabel) {
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("fraction=" + fraction + " must be in [0, 1]");
        }
        if (targetLabel < 0 || targetLabel >= LabelledImages.CLASSES) {
            throw new IllegalArgumentException("targetLabel=" + targetLabel + " must be in [0, " + LabelledImages.CLASSES + ")");
        }
        if (this == NONE) {
            return 0;
        }
        int poisoned = 0;
        for (int i = 0; i < shard.size(); i++) {
            if (CounterHash.unitDouble(CounterHash.hash(seed, STREAM_POISON, leafId, i)) < fraction) {
                if (this == LABEL_FLIP) {
                    shard.setLabel(i, LabelledImages.CLASSES - 1 - shard.label(i));
                } else {
                    shard.setLabel(i, targetLabel);
                    shard.triggered[i] = true;
                }
                poisoned++;
            }
        }
        return poisoned;
    }
}
