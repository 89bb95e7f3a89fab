package io.canopy.round;

import io.canopy.codec.CodecId;
import io.canopy.control.ControlMessage;
import io.canopy.topology.FleetLayout;

/**
 * Everything every tier needs to take part in round r, sent down the tree when the global tier opens it
 * (DESIGN.md, "A round, end to end", step 1).
 *
 * @param roundId       strictly increasing
 * @param modelVersion  the model the leaves train from
 * @param dimension     d
 * @param samplingRate  the probability each leaf is invited this round (Poisson sampling; the accountant's q)
 * @param clipNorm      C: leaves clip to it, clusters refuse updates above it
 * @param codec         how leaves compress their updates
 * @param layout        which leaf reports to which cluster and which cluster to which continent
 * @param cluster       tier 1
 * @param continental   tier 2
 * @param global        tier 3
 * @param secureNoise   true for the secure sampler; false only in simulations, with {@code noiseSeed}
 * @param noiseSeed     the fast sampler's seed (ignored by the secure one)
 * @param release       how the global update is released ({@link ReleaseSpec})
 * @param runId         a random value the coordinator draws once per journal (0: none), so that signatures and nonces
 *                      of one run never verify in another ({@code io.canopy.enroll.RoundNonce})
 */
public record RoundPlan(
    long roundId,
    long modelVersion,
    int dimension,
    double samplingRate,
    float clipNorm,
    CodecId codec,
    FleetLayout layout,
    TierSpec cluster,
    TierSpec continental,
    TierSpec global,
    boolean secureNoise,
    long noiseSeed,
    ReleaseSpec release,
    long runId) implements ControlMessage {

    /** A plan with the first wave's release ({@link ReleaseSpec#MULTIKRUM}). */
    public RoundPlan(long roundId, long modelVersion, int dimension, double samplingRate, float clipNorm, CodecId codec,
                     FleetLayout layout, TierSpec cluster, TierSpec continental, TierSpec global, boolean secureNoise,
                     long noiseSeed) {
        this(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental, global,
            secureNoise, noiseSeed, ReleaseSpec.MULTIKRUM);
    }

    /** A plan of no particular run (run id 0): tests, tools and the plan a coordinator stamps with its journal's. */
    public RoundPlan(long roundId, long modelVersion, int dimension, double samplingRate, float clipNorm, CodecId codec,
                     FleetLayout layout, TierSpec cluster, TierSpec continental, TierSpec global, boolean secureNoise,
                     long noiseSeed, ReleaseSpec release) {
        this(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental, global,
            secureNoise, noiseSeed, release, 0L);
    }

    /**
     * The data-plane round id of pass {@code pass} (1 or 2) between tiers: the round id itself for a one-pass
     * release; 2r − 1 and 2r for the gated release, so that each pass opens, fills and closes its own ingest.
     */
    public long dataRound(int pass) {
        return release.gated() ? 2 * roundId - 2 + pass : roundId;
    }

    public RoundPlan {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
        }
        if (!(samplingRate > 0.0 && samplingRate <= 1.0)) {
            throw new IllegalArgumentException("samplingRate must be in (0, 1], was " + samplingRate);
        }
        if (!(clipNorm > 0f) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be positive and finite, was " + clipNorm);
        }
        if (codec == null || layout == null || cluster == null || continental == null || global == null) {
            throw new IllegalArgumentException("codec, layout and the three tier specs must all be given");
        }
        if (release == null) {
            release = ReleaseSpec.MULTIKRUM;
        }
        if (release.planned() && 2 * release.trim() >= layout.clustersPerContinent()) {
            throw new IllegalArgumentException("the gated release trims " + release.trim() + " of each end of "
                + layout.clustersPerContinent() + " clusters per continent: nothing would remain");
        }
    }

    /** The spec of tier 1, 2 or 3. */
    public TierSpec tier(int tier) {
        return switch (tier) {
            case 1 -> cluster;
            case 2 -> continental;
            case 3 -> global;
            default -> throw new IllegalArgumentException("tiers are 1, 2 and 3, not " + tier);
        };
    }

    /** This plan as round {@code id} on model version {@code version} (a coordinator resuming from its ledger). */
    public RoundPlan at(long id, long version) {
        return new RoundPlan(id, version, dimension, samplingRate, clipNorm, codec, layout, cluster, continental, global,
            secureNoise, noiseSeed, release, runId);
    }

    /** The next round's plan: same configuration, next ids. */
    public RoundPlan next(long newModelVersion) {
        return new RoundPlan(roundId + 1, newModelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster,
            continental, global, secureNoise, noiseSeed, release, runId);
    }

    /** This plan as part of run {@code id} (the coordinator's journal's run id). */
    public RoundPlan withRunId(long id) {
        return new RoundPlan(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental,
            global, secureNoise, noiseSeed, release, id);
    }

    /** This plan with {@code spec} as its release. */
    public RoundPlan withRelease(ReleaseSpec spec) {
        return new RoundPlan(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental,
            global, secureNoise, noiseSeed, spec, runId);
    }
}
