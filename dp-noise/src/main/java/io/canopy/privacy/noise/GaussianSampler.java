package io.canopy.privacy.noise;

/**
 * Adds Gaussian noise to a vector in place. Implementations keep scratch buffers, so an instance is
 * not thread-safe: use one per thread.
 */
public interface GaussianSampler {

    /** "secure" or "fast": what the ledger records for the round. */
    String name();

    /**
     * Adds independent N(0, sigma²) noise to every element of {@code x} (as far as the implementation's
     * construction promises; see its javadoc).
     */
    void addNoise(float[] x, double sigma);

    /** Fills {@code out} with independent standard normal draws (for tests and benchmarks). */
    void fillStandard(double[] out);
}
