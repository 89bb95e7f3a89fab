package io.canopy.frame;

/**
 * The signature carried after the payload, byte {@link FrameLayout#SIGNATURE_SCHEME_OFFSET}. "No signature"
 * is an explicit scheme with length 0, never uninitialised bytes. Each scheme has one fixed signature length,
 * so a length that disagrees with its scheme is rejected before the bytes are read, and one fixed raw public
 * key length, which the enrollment registry ({@code io.canopy.enroll}) stores.
 *
 * <p>{@link #HMAC_SHA256} is a message authentication code, not a signature: it authenticates aggregates on the links
 * between tiers under a key every member holds ({@code io.canopy.enroll.LinkAuthentication}), and has no public key,
 * so no leaf can enroll with it.
 */
public enum SignatureScheme {
    /** Unsigned: signature length must be 0. */
    NONE(0, 0, 0, null),
    /** Ed25519 (RFC 8032, pure): 64-byte signatures, 32-byte public keys (RFC 8032 §5.1.2 encoding). */
    ED25519(1, 64, 32, "Ed25519"),
    /** ML-DSA-44 (FIPS 204): 2420-byte signatures, 1312-byte public keys. */
    ML_DSA_44(2, 2420, 1312, "ML-DSA-44"),
    /** ML-DSA-65 (FIPS 204): 3309-byte signatures, 1952-byte public keys. */
    ML_DSA_65(3, 3309, 1952, "ML-DSA-65"),
    /** HMAC-SHA256 (RFC 2104) under a fleet link key: 32-byte tags, no public key. */
    HMAC_SHA256(4, 32, 0, "HmacSHA256");

    /** The longest signature any scheme produces, for sizing buffers. */
    public static final int MAX_LENGTH = 3309;
    /** The longest raw public key any scheme has. */
    public static final int MAX_PUBLIC_KEY_LENGTH = 1952;

    private static final SignatureScheme[] BY_CODE = {NONE, ED25519, ML_DSA_44, ML_DSA_65, HMAC_SHA256};

    private final int code;
    private final int length;
    private final int publicKeyLength;
    private final String algorithm;

    SignatureScheme(final int code, final int length, final int publicKeyLength, final String algorithm) {
        this.code = code;
        this.length = length;
        this.publicKeyLength = publicKeyLength;
        this.algorithm = algorithm;
    }

    public int code() {
        return code;
    }

    /** Signature length in bytes. */
    public int length() {
        return length;
    }

    /** Whether this is a public-key signature a leaf can enroll with (not {@link #NONE}, not a MAC). */
    public boolean isPublicKey() {
        return publicKeyLength > 0;
    }

    /** Raw public key length in bytes; 0 for {@link #NONE} and {@link #HMAC_SHA256}. */
    public int publicKeyLength() {
        return publicKeyLength;
    }

    /** The JCA name of the algorithm ({@code Signature}, {@code KeyFactory}); null for {@link #NONE}. */
    public String algorithm() {
        return algorithm;
    }

    /** The scheme with this wire code, or null when the code is unknown. */
    public static SignatureScheme fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
