package io.canopy.leaf.data;

/**
 * What a Byzantine leaf does to its data: the kind, the share of its examples it poisons and, for a
 * backdoor, the target class.
 *
 * @param kind        the poisoning
 * @param fraction    share of the shard poisoned, in [0, 1]
 * @param targetLabel the backdoor's target class, in [0, 10)
 */
public record Poisoning(DataPoison kind, double fraction, int targetLabel) {
    /** Honest data. */
    public static final Poisoning NONE = new Poisoning(DataPoison.NONE, 0.0, BackdoorTrigger.TARGET_DEFAULT);

    public Poisoning {
        if (kind == null) {
            throw new IllegalArgumentException("kind must be given (DataPoison.NONE for none)");
        }
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("fraction=" + fraction + " must be in [0, 1]");
        }
        if (targetLabel < 0 || targetLabel >= LabelledImages.CLASSES) {
            throw new IllegalArgumentException("targetLabel=" + targetLabel + " must be in [0, " + LabelledImages.CLASSES + ")");
        }
    }

    /** The kind with its default fraction and the default target class. */
    public static Poisoning of(DataPoison kind) {
        return new Poisoning(kind, kind.defaultFraction(), BackdoorTrigger.TARGET_DEFAULT);
    }

    /** Poisons a leaf's shard in place; returns how many examples it changed. */
    public int apply(Shard shard, long seed, long leafId) {
        return kind.apply(shard, seed, leafId, fraction, targetLabel);
    }
}
