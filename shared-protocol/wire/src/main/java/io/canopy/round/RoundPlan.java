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
 * @param epoch         the issuing coordinator's epoch (0 for the journal's first coordinator): each coordinator that
 *                      takes the journal over issues a higher one, so a tier already at {@code roundId} under an older
 *                      epoch re-opens the round for the re-issued plan instead of ignoring it (docs/fleet.md)
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
    long runId,
    int epoch) implements ControlMessage {

    /** Epochs stay below 2^22, so an epoch shifted past {@link #EPOCH_SHIFT} bits still fits a positive long. */
    public static final int MAX_EPOCH = (1 << 22) - 1;

    /** Data rounds of epoch e start at e·2^40: every round id and pass of an epoch stays below the next epoch's. */
    static final int EPOCH_SHIFT = 40;

    /** A plan of the journal's first coordinator (epoch 0). */
    public RoundPlan(long roundId, long modelVersion, int dimension, double samplingRate, float clipNorm, CodecId codec,
                     FleetLayout layout, TierSpec cluster, TierSpec continental, TierSpec global, boolean secureNoise,
                     long noiseSeed, ReleaseSpec release, long runId) {
        this(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental, global,
            secureNoise, noiseSeed, release, runId, 0);
    }

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
     * release; 2r − 1 and 2r for the gated release, so that each pass opens, fills and closes its own ingest. A plan of
     * epoch e > 0 adds e·2^40, so data rounds keep increasing across a coordinator take-over: a re-issued round gets
     * fresh data rounds, and an aggregate sent for the old coordinator's copy of it is refused as another round's.
     */
    public long dataRound(int pass) {
        return ((long) epoch << EPOCH_SHIFT) + (release.gated() ? 2 * roundId - 2 + pass : roundId);
    }

    /** Whether this plan is newer than {@code other}: a later round, or the same round re-issued under a higher epoch. */
    public boolean supersedes(RoundPlan other) {
        return other == null || roundId > other.roundId() || roundId == other.roundId() && epoch > other.epoch();
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
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new IllegalArgumentException("epoch must be in [0, " + MAX_EPOCH + "], was " + epoch);
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
            secureNoise, noiseSeed, release, runId, epoch);
    }

    /** The next round's plan: same configuration, next ids. */
    public RoundPlan next(long newModelVersion) {
        return new RoundPlan(roundId + 1, newModelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster,
            continental, global, secureNoise, noiseSeed, release, runId, epoch);
    }

    /** This plan as part of run {@code id} (the coordinator's journal's run id). */
    public RoundPlan withRunId(long id) {
        return new RoundPlan(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental,
            global, secureNoise, noiseSeed, release, id, epoch);
    }

    /** This plan with {@code spec} as its release. */
    public RoundPlan withRelease(ReleaseSpec spec) {
        return new RoundPlan(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental,
            global, secureNoise, noiseSeed, spec, runId, epoch);
    }

    /** This plan as issued by a coordinator of epoch {@code e} (see {@link #epoch}). */
    public RoundPlan withEpoch(int e) {
        return new RoundPlan(roundId, modelVersion, dimension, samplingRate, clipNorm, codec, layout, cluster, continental,
            global, secureNoise, noiseSeed, release, runId, e);
    }
}
