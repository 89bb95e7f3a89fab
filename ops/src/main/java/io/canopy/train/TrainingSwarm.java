package io.canopy.train;

import io.canopy.demo.LeafWork;
import io.canopy.leaf.data.LabelledImages;
import io.canopy.leaf.data.Poisoning;
import io.canopy.leaf.data.ShardSampler;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.leaf.train.ModelSpec;
import io.canopy.leaf.train.TrainedLeaves;
import io.canopy.leaf.train.TrainingConfig;
import io.canopy.random.CounterHash;
import io.canopy.round.RoundPlan;
import io.canopy.topology.FleetLayout;

/**
 * Leaves that train the real model: each invited leaf derives its non-IID Fashion-MNIST shard from
 * (seed, leaf id), runs local SGD from the model version its round plan names and sends w_local − w_global;
 * Byzantine leaves poison their data or replace their update ({@link TrainAttack}). Who is Byzantine,
 * who drops out and how late each answers come from the synthetic swarm's derivations, so a training run
 * and a demo with the same seed invite, drop and delay the same leaves.
 *
 * <p>Placement: {@link Placement#RANDOM} makes each leaf Byzantine with the given probability;
 * {@link Placement#CONCENTRATED} makes whole clusters Byzantine (the first ⌊f·clusters⌉ cluster ids, which the
 * layout spreads over the continents), the worst case for a per-cluster detector.
 */
public final class TrainingSwarm implements LeafWork {
    /** Where the attackers sit. */
    public enum Placement { RANDOM, CONCENTRATED }

    private static final long STREAM_STATS = 0x5354_4154L;

    private final SyntheticSwarm population;
    private final FleetLayout layout;
    private final Placement placement;
    private final int byzantineClusters;
    private final double byzantineFraction;
    private final LabelledImages train;
    private final ShardSampler sampler;
    private final ModelSpec spec;
    private final TrainingConfig config;
    private final TrainAttack attack;
    private final ModelVersions models;
    private final HonestStatistics statistics;

    /**
     * @param statisticsSample honest leaves trained per round for the omniscient attacks' μ and σ
     */
    public TrainingSwarm(long seed, FleetLayout layout, double byzantineFraction, Placement placement, double dropout,
                         LabelledImages train, ShardSampler sampler, ModelSpec spec, TrainingConfig config,
                         TrainAttack attack, ModelVersions models, int statisticsSample) {
        this.population = new SyntheticSwarm(new SwarmSpec(seed, 1, 1.0, 0.5, 0.5,
            placement == Placement.RANDOM ? byzantineFraction : 0.0, Attack.NONE, Double.NaN, layout.clusterSize(), dropout,
            200.0, 0.5));
        this.layout = layout;
        this.placement = placement;
        this.byzantineFraction = byzantineFraction;
        this.byzantineClusters = (int) Math.round(byzantineFraction * layout.clusters());
        this.train = train;
        this.sampler = sampler;
        this.spec = spec;
        this.config = config;
        this.attack = attack;
        this.models = models;
        this.statistics = new HonestStatistics(spec.dimension(), statisticsSample);
    }

    @Override
    public boolean isByzantine(long leafId) {
        if (byzantineFraction == 0.0) {
            return false;
        }
        return placement == Placement.RANDOM ? population.isByzantine(leafId) : layout.clusterOf(leafId) < byzantineClusters;
    }

    @Override
    public boolean dropsOut(long round, long leafId) {
        return population.dropsOut(round, leafId);
    }

    @Override
    public long latencyNanos(long round, long leafId) {
        return population.latencyNanos(round, leafId);
    }

    @Override
    public Worker worker() {
        TrainedLeaves honest = new TrainedLeaves(train, sampler, spec, config, Poisoning.NONE);
        TrainedLeaves poisoned = attack.poison() == io.canopy.leaf.data.DataPoison.NONE ? honest
            : new TrainedLeaves(train, sampler, spec, config, Poisoning.of(attack.poison()));
        return (plan, leafId, out) -> {
            long version = plan.modelVersion();
            float[] global = models.get(version);
            if (!isByzantine(leafId) || attack == TrainAttack.NONE) {
                honest.update(plan.roundId(), leafId, false, global, out, 0);
                return version;
            }
            switch (attack) {
                case LABEL_FLIP, BACKDOOR -> poisoned.update(plan.roundId(), leafId, true, global, out, 0);
                case SIGN_FLIP -> {
                    honest.update(plan.roundId(), leafId, false, global, out, 0);
                    for (int j = 0; j < out.length; j++) {
                        out[j] = -out[j];
                    }
                }
                case ALIE, INNER_PRODUCT_MANIPULATION -> {
                    HonestStatistics.Moments m = statistics.of(plan.roundId(), version, () -> sampleHonest(plan, honest,
                        global));
                    for (int j = 0; j < out.length; j++) {
                        out[j] = attack == TrainAttack.ALIE ? (float) (m.mean()[j] - m.std()[j])
                            : (float) (-0.1 * m.mean()[j]);
                    }
                }
                case NONE -> throw new AssertionError("handled above");
            }
            return version;
        };
    }

    /** Trains the round's honest sample: leaves drawn by hash from the whole fleet, attackers skipped. */
    private float[][] sampleHonest(RoundPlan plan, TrainedLeaves honest, float[] global) {
        float[][] rows = new float[statistics.sample()][spec.dimension()];
        long n = layout.leaves();
        int filled = 0;
        for (long k = 0; filled < rows.length && k < 64L * rows.length; k++) {
            long leaf = Math.floorMod(CounterHash.hash(config.seed(), STREAM_STATS, plan.roundId(), k), n);
            if (!isByzantine(leaf)) {
                honest.update(plan.roundId(), leaf, false, global, rows[filled++], 0);
            }
        }
        return java.util.Arrays.copyOf(rows, filled);
    }
}
