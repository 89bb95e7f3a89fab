package io.canopy.leaf.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.EnrollmentRegistry;
import io.canopy.enroll.EnrollmentShard;
import io.canopy.frame.SignatureScheme;
import io.canopy.random.CounterHash;
import io.canopy.topology.FleetLayout;
import io.canopy.random.GaussianTable;
import io.canopy.random.NormalQuantile;

/**
 * Millions of leaves that exist only as functions of (seed, round, leaf id): each leaf's update,
 * whether it is Byzantine, whether it drops out and how late it answers are derived on demand, so a
 * ten-million-leaf swarm needs no storage and every node derives the same swarm.
 *
 * <p>Thread-safe: the only state is the current round's true gradient, published as an immutable
 * snapshot.
 */
public final class SyntheticSwarm {
    private static final long STREAM_GRADIENT = 1;
    private static final long STREAM_DRIFT = 2;
    private static final long STREAM_NOISE = 3;
    private static final long STREAM_BYZANTINE = 4;
    private static final long STREAM_DROPOUT = 5;
    private static final long STREAM_LATENCY = 6;
    private static final long STREAM_ATTACK = 7;
    private static final long STREAM_DIRECTION = 8;

    private record RoundGradient(long round, float[] values) {
    }

    private final SwarmSpec spec;
    private final float driftPerCoordinate;
    private final float noisePerCoordinate;
    private final float[] attackDirection;
    private final double alieZ;
    private volatile RoundGradient gradient;

    public SyntheticSwarm(SwarmSpec spec) {
        this.spec = spec;
        int d = spec.dimension();
        double tableStd = Math.sqrt(GaussianTable.variance());
        // Per-coordinate spreads such that the expected squared norms are the spec's.
        this.driftPerCoordinate = (float) (spec.heterogeneity() / Math.sqrt(d) / tableStd);
        this.noisePerCoordinate = (float) (spec.noise() / Math.sqrt(d) / tableStd);
        this.attackDirection = unitVector(spec.seed(), STREAM_DIRECTION, 0, d);
        this.alieZ = alieZ(spec.clusterSize(), spec.byzantineFraction());
        this.gradient = new RoundGradient(Long.MIN_VALUE, new float[d]);
    }

    public SwarmSpec spec() {
        return spec;
    }

    /** g* for a round: a seeded direction of norm {@code gradientNorm}, the same for every leaf. */
    public float[] trueGradient(long round) {
        RoundGradient current = gradient;
        if (current.round() != round) {
            float[] values = unitVector(spec.seed(), STREAM_GRADIENT, round, spec.dimension());
            float norm = (float) spec.gradientNorm();
            for (int j = 0; j < values.length; j++) {
                values[j] *= norm;
            }
            current = new RoundGradient(round, values);
            gradient = current;
        }
        return current.values();
    }

    /** The per-coordinate standard deviation of honest updates around g*, as an omniscient attacker knows it. */
    public double honestCoordinateStd() {
        double variance = GaussianTable.variance()
            * ((double) driftPerCoordinate * driftPerCoordinate + (double) noisePerCoordinate * noisePerCoordinate);
        return Math.sqrt(variance);
    }

    /**
     * Every leaf's signing key pair, derived from (this swarm's seed, leaf id) like everything else about the leaf
     * ({@link DerivedKeys}): no key is stored, and a cluster can derive the public half the same way. A load-test
     * convenience, not security — the seed gives away every private key.
     */
    public DerivedKeys keys(SignatureScheme scheme, FleetLayout layout) {
        return new DerivedKeys(spec.seed(), scheme, layout);
    }

    /**
     * Writes the public half of every leaf's key to an enrollment registry in {@code directory}, one shard per
     * cluster of {@code layout}, as a real fleet's enrollment would; a cluster then reads it instead of deriving.
     *
     * @return the shards written
     */
    public List<EnrollmentShard> exportEnrollment(Path directory, SignatureScheme scheme, FleetLayout layout)
        throws IOException {
        DerivedKeys keys = keys(scheme, layout);
        List<EnrollmentShard> shards = new ArrayList<>(layout.clusters());
        for (int cluster = 0; cluster < layout.clusters(); cluster++) {
            shards.add(keys.shard(cluster));
        }
        EnrollmentRegistry.write(directory, shards);
        return shards;
    }

    /** Whether a leaf is Byzantine: fixed for the leaf's life, true for about {@code byzantineFraction} of leaves. */
    public boolean isByzantine(long leafId) {
        return spec.byzantineFraction() > 0.0
            && CounterHash.unitDouble(CounterHash.hash(spec.seed(), STREAM_BYZANTINE, leafId, 0)) < spec.byzantineFraction();
    }

