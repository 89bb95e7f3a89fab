package io.canopy.train;

import java.nio.file.Path;
import java.util.List;

import io.canopy.codec.CodecId;
import io.canopy.frame.SignatureScheme;
import io.canopy.demo.RunOptions;
import io.canopy.global.optimizer.FedAdam;
import io.canopy.global.optimizer.FedAvgMomentum;
import io.canopy.global.optimizer.FedAvgStep;
import io.canopy.global.optimizer.ServerOptimizer;
import io.canopy.global.plan.RoundDesign;
import io.canopy.leaf.data.ShardSampler;
import io.canopy.leaf.train.ModelSpec;
import io.canopy.leaf.train.TrainingConfig;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;

/**
 * One training run's configuration, checked once: the tree (as the demo's flags), the privacy target, the
 * model and local SGD, the leaves' data, the attackers and the server step.
 *
 * @param epsilon ε of the published model over all rounds; +∞ for a run without DP noise
 */
public record TrainSettings(long leaves, int clusterSize, int clustersPerContinent, int rounds, double samplingRate,
                            double byzantine, TrainAttack attack, TrainingSwarm.Placement placement, double dropout,
                            CodecId codec, double epsilon, double delta, long seed, double krumShare, double beta,
                            boolean secureNoise, int window, int threads, String release, double gateFactor,
                            ModelSpec model, int localEpochs, float localLearningRate, int batch, double alpha, int shard,
                            String serverOptimizer, float serverLearningRate, float serverMomentum, int statisticsSample,
                            Path ledger, SignatureScheme signatures) {

    /** The flags, as {@code ./canopy train --help} lists them. */
    public static final List<Spec> SPECS = List.of(
        Spec.value("leaves", "N", "fleet size; a multiple of cluster-size x clusters-per-continent (default 10000)"),
        Spec.value("cluster-size", "C", "leaves per cluster (default 100)"),
        Spec.value("clusters-per-continent", "K", "clusters per continental aggregator (default 10)"),
        Spec.value("rounds", "T", "rounds to train; also the T the privacy target covers (default 100)"),
        Spec.value("sampling-rate", "Q", "probability each leaf is invited per round, in (0, 1] (default 0.1)"),
        Spec.value("byzantine", "FRACTION", "share of leaves that attack, in [0, 1) (default 0)"),
        Spec.value("attack", "NAME", "what attackers do: none | sign-flip | label-flip | backdoor | alie |"
            + " inner-product-manipulation (ipm) (default none)"),
        Spec.value("placement", "WHERE", "random (each leaf attacks with probability FRACTION) or concentrated"
            + " (attackers fill whole clusters) (default random)"),
        Spec.value("dropout", "P", "probability an invited leaf never answers, in [0, 1) (default 0.1)"),
        Spec.value("codec", "NAME", "leaf update compression: fp32 | fp16 | bf16 | int8 | topk (default fp32)"),
        Spec.value("epsilon", "E", "target epsilon of the published model over all rounds, or 'off' for no DP noise"
            + " (default 2)"),
        Spec.value("delta", "D", "target delta (default 1e-5)"),
        Spec.value("seed", "S", "seed of shards, sampling, attackers and noise (default 42)"),
        Spec.value("krum-f", "SHARE", "share of a cluster's updates Multi-Krum assumes Byzantine, in [0, 0.5) (default 0.25)"),
        Spec.value("beta", "B", "trimmed-mean trim fraction at tiers 2 and 3, in [0, 0.5) (default 0.1)"),
        Spec.value("release", "RULE", "gated | fixed | auto | multikrum, as in ./canopy demo (default auto)"),
        Spec.value("rho", "FACTOR", "the gated release's gate radius as a multiple of C (default " + RoundDesign.GATE_FACTOR + ")"),
        Spec.value("model", "NAME", "softmax | mlp (784-64-10) | mlp:<hidden> (default softmax)"),
        Spec.value("local-epochs", "E", "local SGD epochs over the leaf's shard (default 1)"),
        Spec.value("local-lr", "LR", "local SGD learning rate (default 0.1)"),
        Spec.value("batch", "B", "local SGD batch size (default 8)"),
        Spec.value("alpha", "A", "Dirichlet concentration of each leaf's class mix; small is more non-IID (default 0.5)"),
        Spec.value("shard", "S", "training examples per leaf, drawn from the 60,000 (default 32)"),
        Spec.value("server-optimizer", "NAME", "fedavgm (server momentum, Hsu et al. 2019) | fedavg | fedadam (default fedavgm)"),
        Spec.value("server-lr", "LR", "server learning rate (default 1 for fedavg and fedavgm, 0.1 for fedadam)"),
        Spec.value("server-momentum", "BETA", "fedavgm's momentum, in [0, 1) (default 0.9)"),
        Spec.value("honest-sample", "N", "honest leaves trained per round to give the ALIE and IPM attackers the"
            + " honest mean and spread (default 200)"),
        Spec.value("window", "W", "clusters in flight at once (default 8)"),
        Spec.value("threads", "N", "training threads (default: the cores, " + Runtime.getRuntime().availableProcessors() + ")"),
        Spec.value("ledger", "DIR", "where the global tier makes each round durable (rounds, privacy ledger, model-v*.npy"
            + " checkpoints); must hold no rounds yet (default: no ledger)"),
        Spec.flag("secure-noise", "draw the DP noise from the secure sampler (default: the fast seeded sampler)"),
        Spec.value("signatures", "SCHEME", "leaf frame signatures: off (default), ed25519, ml-dsa-44 or ml-dsa-65; each"
            + " leaf signs with a key derived from (seed, leaf id) and the clusters verify every frame before it counts,"
            + " as in ./canopy demo (a load-test convenience, not security)"));

    public TrainSettings {
        if (!(Double.isInfinite(epsilon) || epsilon > 0)) {
            throw new IllegalArgumentException("--epsilon must be positive or 'off', got " + epsilon);
        }
        if (model == null || attack == null || placement == null || codec == null || signatures == null) {
            throw new IllegalArgumentException("model, attack, placement, codec and signatures must be given");
        }
        design(leaves, clusterSize, clustersPerContinent, model, rounds, samplingRate, codec, epsilon, delta, seed,
            krumShare, beta, secureNoise); // the tree's own checks, naming the flags
        new TrainingConfig(seed, localEpochs, batch, localLearningRate, RoundDesign.CLIP);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("--alpha must be positive and finite, got " + alpha);
        }
        if (shard < 1) {
            throw new IllegalArgumentException("--shard must be at least 1, got " + shard);
        }
        if (!List.of("fedavg", "fedavgm", "fedadam").contains(serverOptimizer)) {
            throw new IllegalArgumentException("--server-optimizer must be fedavgm, fedavg or fedadam, got '"
                + serverOptimizer + "'");
        }
        if (!RoundDesign.RELEASES.contains(release)) {
            throw new IllegalArgumentException("--release must be one of auto, gated, fixed, multikrum; got '" + release + "'");
        }
        if (attack != TrainAttack.NONE && byzantine == 0) {
            throw new IllegalArgumentException("--attack " + attack.cliName() + " needs --byzantine above 0");
        }
    }

    /** Whether the published model carries DP noise. */
    public boolean dp() {
        return !Double.isInfinite(epsilon);
    }

    /** The tree and its privacy plan for the model's dimension; without DP, the same tree with no noise. */
    public RoundDesign design() {
        return design(leaves, clusterSize, clustersPerContinent, model, rounds, samplingRate, codec, epsilon, delta, seed,
            krumShare, beta, secureNoise);
    }

    private static RoundDesign design(long leaves, int clusterSize, int clustersPerContinent, ModelSpec model, int rounds,
                                      double samplingRate, CodecId codec, double epsilon, double delta, long seed,
                                      double krumShare, double beta, boolean secureNoise) {
        boolean dp = !Double.isInfinite(epsilon);
        try {
            return new RoundDesign(leaves, clusterSize, clustersPerContinent, model.dimension(), rounds, samplingRate,
                codec, dp ? epsilon : 1.0, delta, seed, krumShare, beta, secureNoise, dp);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    /** Local SGD for every leaf: its updates clipped to the tree's C. */
    public TrainingConfig training() {
        return new TrainingConfig(seed, localEpochs, batch, localLearningRate, RoundDesign.CLIP);
    }

    /** A fresh server step (it holds state: one per run). */
    public ServerOptimizer optimizer() {
        return switch (serverOptimizer) {
            case "fedavg" -> new FedAvgStep(serverLearningRate);
            case "fedadam" -> FedAdam.withDefaults(model.dimension(), serverLearningRate);
            default -> new FedAvgMomentum(model.dimension(), serverLearningRate, serverMomentum);
        };
    }

    /** The server step as the report names it. */
    public String serverStep() {
        return serverOptimizer.equals("fedavgm") ? "fedavgm (lr " + serverLearningRate + ", momentum " + serverMomentum + ")"
            : serverOptimizer + " (lr " + serverLearningRate + ")";
    }

    /** Reads the flags; {@code overrides} are defaults another command (the experiment) sets first. */
    public static TrainSettings parse(Options o) throws UsageException {
        int cores = Runtime.getRuntime().availableProcessors();
        String optimizer = o.has("server-optimizer") ? o.get("server-optimizer") : "fedavgm";
        try {
            return new TrainSettings(
                RunOptions.longValue(o, "leaves", 10_000L, 1, 10_000_000L),
                o.intValue("cluster-size", 100, 3, 100_000),
                o.intValue("clusters-per-continent", 10, 1, 100_000),
                o.intValue("rounds", 100, 1, 100_000),
                RunOptions.probability(o, "sampling-rate", 0.1, false),
                RunOptions.fraction(o, "byzantine", 0.0),
                o.has("attack") ? TrainAttack.parse(o.get("attack")) : TrainAttack.NONE,
                placement(o),
                RunOptions.fraction(o, "dropout", 0.1),
                RunOptions.codec(o),
                epsilon(o),
                RunOptions.delta(o),
                RunOptions.longValue(o, "seed", 42L, Long.MIN_VALUE, Long.MAX_VALUE),
                o.doubleValue("krum-f", 0.25),
                o.doubleValue("beta", 0.1),
                o.has("secure-noise"),
                o.intValue("window", 8, 1, 1024),
                o.intValue("threads", cores, 1, 256),
                o.has("release") ? o.get("release") : "auto",
                o.doubleValue("rho", RoundDesign.GATE_FACTOR),
                o.has("model") ? ModelSpec.parse(o.get("model")) : ModelSpec.softmax(),
                o.intValue("local-epochs", TrainingConfig.EPOCHS_DEFAULT, 1, 1000),
                (float) o.doubleValue("local-lr", TrainingConfig.LEARNING_RATE_DEFAULT),
                o.intValue("batch", TrainingConfig.BATCH_SIZE_DEFAULT, 1, 60_000),
                o.doubleValue("alpha", ShardSampler.ALPHA_DEFAULT),
                o.intValue("shard", ShardSampler.SHARD_SIZE_DEFAULT, 1, 60_000),
                optimizer,
                (float) o.doubleValue("server-lr", optimizer.equals("fedadam") ? 0.1 : 1.0),
                (float) o.doubleValue("server-momentum", FedAvgMomentum.MOMENTUM_DEFAULT),
                o.intValue("honest-sample", 200, 2, 100_000),
                o.has("ledger") ? Path.of(o.get("ledger")) : null,
                RunOptions.signatures(o));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static TrainingSwarm.Placement placement(Options o) throws UsageException {
        String v = o.has("placement") ? o.get("placement") : "random";
        return switch (v) {
            case "random" -> TrainingSwarm.Placement.RANDOM;
            case "concentrated" -> TrainingSwarm.Placement.CONCENTRATED;
            default -> throw new UsageException("--placement must be random or concentrated, got '" + v + "'");
        };
    }

    private static double epsilon(Options o) throws UsageException {
        if ("off".equals(o.get("epsilon"))) {
            return Double.POSITIVE_INFINITY;
        }
        return RunOptions.positive(o, "epsilon", 2.0);
    }
}
