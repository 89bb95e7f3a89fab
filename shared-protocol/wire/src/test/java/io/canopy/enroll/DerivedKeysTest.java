package io.canopy.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import io.canopy.frame.SignatureScheme;
import io.canopy.topology.FleetLayout;
import org.junit.jupiter.api.Test;

class DerivedKeysTest {
    private static final HexFormat HEX = HexFormat.of();
    private final FleetLayout layout = new FleetLayout(1_000, 10, 10, 77L);

    @Test
    void a_leafs_key_pair_is_a_function_of_seed_and_leaf_id_alone() {
        DerivedKeys a = new DerivedKeys(5L, SignatureScheme.ED25519, layout);
        DerivedKeys b = new DerivedKeys(5L, SignatureScheme.ED25519, layout);
        for (long leaf : new long[] {0, 1, 42, 999}) {
            assertArrayEquals(a.privateSeed(leaf), b.privateSeed(leaf));
            assertArrayEquals(a.publicKey(leaf), b.publicKey(leaf));
            assertArrayEquals(a.keyPair(leaf).getPublic().getEncoded(), b.keyPair(leaf).getPublic().getEncoded());
        }
        DerivedKeys otherSeed = new DerivedKeys(6L, SignatureScheme.ED25519, layout);
        assertFalse(java.util.Arrays.equals(a.publicKey(42), otherSeed.publicKey(42)), "another swarm, other keys");
    }

    @Test
    void every_leaf_of_a_swarm_has_its_own_key() {
        DerivedKeys keys = new DerivedKeys(5L, SignatureScheme.ED25519, layout);
        Set<String> seeds = new HashSet<>();
        Set<String> publics = new HashSet<>();
        for (long leaf = 0; leaf < 300; leaf++) {
            seeds.add(HEX.formatHex(keys.privateSeed(leaf)));
            publics.add(HEX.formatHex(keys.publicKey(leaf)));
        }
        assertEquals(300, seeds.size());
        assertEquals(300, publics.size());
    }

    @Test
    void the_private_key_a_leaf_signs_with_matches_the_public_key_a_cluster_derives() throws Exception {
        DerivedKeys keys = new DerivedKeys(9L, SignatureScheme.ED25519, layout);
        long leaf = 123;
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.privateKey(leaf));
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("Ed25519");
        byte[] raw = new byte[SignatureScheme.MAX_PUBLIC_KEY_LENGTH];
        assertEquals(SignatureScheme.ED25519, keys.lookup(layout.clusterOf(leaf), leaf, raw));
        verifier.initVerify(FrameSignatures.forThisThread().publicKey(SignatureScheme.ED25519, raw));
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature));
    }

    @Test
    void only_the_layouts_leaves_are_enrolled_and_each_only_in_its_own_cluster() {
        DerivedKeys keys = new DerivedKeys(9L, SignatureScheme.ED25519, layout);
        byte[] raw = new byte[SignatureScheme.MAX_PUBLIC_KEY_LENGTH];
        long leaf = 17;
        int home = layout.clusterOf(leaf);
        assertEquals(SignatureScheme.ED25519, keys.lookup(home, leaf, raw));
        assertNull(keys.lookup((home + 1) % layout.clusters(), leaf, raw));
        assertNull(keys.lookup(home, layout.leaves(), raw));
        assertNull(keys.lookup(home, -1, raw));
    }

    /** RFC 8032 §7.1, TEST 1: the raw-key path (seed to key object, key object to raw key, raw key to verifier). */
    @Test
    void the_raw_key_conversions_agree_with_rfc_8032_test_1() throws Exception {
        byte[] secret = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] expectedPublic = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] expectedSignature = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33"
            + "bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(secret));
        assertArrayEquals(expectedPublic, FrameSignatures.rawPublicKey(SignatureScheme.ED25519,
            generator.generateKeyPair().getPublic()));
        PrivateKey key = KeyFactory.getInstance("Ed25519")
            .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, secret));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        assertArrayEquals(expectedSignature, signer.sign());
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(FrameSignatures.forThisThread().publicKey(SignatureScheme.ED25519, expectedPublic));
        assertTrue(verifier.verify(expectedSignature));
    }

    @Test
    void ml_dsa_44_keys_derive_deterministically_where_the_jdk_has_ml_dsa() throws Exception {
        assumeTrue(FrameSignatures.supported(SignatureScheme.ML_DSA_44), "this JDK has no ML-DSA");
        DerivedKeys a = new DerivedKeys(5L, SignatureScheme.ML_DSA_44, layout);
        DerivedKeys b = new DerivedKeys(5L, SignatureScheme.ML_DSA_44, layout);
        assertArrayEquals(a.publicKey(7), b.publicKey(7));
        assertEquals(1312, a.publicKey(7).length);
        assertFalse(java.util.Arrays.equals(a.publicKey(7), a.publicKey(8)));
        Signature signer = Signature.getInstance("ML-DSA-44");
        signer.initSign(a.privateKey(7));
        signer.update(new byte[] {4});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("ML-DSA-44");
        verifier.initVerify(FrameSignatures.forThisThread().publicKey(SignatureScheme.ML_DSA_44, b.publicKey(7)));
        verifier.update(new byte[] {4});
        assertTrue(verifier.verify(signature));
    }
}
