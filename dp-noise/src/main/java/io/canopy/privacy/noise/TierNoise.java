package io.canopy.privacy.noise;

import io.canopy.random.CounterHash;

/**
 * The Gaussian mechanism one aggregator applies to one release: secure unless the round is a
 * simulation, and then seeded from (seed, round, tier, group) so every run of a simulation adds the
 * same noise and no two releases share a stream.
 */
public final class TierNoise {
    private TierNoise() {
    }

    public static GaussianMechanism forRelease(boolean secure, double z, double sensitivity, int dimension,
                                               long seed, long round, int tier, int group) {
        if (secure) {
            return GaussianMechanism.secure(z, sensitivity, dimension);
        }
        return GaussianMechanism.fastForSimulation(z, sensitivity, dimension, CounterHash.hash(seed, round, tier, group));
    }
}
