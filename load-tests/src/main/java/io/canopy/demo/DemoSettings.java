package io.canopy.demo;

import io.canopy.global.optimizer.FedAdam;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.global.optimizer.ServerOptimizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import io.canopy.codec.CodecId;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.privacy.plan.TierPlan;
import io.canopy.privacy.plan.TreeShape;
import io.canopy.round.RoundPlan;
import io.canopy.round.TierSpec;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.topology.FleetLayout;

/**
 * One demo run's configuration, checked once, and what follows from it: the fleet layout, the
 * privacy plan (noise per tier for the target ε, δ over the rounds) and the first round's plan.
 */
record DemoSettings(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds,
                    double samplingRate, double byzantine, Attack attack, double dropout, CodecId codec,
                    double epsilon, double delta, long seed, double krumShare, double beta, boolean secureNoise,
                    int window, int threads, String serverOptimizer, float serverLearningRate, Path ledger) {

    static final float CLIP = 1.0f;
    static final double QUORUM = 0.6;

    DemoSettings {
        long perContinent = (long) clusterSize * clustersPerContinent;
        if (leaves % perContinent != 0) {
            throw new IllegalArgumentException("--leaves (" + leaves + ") must be a multiple of --cluster-size x"
                + " --clusters-per-continent (" + perContinent + "), so that every cluster and continent is full"
                + " and the privacy plan's sensitivities hold");
        }
        if (!serverOptimizer.equals("fedavg") && !serverOptimizer.equals("fedadam")) {
            throw new IllegalArgumentException("--server-optimizer must be fedavg or fedadam, got '" + serverOptimizer + "'");
        }
        if (!(serverLearningRate > 0) || Float.isInfinite(serverLearningRate)) {
            throw new IllegalArgumentException("--server-lr must be positive and finite, got " + serverLearningRate);
        }
        if (!(krumShare >= 0 && krumShare < 0.5)) {
            throw new IllegalArgumentException("--krum-f must be in [0, 0.5), got " + krumShare);
        }
    }

    /** The global tier's server step: FedAvg (x += lr·Δ) or FedAdam (Reddi et al. 2021). */
    ServerOptimizer optimizer() {
        return serverOptimizer.equals("fedadam") ? FedAdam.withDefaults(dimension, serverLearningRate)
            : new FedAvgStep(serverLearningRate);
    }

    FleetLayout layout() {
        return new FleetLayout(leaves, clusterSize, clustersPerContinent, seed);
    }

    int continents() {
        return (int) (leaves / ((long) clusterSize * clustersPerContinent));
    }

    TreeShape treeShape() {
        int expected = (int) Math.max(1, Math.round(samplingRate * clusterSize));
        int atQuorum = TreeShape.minInputs(expected, QUORUM);
        int f = Math.max(0, Math.min((int) Math.floor(krumShare * atQuorum), (atQuorum - 3) / 2));
        return new TreeShape(leaves, samplingRate, clusterSize, clustersPerContinent, continents(), CLIP, f, beta, beta,
            QUORUM, rounds, epsilon, delta, dimension, Set.of("continental", "global"));
    }

    PrivacyPlan privacyPlan() {
        return PrivacyPlan.of(treeShape());
    }

    SwarmSpec swarm() {
        return new SwarmSpec(seed, dimension, 1.0, 0.5, 0.5, byzantine, attack, Double.NaN, clusterSize, dropout, 200.0, 0.5);
    }

    /**
     * The first round. Clusters live on the swarm's simulated clock: soft 2 s, hard 4 s, 0.5 s of grace,
     * over-selection 1.3. Continents and the global tier run on the wall clock with deadlines long enough
     * for a whole simulated round to stream through one JVM; they close as soon as every input is in or
     * withdrawn.
     */
    RoundPlan firstRound(PrivacyPlan privacy) {
        QuorumPolicy clusterPolicy = new QuorumPolicy(clusterSize, QUORUM, Duration.ofSeconds(2), Duration.ofSeconds(4),
            Duration.ofMillis(500), QuorumPolicy.DEFAULT_OVER_SELECTION);
        QuorumPolicy upper = new QuorumPolicy(clustersPerContinent, QUORUM, Duration.ofMinutes(30), Duration.ofMinutes(60),
            Duration.ofMinutes(30), 1.0);
        TierPlan t1 = privacy.tiers().get(0);
        TierPlan t2 = privacy.tiers().get(1);
        TierPlan t3 = privacy.tiers().get(2);
        return new RoundPlan(1, 0, dimension, samplingRate, CLIP, codec, layout(),
            new TierSpec(clusterPolicy, krumShare, t1.z(), t1.sensitivity(), CLIP),
            new TierSpec(upper, beta, t2.z(), t2.sensitivity(), t2.inputNormBound()),
            new TierSpec(upper.withExpectedCount(continents()), beta, t3.z(), t3.sensitivity(), t3.inputNormBound()),
            secureNoise, seed);
    }
}
