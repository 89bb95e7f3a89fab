package io.canopy.enroll;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;

import io.canopy.frame.SignatureScheme;
import io.canopy.random.CounterHash;
import io.canopy.topology.FleetLayout;

/**
 * Key pairs of a synthetic swarm, derived from (seed, leaf id) so that ten million leaves need no key storage
 * and a cluster can derive the public half the same way. The 32-byte private seed of leaf i is four
 * little-endian words {@code CounterHash.hash(seed, STREAM, i, w)}, w = 0..3; the key pair is the JDK's from
 * that seed (RFC 8032 §5.1.5 for Ed25519: the seed is the private key; FIPS 204 ML-DSA.KeyGen's ξ).
 *
 * <p><b>A load-test convenience, not security</b>: anyone who knows the swarm's seed holds every leaf's private
 * key. A real fleet enrolls keys its leaves generated themselves ({@link EnrollmentRegistry}).
 *
 * <p>As a {@link LeafKeyDirectory}, the leaves enrolled are exactly the layout's, each in its own cluster.
 * Deriving a public key costs one fixed-base scalar multiplication per lookup, about as much again as the
 * verification it serves; {@link #shard} exports them once to a registry instead. Thread-safe.
 */
public final class DerivedKeys implements LeafKeys, LeafKeyDirectory {
    private static final long STREAM = 0x5167_4B45_59L; // "Sig KEY"

    private final long seed;
    private final SignatureScheme scheme;
    private final FleetLayout layout;
    private final ThreadLocal<KeyPairGenerator> generators;
    private final ThreadLocal<KeyFactory> factories;

    /**
     * @param seed   the swarm's seed
     * @param scheme the signature scheme of every key
     * @param layout the fleet whose leaves are enrolled, each in its cluster
     */
    public DerivedKeys(long seed, SignatureScheme scheme, FleetLayout layout) {
        if (scheme == null || !scheme.isPublicKey()) {
            throw new IllegalArgumentException("derived keys need a signature scheme, not " + scheme);
        }
        if (!FrameSignatures.supported(scheme)) {
            throw new IllegalArgumentException("this JDK (" + Runtime.version() + ") cannot sign " + scheme.algorithm());
        }
        if (layout == null) {
            throw new IllegalArgumentException("derived keys enroll a layout's leaves: give the layout");
        }
        this.seed = seed;
        this.scheme = scheme;
        this.layout = layout;
        this.generators = ThreadLocal.withInitial(() -> jca(() -> KeyPairGenerator.getInstance(scheme.algorithm())));
        this.factories = ThreadLocal.withInitial(() -> jca(() -> KeyFactory.getInstance(scheme.algorithm())));
    }

    @Override
    public SignatureScheme scheme() {
        return scheme;
    }

    public long seed() {
        return seed;
    }

    public FleetLayout layout() {
        return layout;
    }

    /** The 32-byte private seed of {@code leafId}. */
    public byte[] privateSeed(long leafId) {
        byte[] out = new byte[32];
        for (int w = 0; w < 4; w++) {
            long bits = CounterHash.hash(seed, STREAM, leafId, w);
            for (int b = 0; b < 8; b++) {
                out[8 * w + b] = (byte) (bits >>> (8 * b));
            }
        }
        return out;
    }

    /** The whole key pair of {@code leafId}. */
    public KeyPair keyPair(long leafId) {
        KeyPairGenerator generator = generators.get();
        try {
            NamedParameterSpec spec = scheme == SignatureScheme.ED25519 ? NamedParameterSpec.ED25519
                : new NamedParameterSpec(scheme.algorithm());
            generator.initialize(spec, new SeedRandom(privateSeed(leafId)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive a " + scheme + " key pair: " + e.getMessage(), e);
        }
        return generator.generateKeyPair();
    }

    @Override
    public PrivateKey privateKey(long leafId) {
        if (scheme != SignatureScheme.ED25519) {
            return keyPair(leafId).getPrivate();
        }
        // An Ed25519 private key is its seed: no scalar multiplication to make one.
        try {
            return factories.get().generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, privateSeed(leafId)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** The raw public key of {@code leafId} (RFC 8032 encoding, FIPS 204 pkEncode). */
    public byte[] publicKey(long leafId) {
        return FrameSignatures.rawPublicKey(scheme, keyPair(leafId).getPublic());
    }

    @Override
    public SignatureScheme lookup(int cluster, long leafId, byte[] dst) {
        if (leafId < 0 || leafId >= layout.leaves() || layout.clusterOf(leafId) != cluster) {
            return null;
        }
        byte[] key = publicKey(leafId);
        System.arraycopy(key, 0, dst, 0, key.length);
        return scheme;
    }

    /** The public half of {@code cluster}'s leaves, as a registry shard to write out. */
    public EnrollmentShard shard(int cluster) {
        int n = layout.clusterSizeOf(cluster);
        EnrollmentShard.Builder shard = EnrollmentShard.builder(cluster, scheme);
        for (int i = 0; i < n; i++) {
            long leaf = layout.leafAt(cluster, i);
            shard.add(leaf, publicKey(leaf));
        }
        return shard.build();
    }

    @Override
    public String describe() {
        return scheme.algorithm() + " keys derived from seed " + seed + " for " + layout.leaves()
            + " leaves (a load-test convenience, not security: the seed gives every private key)";
    }

    private interface Jca<T> {
        T get() throws GeneralSecurityException;
    }

    private static <T> T jca(Jca<T> factory) {
        try {
            return factory.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
