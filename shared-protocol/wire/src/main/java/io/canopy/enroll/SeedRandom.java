package io.canopy.enroll;

import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/**
 * A "random" source that yields one given 32-byte seed: handed to the JDK's {@code KeyPairGenerator}, it makes
 * the generated key pair a function of the seed (RFC 8032 §5.1.5: the Ed25519 private key is 32 bytes drawn
 * from it; FIPS 204: ML-DSA's key generation draws its 32-byte seed ξ). Refuses any other request, so a provider
 * that drew differently would fail loudly instead of deriving keys from zeros.
 */
final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    SeedRandom(byte[] seed) {
        super(new Spi(seed.clone()), null);
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;
        private boolean used;

        Spi(byte[] seed) {
            this.seed = seed;
        }

        @Override
        protected void engineSetSeed(byte[] ignored) {
            // A fixed source: reseeding cannot change what it yields.
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            if (used || bytes.length != seed.length) {
                throw new IllegalStateException("a seeded key derivation expected one draw of " + seed.length
                    + " bytes, got a draw of " + bytes.length + (used ? " after the first" : ""));
            }
            used = true;
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            throw new IllegalStateException("a seeded key derivation does not generate seeds");
        }
    }
}
