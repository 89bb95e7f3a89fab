package io.canopy.enroll;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import javax.crypto.Mac;

import io.canopy.frame.FrameDecoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.SignatureScheme;
import io.canopy.round.RoundPlan;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs and verifies frames with the JDK's own providers: Ed25519 as RFC 8032 specifies it (pure EdDSA, no
 * prehash, no context), and ML-DSA (FIPS 204) where the JDK has it. The signed message is
 * {@code TAG || nonce || frame[0, 48) || frame[52, 64 + payload length)} — a 16-byte domain tag, the round's
 * {@link RoundNonce}, then exactly the bytes the CRC32C covers: every header field (round id, sender, scheme and
 * signature length included) and the payload (PROTOCOL.md, "Signatures").
 *
 * <p>One engine per thread ({@link #forThisThread}): it keeps one {@link Signature} and one {@link KeyFactory}
 * per scheme and one message array, so nothing of Canopy's is allocated per frame. The JDK's API still
 * allocates: a frame off the heap is copied once into the message array (a {@code Signature} reads only arrays
 * or ByteBuffers, and a direct ByteBuffer would be copied by {@code SignatureSpi} into a fresh array anyway);
 * verification needs a {@link PublicKey} object per sender, built from the raw key; and the JDK's EdDSA
 * buffers the message and copies it again at sign and verify time, since pure Ed25519 hashes it twice.
 */
public final class FrameSignatures {

    /** Domain separation: these signatures sign Canopy frames and nothing else a leaf key might sign. */
    static final byte[] TAG = "canopy-frame-v2\0".getBytes(StandardCharsets.US_ASCII);
    /** The bytes signed ahead of the frame: the tag and the round nonce. */
    public static final int PREFIX_LENGTH = 16 + RoundNonce.LENGTH;

    private static final Logger LOG = LoggerFactory.getLogger(FrameSignatures.class);
    private static final ThreadLocal<FrameSignatures> PER_THREAD = ThreadLocal.withInitial(FrameSignatures::new);
    /** X.509 SubjectPublicKeyInfo DER prefix per scheme code: the same for every key of a scheme. */
    private static final byte[][] SPKI_PREFIX = new byte[5][];

    private final Signature[] signatures = new Signature[5];
    private final KeyFactory[] keyFactories = new KeyFactory[5];
    private final byte[] signature = new byte[SignatureScheme.MAX_LENGTH];
    private final byte[] publicKey = new byte[SignatureScheme.MAX_PUBLIC_KEY_LENGTH];
    private byte[] message = new byte[PREFIX_LENGTH + FrameLayout.HEADER_LENGTH + 4096];
    private boolean badKeyLogged;

    private FrameSignatures() {
    }

    /** This thread's engine. */
    public static FrameSignatures forThisThread() {
        return PER_THREAD.get();
    }

    /** The bytes signed ahead of every frame of {@code plan}'s round: the domain tag and the round's nonce. */
    public static byte[] prefix(RoundPlan plan) {
        return prefix(RoundNonce.of(plan));
    }

    /** The signed prefix for a given 32-byte nonce. */
    public static byte[] prefix(byte[] nonce) {
        if (nonce.length != RoundNonce.LENGTH) {
            throw new IllegalArgumentException("a round nonce has " + RoundNonce.LENGTH + " bytes, not " + nonce.length);
        }
        byte[] prefix = Arrays.copyOf(TAG, PREFIX_LENGTH);
        System.arraycopy(nonce, 0, prefix, TAG.length, RoundNonce.LENGTH);
        return prefix;
    }

    /** Whether this JDK can sign and verify {@code scheme}. */
    public static boolean supported(SignatureScheme scheme) {
        if (scheme == null || !scheme.isPublicKey()) {
            return false;
        }
        try {
            spkiPrefix(scheme);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Signs the sealed frame at {@code offset} (header final, scheme and signature length included) and writes
     * the signature at {@code signatureIndex}.
     */
    public void sign(SignatureScheme scheme, PrivateKey key, byte[] prefix, MutableDirectBuffer buffer, int offset,
                     int payloadLength, int signatureIndex) {
        int n = message(prefix, buffer, offset, payloadLength);
        Signature s = signature(scheme);
        try {
            s.initSign(key);
            s.update(message, 0, n);
            int written = s.sign(signature, 0, scheme.length());
            if (written != scheme.length()) {
                throw new IllegalStateException(scheme + " wrote a " + written + "-byte signature, not " + scheme.length());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key as " + scheme + ": " + e, e);
        }
        buffer.putBytes(signatureIndex, signature, 0, scheme.length());
    }

    /**
     * Whether the signature of {@code frame} (validated otherwise, its scheme {@code scheme}) verifies under the
     * raw public key {@code rawKey} over the frame and {@code prefix}.
     */
    public boolean verify(SignatureScheme scheme, byte[] rawKey, byte[] prefix, FrameDecoder frame) {
        int n = message(prefix, frame.buffer(), frame.offset(), frame.payloadLength());
        frame.buffer().getBytes(frame.signatureOffset(), signature, 0, scheme.length());
        Signature s = signature(scheme);
        try {
            s.initVerify(publicKey(scheme, rawKey));
            s.update(message, 0, n);
            return s.verify(signature, 0, scheme.length());
        } catch (SignatureException e) {
            return false; // a malformed signature (e.g. a non-canonical Ed25519 S): not a valid one
        } catch (InvalidKeyException e) {
            if (!badKeyLogged) {
                badKeyLogged = true;
                LOG.warn("an enrolled {} public key does not decode ({}); its frames are refused as BAD_SIGNATURE",
                    scheme, e.toString());
            }
            return false;
        }
    }

    /**
     * Writes into {@code tag} the MAC ({@code mac}, already keyed) of what a signature with {@code prefix} would sign:
     * the prefix, then every byte of the frame at {@code offset} the CRC covers.
     */
    void mac(Mac mac, byte[] prefix, DirectBuffer buffer, int offset, int payloadLength, byte[] tag) {
        int n = message(prefix, buffer, offset, payloadLength);
        mac.update(message, 0, n);
        try {
            mac.doFinal(tag, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalArgumentException("a " + mac.getMacLength() + "-byte MAC does not fit " + tag.length + " bytes", e);
        }
    }

    /** A scratch array as long as the longest signature, for reading a frame's signature bytes on this thread. */
    byte[] signatureScratch() {
        return signature;
    }

    /** A scratch array for a raw public key, for lookups on this thread. */
    byte[] keyScratch() {
        return publicKey;
    }

    /** The public key object the JDK needs from a raw key (RFC 8032 encoding, FIPS 204 pkEncode). */
    PublicKey publicKey(SignatureScheme scheme, byte[] rawKey) throws InvalidKeyException {
        byte[] prefix = spkiPrefix(scheme);
        // The JDK builds keys from X.509 encodings only (or, for EdDSA, from a point that needs a BigInteger): a
        // fresh array per key either way.
        byte[] encoded = Arrays.copyOf(prefix, prefix.length + scheme.publicKeyLength());
        System.arraycopy(rawKey, 0, encoded, prefix.length, scheme.publicKeyLength());
        try {
            return keyFactory(scheme).generatePublic(new X509EncodedKeySpec(encoded));
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw new InvalidKeyException(e.getMessage(), e);
        }
    }

    /** The raw public key (RFC 8032 encoding for Ed25519, FIPS 204 pkEncode for ML-DSA) of a JDK public key. */
    public static byte[] rawPublicKey(SignatureScheme scheme, PublicKey key) {
        byte[] encoded = key.getEncoded();
        byte[] prefix = spkiPrefix(scheme);
        if (encoded.length != prefix.length + scheme.publicKeyLength()
            || !Arrays.equals(encoded, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IllegalArgumentException("a " + key.getAlgorithm() + " key is not a " + scheme + " public key");
        }
        return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
    }

    /** Copies what is signed into {@link #message}; returns its length. */
    private int message(byte[] prefix, DirectBuffer buffer, int offset, int payloadLength) {
        int n = PREFIX_LENGTH + FrameLayout.HEADER_LENGTH - 4 + payloadLength;
        if (message.length < n) {
            message = new byte[n]; // grows to the largest frame seen, once
        }
        System.arraycopy(prefix, 0, message, 0, PREFIX_LENGTH);
        buffer.getBytes(offset, message, PREFIX_LENGTH, FrameLayout.CHECKSUM_OFFSET);
        buffer.getBytes(offset + FrameLayout.MODEL_VERSION_OFFSET, message, PREFIX_LENGTH + FrameLayout.CHECKSUM_OFFSET,
            FrameLayout.HEADER_LENGTH - FrameLayout.MODEL_VERSION_OFFSET + payloadLength);
        return n;
    }

    private Signature signature(SignatureScheme scheme) {
        Signature s = signatures[scheme.code()];
        if (s == null) {
            s = instance(scheme, "Signature", () -> Signature.getInstance(scheme.algorithm()));
            signatures[scheme.code()] = s;
        }
        return s;
    }

    private KeyFactory keyFactory(SignatureScheme scheme) {
        KeyFactory f = keyFactories[scheme.code()];
        if (f == null) {
            f = instance(scheme, "KeyFactory", () -> KeyFactory.getInstance(scheme.algorithm()));
            keyFactories[scheme.code()] = f;
        }
        return f;
    }

    private static byte[] spkiPrefix(SignatureScheme scheme) {
        if (scheme == null || !scheme.isPublicKey()) {
            throw new IllegalArgumentException("scheme " + scheme + " has no keys");
        }
        synchronized (SPKI_PREFIX) {
            byte[] prefix = SPKI_PREFIX[scheme.code()];
            if (prefix == null) {
                // Every key of a scheme shares its DER prefix; one generated key shows it.
                KeyPairGenerator generator = instance(scheme, "KeyPairGenerator",
                    () -> KeyPairGenerator.getInstance(scheme.algorithm()));
                byte[] encoded = generator.generateKeyPair().getPublic().getEncoded();
                prefix = Arrays.copyOf(encoded, encoded.length - scheme.publicKeyLength());
                SPKI_PREFIX[scheme.code()] = prefix;
            }
            return prefix;
        }
    }

    private interface Factory<T> {
        T get() throws GeneralSecurityException;
    }

    private static <T> T instance(SignatureScheme scheme, String what, Factory<T> factory) {
        try {
            return factory.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK (" + Runtime.version() + ") has no " + what + " for " + scheme.algorithm()
                + ": " + e.getMessage(), e);
        }
    }
}
