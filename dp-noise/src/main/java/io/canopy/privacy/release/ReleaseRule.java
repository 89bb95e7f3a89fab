package io.canopy.privacy.release;

/** The release rules a round can use; {@link #wireName()} is what the privacy ledger records. */
public enum ReleaseRule {
    /** Two-pass gated centred clipping ({@link TwoPassRelease}): centre pass, then gated update pass. */
    GATED("gated"),
    /** Multi-Krum in every cluster, time-closed tiers, fixed k ({@link MultiKrumRelease}): one pass, Δ1 = 2C. */
    MULTIKRUM("multikrum"),
    /** DP-FedAvg's fixed-denominator mean ({@link FixedDenominatorMean}): one pass, Δ = C/(q·N). */
    FIXED("fixed");

    private final String wireName;

    ReleaseRule(final String wireName) {
        this.wireName = wireName;
    }

    /** "gated", "multikrum" or "fixed". */
    public String wireName() {
        return wireName;
    }

    /** The rule with that wire name. */
    public static ReleaseRule ofWireName(final String name) {
        for (final ReleaseRule r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown release rule '" + name + "' (expected gated, multikrum or fixed)");
    }
}
