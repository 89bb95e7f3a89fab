package io.canopy.round;

import io.canopy.codec.CodecId;
import io.canopy.control.ControlMessage;

/**
 * How a round's global update is released (PRIVACY-AT-SCALE.md), public and fixed before the round opens.
 *
 * <p>{@link Rule#MULTIKRUM}: each cluster releases its Multi-Krum average, continents and the coordinator take
 * trimmed means at realized counts (the first wave's path; its sensitivity is Θ(C) per cluster).
 *
 * <p>{@link Rule#GATED}: two-pass gated centred clipping. Pass 1, each cluster releases
 * O1 = v0 + (1/m_c)·Σ clip_C(x_i − v0); continents take a trimmed mean over exactly K inputs with a fixed k
 * (a missing input is replaced by the public centre), the coordinator the mean over M and releases
 * v1 = A1 + N(0, σ1²), σ1 = z1·C·λ with λ = 1/(m_c·(K − 2k)·M). Pass 2 around v1, on the same cluster block:
 * φ_i = 1[‖x_i − v1‖ ≤ ρ]·(x_i − v1), O2 = v1 + (1/m_c)·Σ φ_i and W_c = Σ 1[·]; the same trimmed mean and mean;
 * the coordinator releases A2 and the count W (scaled by s = {@link #COUNT_SCALE}·ρ·λ so one Gaussian covers both)
 * with σ2 = z2·ρ·λ·√(1 + {@code COUNT_SCALE}²), publishes iff W̃ ≥ {@link #minCount} and applies
 * v1 + (Ã2 − v1)·m_tot/W̃. Every leaf's term depends only on its own update and public values (v0, v1, ρ, C,
 * planned m_c), so one leaf moves pass 1 by at most C·λ and pass 2 by at most ρ·λ√(1 + s²) (Lemma G of the
 * note: the other leaves' terms do not change, the leaf's own term has norm ≤ C, resp. ≤ ρ).
 *
 * @param rule          which release
 * @param plannedCount  m_c, the planned (public) inputs per cluster: q·cluster size
 * @param trim          k, fixed per continent from the planned K (not from what arrives)
 * @param gateRadius    ρ; its source is {@code gateSource}
 * @param z1            noise multiplier of pass 1
 * @param z2            noise multiplier of pass 2; 1/z1² + 1/z2² = 1/z_eff², the accountant's one step per round
 * @param minCount      W_min: publish only if the noisy count of gated leaves reaches it
 * @param gateSource    where ρ came from, for the plan and the report
 * @param detectorSample the share of clusters that run Multi-Krum as a detector each round under a planned release
 *                      ({@link #detects}); 1 under {@link Rule#MULTIKRUM}, whose release is Multi-Krum's
 * @param heldCodec     how a gated release's clusters store their accepted rows between pass 1 and pass 2: {@link
 *                      CodecId#FP32} (exact, the default), {@link CodecId#BF16} (half the bytes) or {@link CodecId#INT8}
 *                      (about a quarter); pass 2 is computed from the stored form, so every leaf's term still depends
 *                      only on its own update and public values (io.canopy.privacy.release.HeldRows)
 */
