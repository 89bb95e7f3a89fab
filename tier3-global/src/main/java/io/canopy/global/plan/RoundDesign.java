package io.canopy.global.plan;

import java.util.Set;

import io.canopy.codec.CodecId;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.privacy.plan.TierPlan;
import io.canopy.privacy.plan.TreeShape;
import io.canopy.round.ReleaseSpec;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;

/**
 * What a run's rounds look like, from the fleet's shape and targets: the layout, the privacy plan (noise per
 * tier for (ε, δ) over the rounds, continental and global receivers trusted) and the first round's plan. One
 * design serves the one-JVM demo and a fleet, so the same seed gives the same rounds in both.
 *
 * @param krumShare share of a cluster's updates Multi-Krum assumes Byzantine, in [0, 0.5)
 * @param beta      trim fraction of the trimmed means at tiers 2 and 3
 * @param noise     false to add no DP noise at all (tests comparing the fleet with one JVM; ε is then ∞)
 */
public record RoundDesign(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds,
                          double samplingRate, CodecId codec, double epsilon, double delta, long seed, double krumShare,
                          double beta, boolean secureNoise, boolean noise) {

    /** Every update is clipped to this L2 norm. */
    public static final float CLIP = 1.0f;
    /** The quorum fraction of every tier. */
    public static final double QUORUM = 0.6;

    public RoundDesign {
        long perContinent = (long) clusterSize * clustersPerContinent;
        if (clusterSize < 3 || clustersPerContinent < 1 || perContinent <= 0 || leaves % perContinent != 0) {
            throw new IllegalArgumentException("leaves (" + leaves + ") must be a multiple of cluster-size x"
                + " clusters-per-continent (" + perContinent + "), so that every cluster and continent is full"
                + " and the privacy plan's sensitivities hold");
        }
        if (!(krumShare >= 0 && krumShare < 0.5)) {
            throw new IllegalArgumentException("krum-f must be in [0, 0.5), got " + krumShare);
        }
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("beta must be in [0, 0.5), got " + beta);
        }
    }

    public FleetLayout layout() {
        return new FleetLayout(leaves, clusterSize, clustersPerContinent, seed);
    }

    public int continents() {
        return (int) (leaves / ((long) clusterSize * clustersPerContinent));
    }

    public TreeShape treeShape() {
        int expected = (int) Math.max(1, Math.round(samplingRate * clusterSize));
        int atQuorum = TreeShape.minInputs(expected, QUORUM);
        int f = Math.max(0, Math.min((int) Math.floor(krumShare * atQuorum), (atQuorum - 3) / 2));
        return new TreeShape(leaves, samplingRate, clusterSize, clustersPerContinent, continents(), CLIP, f, beta, beta,
            QUORUM, rounds, epsilon, delta, dimension, Set.of("continental", "global"));
    }

    /** The gate radius of the gated release as a multiple of C (a plan-time constant: heuristic, see docs/privacy.md). */
    public static final float GATE_FACTOR = 0.7f;

    /** The release rules a run may name: auto chooses gated or fixed from public parameters ({@link #choice}). */
    public static final java.util.List<String> RELEASES = java.util.List.of("auto", "gated", "fixed", "multikrum");

    /**
     * {@code first} released by {@code rule} (one of {@link #RELEASES}); multikrum leaves it as it is.
     *
     * <p>gated: two-pass gated centred clipping ({@link ReleaseSpec}): planned counts m_c = q·cluster size, a fixed
     * trim k = ⌊β·K⌋ per continent, ρ = {@link #GATE_FACTOR}·C, the tier-3 z split into z1 = 3z and z2 = z/√(8/9),
     * W_min = 10% of the planned total. fixed: pass 1 alone, released with z (DP-FedAvg's estimator). Both close
     * every tier on time only (or once all its inputs are in), and only the coordinator adds noise.
     */
    public RoundPlan release(RoundPlan first, String rule) {
        return release(first, rule, GATE_FACTOR);
    }

    /** {@link #release(RoundPlan, String)} with the gate radius ρ = {@code gateFactor}·C. */
    public RoundPlan release(RoundPlan first, String rule, double gateFactor) {
        if (!(gateFactor > 0) || Double.isInfinite(gateFactor)) {
            throw new IllegalArgumentException("the gate radius factor must be positive and finite, got " + gateFactor);
        }
        return switch (rule) {
            case "multikrum" -> first;
            case "gated" -> planned(first, ReleaseSpec.Rule.GATED, gateFactor);
            case "fixed" -> planned(first, ReleaseSpec.Rule.FIXED, gateFactor);
            case "auto" -> planned(first, choice(first, gateFactor).regime()
                == io.canopy.privacy.release.ReleaseChoice.Regime.TWO_PASS ? ReleaseSpec.Rule.GATED : ReleaseSpec.Rule.FIXED,
                gateFactor);
            default -> throw new IllegalArgumentException("release must be one of " + RELEASES + ", got '" + rule + "'");
        };
    }

    /** Which regime the public parameters call for, and why (the centre's predicted noise against ρ). */
    public io.canopy.privacy.release.ReleaseChoice choice(RoundPlan first) {
        return choice(first, GATE_FACTOR);
    }

    /** {@link #choice(RoundPlan)} for ρ = {@code gateFactor}·C. */
    public io.canopy.privacy.release.ReleaseChoice choice(RoundPlan first, double gateFactor) {
        return io.canopy.privacy.release.ReleaseChoice.decide(dimension, first.global().noiseMultiplier(),
            io.canopy.privacy.release.ReleasePasses.DEFAULT_CENTRE_SHARE, CLIP, gateFactor * CLIP,
            io.canopy.privacy.release.TreeScale.of(samplingRate * clusterSize, clustersPerContinent, beta, continents()));
    }

    /** {@code first} with the gated release (kept for callers that name it). */
    public RoundPlan gated(RoundPlan first) {
        return planned(first, ReleaseSpec.Rule.GATED, GATE_FACTOR);
    }

    private RoundPlan planned(RoundPlan first, ReleaseSpec.Rule rule, double gateFactor) {
        float rho = (float) (gateFactor * CLIP);
        double z = first.global().noiseMultiplier();
        int k = io.canopy.aggregation.TrimmedMean.trimCount(beta, clustersPerContinent);
        double planned = samplingRate * clusterSize;
        double plannedTotal = planned * first.layout().clusters();
        ReleaseSpec spec;
        if (rule == ReleaseSpec.Rule.FIXED) {
            spec = new ReleaseSpec(rule, planned, k, rho, z, 0, 0, "unused: no gate");
        } else {
            // The note's split: 1/9 of 1/z² to the centre (z1 = 3z), the rest to the update (z2 = z/√(8/9)).
            double share = io.canopy.privacy.release.ReleasePasses.DEFAULT_CENTRE_SHARE;
            spec = new ReleaseSpec(rule, planned, k, rho, z / Math.sqrt(share), z / Math.sqrt(1 - share),
                0.1 * plannedTotal, "plan constant " + (float) gateFactor + " x C");
        }
        // The sensitivity the last release of the round answers for (ReleaseSpec holds the one formula).
        double sensitivity = rule == ReleaseSpec.Rule.FIXED ? spec.centreSensitivity(CLIP, clustersPerContinent, continents())
            : spec.updateSensitivity(clustersPerContinent, continents());
        return new RoundPlan(first.roundId(), first.modelVersion(), dimension, samplingRate, CLIP, codec, first.layout(),
            new TierSpec(timeOnly(first.cluster().policy()), krumShare, 0, 0, CLIP),
            new TierSpec(timeOnly(first.continental().policy()), beta, 0, 0, first.continental().inputNormBound()),
            new TierSpec(timeOnly(first.global().policy()), beta, z, z > 0 ? sensitivity : 0,
                first.global().inputNormBound()),
            secureNoise, seed, spec);
    }

    /** The policy closing only when every input is in or at the hard deadline: no early close on a count. */
    private static QuorumPolicy timeOnly(QuorumPolicy p) {
        return new QuorumPolicy(p.expectedCount(), p.quorumFraction(), p.hardDeadline(), p.hardDeadline(),
            p.hardDeadline(), 1.0);
    }

    public PrivacyPlan privacyPlan() {
        return PrivacyPlan.of(treeShape());
    }

    /**
     * The first round, with the clusters' policy and the upper tiers' policy given (the demo runs clusters on
     * simulated time, a fleet on the wall clock); the upper policy's expected count is set per tier.
     */
    public RoundPlan firstRound(PrivacyPlan privacy, QuorumPolicy clusterPolicy, QuorumPolicy upperPolicy) {
        TierPlan t1 = privacy.tiers().get(0);
        TierPlan t2 = privacy.tiers().get(1);
        TierPlan t3 = privacy.tiers().get(2);
        double z1 = noise ? t1.z() : 0;
        double z2 = noise ? t2.z() : 0;
        double z3 = noise ? t3.z() : 0;
        return new RoundPlan(1, 0, dimension, samplingRate, CLIP, codec, layout(),
            new TierSpec(clusterPolicy.withExpectedCount(clusterSize), krumShare, z1, noise ? t1.sensitivity() : 0, CLIP),
            new TierSpec(upperPolicy.withExpectedCount(clustersPerContinent), beta, z2, noise ? t2.sensitivity() : 0,
                t2.inputNormBound()),
            new TierSpec(upperPolicy.withExpectedCount(continents()), beta, z3, noise ? t3.sensitivity() : 0,
                t3.inputNormBound()),
            secureNoise, seed);
    }
}