    /** Whether a leaf fails to answer at all this round. */
    public boolean dropsOut(long round, long leafId) {
        return spec.dropout() > 0.0
            && CounterHash.unitDouble(CounterHash.hash(spec.seed(), STREAM_DROPOUT, round, leafId)) < spec.dropout();
    }

    /** How long after the round opens the leaf's frame arrives: log-normal around the median. */
    public long latencyNanos(long round, long leafId) {
        float z = GaussianTable.draw(CounterHash.hash(spec.seed(), STREAM_LATENCY, round, leafId));
        double ms = spec.latencyMedianMs() * Math.exp(spec.latencySigma() * z);
        return (long) (ms * 1e6);
    }

    /** Writes the honest update g* + h_leaf + n_(round, leaf) into out[offset .. offset + d). */
    public void honestUpdate(long round, long leafId, float[] out, int offset) {
        int d = spec.dimension();
        System.arraycopy(trueGradient(round), 0, out, offset, d);
        if (driftPerCoordinate != 0f) {
            GaussianTable.addScaled(spec.seed(), STREAM_DRIFT, leafId, driftPerCoordinate, out, offset, d);
        }
        if (noisePerCoordinate != 0f) {
            GaussianTable.addScaled(spec.seed() ^ round * 0x9E3779B97F4A7C15L, STREAM_NOISE, leafId, noisePerCoordinate,
                out, offset, d);
        }
    }

    /** Writes what this leaf sends before clipping: its honest update, or its attack if it is Byzantine. */
    public void update(long round, long leafId, float[] out, int offset) {
        if (!isByzantine(leafId) || spec.attack() == Attack.NONE) {
            honestUpdate(round, leafId, out, offset);
            return;
        }
        int d = spec.dimension();
        double scale = spec.effectiveAttackScale();
        switch (spec.attack()) {
            case SIGN_FLIP, SCALED_SIGN_FLIP -> {
                honestUpdate(round, leafId, out, offset);
                float factor = (float) -(spec.attack() == Attack.SIGN_FLIP ? 1.0 : scale);
                for (int j = 0; j < d; j++) {
                    out[offset + j] *= factor;
                }
            }
            case GAUSSIAN_NOISE -> {
                Arrays.fill(out, offset, offset + d, 0f);
                GaussianTable.addScaled(spec.seed() ^ round, STREAM_ATTACK, leafId, (float) scale, out, offset, d);
            }
            case ZERO -> Arrays.fill(out, offset, offset + d, 0f);
            case RANDOM -> {
                long key = CounterHash.hash(spec.seed(), STREAM_ATTACK, round, leafId);
                for (int j = 0; j < d; j++) {
                    double u = CounterHash.unitDouble(CounterHash.mix64(key + j));
                    out[offset + j] = (float) (scale * (2.0 * u - 1.0));
                }
            }
            case CONSTANT_DIRECTION -> {
                // A large norm on purpose: clipping brings it to scale·C, the most an accepted frame can carry.
                float magnitude = (float) (scale * 1e6);
                for (int j = 0; j < d; j++) {
                    out[offset + j] = magnitude * attackDirection[j];
                }
            }
            case ALIE -> {
                float[] mean = trueGradient(round);
                double z = Double.isNaN(spec.attackScale()) ? alieZ : scale;
                float shift = (float) (z * honestCoordinateStd());
                for (int j = 0; j < d; j++) {
                    out[offset + j] = mean[j] - shift;
                }
            }
            case INNER_PRODUCT_MANIPULATION -> {
                float[] mean = trueGradient(round);
                for (int j = 0; j < d; j++) {
                    out[offset + j] = (float) (-scale * mean[j]);
                }
            }
            case NONE -> honestUpdate(round, leafId, out, offset);
        }
    }

    /**
     * z_max of "A little is enough": the largest z such that the s = ⌊n/2 + 1⌋ − f honest leaves
     * needed for a majority are still expected to lie farther from the mean than μ − zσ.
     */
    static double alieZ(int n, double byzantineFraction) {
        int f = (int) Math.round(byzantineFraction * n);
        int s = n / 2 + 1 - f;
        double p = (n - s) / (double) n;
        if (!(p > 0.0 && p < 1.0)) {
            return 1.0;
        }
        return NormalQuantile.of(p);
    }

    private static float[] unitVector(long seed, long stream, long key, int d) {
        float[] v = new float[d];
        GaussianTable.addScaled(seed, stream, key, 1f, v, 0, d);
        double sumSquares = 0;
        for (float x : v) {
            sumSquares += (double) x * x;
        }
        float inv = (float) (1.0 / Math.sqrt(sumSquares));
        for (int j = 0; j < d; j++) {
            v[j] *= inv;
        }
        return v;
    }
}