public record ReleaseSpec(Rule rule, double plannedCount, int trim, float gateRadius, double z1, double z2,
                          double minCount, String gateSource, double detectorSample, CodecId heldCodec)
    implements ControlMessage {

    /**
     * The release rules. {@code FIXED} is DP-FedAvg's fixed-denominator clipped mean (McMahan et al. 2018) through
     * the same time-closed tiers: pass 1 alone, O = (1/m_c)·Σ clip_C(x_i), released with σ = z·C·λ; for small
     * fleets and big models, where the two-pass centre's own noise would shut the gate on honest leaves.
     */
    public enum Rule { MULTIKRUM, GATED, FIXED }

    /** The count coordinate's scale, relative to ρ·λ (the note's 0.1). */
    public static final double COUNT_SCALE = 0.1;

    /**
     * The codecs a gated release may hold its rows in between its passes (fp16 adds nothing over bf16 here; top-k drops
     * values). Declared before {@link #MULTIKRUM}: the constructor's check reads it while the class initializes.
     */
    public static final java.util.Set<CodecId> HELD_CODECS =
        java.util.Collections.unmodifiableSet(java.util.EnumSet.of(CodecId.FP32, CodecId.BF16, CodecId.INT8));

    /** The first wave's release. */
    public static final ReleaseSpec MULTIKRUM = new ReleaseSpec(Rule.MULTIKRUM, 0, 0, 0f, 0, 0, 0, "");

    public ReleaseSpec {
        if (rule == null) {
            throw new IllegalArgumentException("a release needs a rule");
        }
        if (rule == Rule.FIXED && !(plannedCount > 0 && trim >= 0 && z1 >= 0)) {
            throw new IllegalArgumentException("a fixed-denominator release needs plannedCount > 0, trim >= 0, z1 >= 0;"
                + " got m=" + plannedCount + ", k=" + trim + ", z1=" + z1);
        }
        if (rule == Rule.GATED && !(plannedCount > 0 && gateRadius > 0 && trim >= 0 && z1 >= 0 && z2 >= 0)) {
            throw new IllegalArgumentException("a gated release needs plannedCount > 0, gateRadius > 0, trim >= 0 and"
                + " z1, z2 >= 0; got m=" + plannedCount + ", rho=" + gateRadius + ", k=" + trim + ", z1=" + z1 + ", z2=" + z2);
        }
        gateSource = gateSource == null ? "" : gateSource;
        if (!(detectorSample > 0 && detectorSample <= 1)) {
            throw new IllegalArgumentException("the detector sample must be in (0, 1], got " + detectorSample);
        }
        if (rule == Rule.MULTIKRUM && detectorSample != 1) {
            throw new IllegalArgumentException("the multikrum release runs Multi-Krum in every cluster (it is the release);"
                + " a detector sample of " + detectorSample + " applies only to the gated and fixed releases");
        }
        heldCodec = heldCodec == null ? CodecId.FP32 : heldCodec;
        if (!HELD_CODECS.contains(heldCodec)) {
            throw new IllegalArgumentException("a gated release holds its rows as fp32, bf16 or int8, not " + heldCodec.label());
        }
        if (rule != Rule.GATED && heldCodec != CodecId.FP32) {
            throw new IllegalArgumentException("only the gated release holds rows between two passes; the " + rule
                + " release cannot hold them as " + heldCodec.label());
        }
    }

    /** The counter-hash stream of the detector sample, apart from every seeded stream of a run. */
    private static final long DETECTOR_STREAM = 0x44455445435430L; // "DETECT0"

    /** A release whose detector runs in every cluster. */
    public ReleaseSpec(Rule rule, double plannedCount, int trim, float gateRadius, double z1, double z2, double minCount,
                       String gateSource) {
        this(rule, plannedCount, trim, gateRadius, z1, z2, minCount, gateSource, 1.0, CodecId.FP32);
    }

    /** This release with Multi-Krum as a detector in a share {@code sample} of the clusters each round. */
    public ReleaseSpec withDetectorSample(double sample) {
        return new ReleaseSpec(rule, plannedCount, trim, gateRadius, z1, z2, minCount, gateSource, sample, heldCodec);
    }

    /** This release with its clusters holding their rows between the passes as {@code codec} ({@link #HELD_CODECS}). */
    public ReleaseSpec withHeldCodec(CodecId codec) {
        return new ReleaseSpec(rule, plannedCount, trim, gateRadius, z1, z2, minCount, gateSource, detectorSample, codec);
    }

    /**
     * Whether {@code cluster} runs Multi-Krum in round {@code roundId}. Under a planned release the detector's
     * selections go to the report only, never into a released value, so which clusters run it changes no published
     * value and no privacy figure; it only moves the clusters' post-deadline work, which scales with the share. The
     * choice is a public function of (round, cluster): an even spread whose share tends to {@link #detectorSample}
     * ({@link io.canopy.random.CounterHash} of the pair on a stream of its own, compared as a 53-bit uniform), fixed before
     * the round, a different subset each round, and the same on every member that asks.
     */
    public boolean detects(long roundId, int cluster) {
        if (rule == Rule.MULTIKRUM || detectorSample >= 1) {
            return true;
        }
        return io.canopy.random.CounterHash.unitDouble(
            io.canopy.random.CounterHash.hash(DETECTOR_STREAM, roundId, cluster, 0)) < detectorSample;
    }

    /** λ = 1/(m_c·(K − 2k)·M): how far one leaf's unit change moves the released mean. */
    public double lambda(int clustersPerContinent, int continents) {
        return 1.0 / (plannedCount * (clustersPerContinent - 2 * trim) * continents);
    }

    /** Δ1 = C·λ: pass 1 (and the fixed-denominator mean), one leaf's clipped term of norm ≤ C. */
    public double centreSensitivity(double clip, int clustersPerContinent, int continents) {
        return clip * lambda(clustersPerContinent, continents);
    }

    /** Δ2 = ρ·λ·√(1 + s²): pass 2 with the count coordinate scaled by s = {@link #COUNT_SCALE}·ρ·λ. */
    public double updateSensitivity(int clustersPerContinent, int continents) {
        return gateRadius * lambda(clustersPerContinent, continents) * Math.sqrt(1 + COUNT_SCALE * COUNT_SCALE);
    }

    /** Whether this is the gated (two-pass) release. */
    public boolean gated() {
        return rule == Rule.GATED;
    }

    /**
     * Whether the release uses planned counts and time-closed, always-reporting tiers (gated or fixed): no tier
     * closes on a count one leaf could move, and no input's weight depends on how many arrived.
     */
    public boolean planned() {
        return rule != Rule.MULTIKRUM;
    }
}
