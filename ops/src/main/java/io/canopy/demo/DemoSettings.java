package io.canopy.demo;

import io.canopy.global.optimizer.FedAdam;
import io.canopy.global.plan.RoundDesign;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.global.optimizer.ServerOptimizer;
import java.nio.file.Path;

import io.canopy.codec.CodecId;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.privacy.plan.PrivacyPlan;
import io.canopy.privacy.plan.TreeShape;
import io.canopy.round.RoundPlan;
import io.canopy.topology.FleetLayout;

/**
 * One demo run's configuration, checked once, and what follows from it: the fleet layout, the
 * privacy plan (noise per tier for the target ε, δ over the rounds) and the first round's plan.
 */
record DemoSettings(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds,
                    double samplingRate, double byzantine, Attack attack, double dropout, CodecId codec,
                    double epsilon, double delta, long seed, double krumShare, double beta, boolean secureNoise,
                    int window, int threads, String serverOptimizer, float serverLearningRate, Path ledger,
                    int metricsPort, String release, double gateFactor, io.canopy.frame.SignatureScheme signatures,
                    double detectorSample, CodecId heldCodec) {

    /** Settings whose gated release holds its rows between the passes as fp32 (exact). */
    DemoSettings(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds, double samplingRate,
                 double byzantine, Attack attack, double dropout, CodecId codec, double epsilon, double delta, long seed,
                 double krumShare, double beta, boolean secureNoise, int window, int threads, String serverOptimizer,
                 float serverLearningRate, Path ledger, int metricsPort, String release, double gateFactor,
                 io.canopy.frame.SignatureScheme signatures, double detectorSample) {
        this(leaves, clusterSize, clustersPerContinent, dimension, rounds, samplingRate, byzantine, attack, dropout, codec,
            epsilon, delta, seed, krumShare, beta, secureNoise, window, threads, serverOptimizer, serverLearningRate,
            ledger, metricsPort, release, gateFactor, signatures, detectorSample, CodecId.FP32);
    }

    /** Settings whose Multi-Krum detector runs in every cluster. */
    DemoSettings(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds, double samplingRate,
                 double byzantine, Attack attack, double dropout, CodecId codec, double epsilon, double delta, long seed,
                 double krumShare, double beta, boolean secureNoise, int window, int threads, String serverOptimizer,
                 float serverLearningRate, Path ledger, int metricsPort, String release, double gateFactor,
                 io.canopy.frame.SignatureScheme signatures) {
        this(leaves, clusterSize, clustersPerContinent, dimension, rounds, samplingRate, byzantine, attack, dropout, codec,
            epsilon, delta, seed, krumShare, beta, secureNoise, window, threads, serverOptimizer, serverLearningRate,
            ledger, metricsPort, release, gateFactor, signatures, 1.0);
    }

    /** Settings whose leaves send unsigned frames (the clusters do not authenticate them). */
    DemoSettings(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds, double samplingRate,
                 double byzantine, Attack attack, double dropout, CodecId codec, double epsilon, double delta, long seed,
                 double krumShare, double beta, boolean secureNoise, int window, int threads, String serverOptimizer,
                 float serverLearningRate, Path ledger, int metricsPort, String release, double gateFactor) {
        this(leaves, clusterSize, clustersPerContinent, dimension, rounds, samplingRate, byzantine, attack, dropout, codec,
            epsilon, delta, seed, krumShare, beta, secureNoise, window, threads, serverOptimizer, serverLearningRate,
            ledger, metricsPort, release, gateFactor, io.canopy.frame.SignatureScheme.NONE);
    }

    /** Settings with the default gate radius (ρ = {@link RoundDesign#GATE_FACTOR}·C). */
    DemoSettings(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds, double samplingRate,
                 double byzantine, Attack attack, double dropout, CodecId codec, double epsilon, double delta, long seed,
                 double krumShare, double beta, boolean secureNoise, int window, int threads, String serverOptimizer,
                 float serverLearningRate, Path ledger, int metricsPort, String release) {
        this(leaves, clusterSize, clustersPerContinent, dimension, rounds, samplingRate, byzantine, attack, dropout, codec,
            epsilon, delta, seed, krumShare, beta, secureNoise, window, threads, serverOptimizer, serverLearningRate,
            ledger, metricsPort, release, RoundDesign.GATE_FACTOR);
    }

    /** The first wave's settings, released by Multi-Krum and trimmed means. */
    DemoSettings(long leaves, int clusterSize, int clustersPerContinent, int dimension, int rounds, double samplingRate,
                 double byzantine, Attack attack, double dropout, CodecId codec, double epsilon, double delta, long seed,
                 double krumShare, double beta, boolean secureNoise, int window, int threads, String serverOptimizer,
                 float serverLearningRate, Path ledger, int metricsPort) {
        this(leaves, clusterSize, clustersPerContinent, dimension, rounds, samplingRate, byzantine, attack, dropout, codec,
            epsilon, delta, seed, krumShare, beta, secureNoise, window, threads, serverOptimizer, serverLearningRate,
            ledger, metricsPort, "multikrum");
    }

    static final float CLIP = RoundDesign.CLIP;
    static final double QUORUM = RoundDesign.QUORUM;

    DemoSettings {
        try {
            new RoundDesign(leaves, clusterSize, clustersPerContinent, dimension, rounds, samplingRate, codec, epsilon,
                delta, seed, krumShare, beta, secureNoise, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage()); // its messages name the flags' keys
        }
        if (!(gateFactor > 0) || Double.isInfinite(gateFactor)) {
            throw new IllegalArgumentException("--rho must be a positive multiple of C, got " + gateFactor);
        }
        if (!(detectorSample > 0 && detectorSample <= 1)) {
            throw new IllegalArgumentException("--detector-sample must be in (0, 1], got " + detectorSample);
        }
        if ("multikrum".equals(release) && detectorSample != 1) {
            throw new IllegalArgumentException("--detector-sample " + detectorSample + " needs a planned release (auto, gated"
                + " or fixed): under --release multikrum, Multi-Krum is the release and runs in every cluster");
        }
        if (heldCodec == null || !io.canopy.round.ReleaseSpec.HELD_CODECS.contains(heldCodec)) {
            throw new IllegalArgumentException("--held-codec must be fp32, bf16 or int8, got "
                + (heldCodec == null ? "an unknown codec" : heldCodec.label()));
        }
        if (heldCodec != CodecId.FP32 && ("fixed".equals(release) || "multikrum".equals(release))) {
            throw new IllegalArgumentException("--held-codec " + heldCodec.label() + " needs the gated release (gated or"
                + " auto): only it holds rows between two passes, and --release " + release + " has one pass");
        }
        if (!RoundDesign.RELEASES.contains(release)) {
            throw new IllegalArgumentException("--release must be one of auto, gated, fixed, multikrum; got '" + release + "'");
        }
        if (!serverOptimizer.equals("fedavg") && !serverOptimizer.equals("fedadam")) {
            throw new IllegalArgumentException("--server-optimizer must be fedavg or fedadam, got '" + serverOptimizer + "'");
        }
        if (!(serverLearningRate > 0) || Float.isInfinite(serverLearningRate)) {
            throw new IllegalArgumentException("--server-lr must be positive and finite, got " + serverLearningRate);
        }
    }

    /** The global tier's server step: FedAvg (x += lr·Δ) or FedAdam (Reddi et al. 2021). */
    ServerOptimizer optimizer() {
        return serverOptimizer.equals("fedadam") ? FedAdam.withDefaults(dimension, serverLearningRate)
            : new FedAvgStep(serverLearningRate);
    }

    /** The rounds' design: layout, privacy plan and plans, shared with a fleet. */
    RoundDesign design() {
        return new RoundDesign(leaves, clusterSize, clustersPerContinent, dimension, rounds, samplingRate, codec, epsilon,
            delta, seed, krumShare, beta, secureNoise, true);
    }

    FleetLayout layout() {
        return design().layout();
    }

    int continents() {
        return design().continents();
    }

    TreeShape treeShape() {
        return design().treeShape();
    }

    PrivacyPlan privacyPlan() {
        return design().privacyPlan();
    }

    SwarmSpec swarm() {
        return new SwarmSpec(seed, dimension, 1.0, 0.5, 0.5, byzantine, attack, Double.NaN, clusterSize, dropout, 200.0, 0.5);
    }

    /** The first round, with the embedded fleet's clocks ({@link EmbeddedFleet#firstRound}). */
    RoundPlan firstRound(PrivacyPlan privacy) {
        RoundPlan first = EmbeddedFleet.firstRound(design(), privacy, release, gateFactor);
        io.canopy.round.ReleaseSpec spec = detectorSample == 1 ? first.release() : first.release().withDetectorSample(detectorSample);
        // auto may pick the fixed release, which holds nothing between passes: the codec then has nothing to hold.
        spec = spec.gated() ? spec.withHeldCodec(heldCodec) : spec;
        return spec == first.release() ? first : first.withRelease(spec);
    }
}
