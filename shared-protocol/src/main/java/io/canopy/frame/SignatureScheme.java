package io.canopy.frame;

/**
 * The signature carried after the payload, byte {@link FrameLayout#SIGNATURE_SCHEME_OFFSET}. The
 * security work fills signatures in; until then every frame is {@link #NONE}, and "no signature" is
 * an explicit scheme with length 0, never uninitialised bytes. Each scheme has one fixed length,
 * so a length that disagrees with its scheme is rejected before the bytes are read.
 */
public enum SignatureScheme {
    /** Unsigned: signature length must be 0. */
    NONE(0, 0),
    /** Ed25519 (RFC 8032): 64 bytes. */
    ED25519(1, 64),
    /** ML-DSA-44 (FIPS 204): 2420 bytes. */
    ML_DSA_44(2, 2420),
    /** ML-DSA-65 (FIPS 204): 3309 bytes. */
    ML_DSA_65(3, 3309);

    /** The longest signature any scheme produces, for sizing buffers. */
    public static final int MAX_LENGTH = 3309;

    private static final SignatureScheme[] BY_CODE = {NONE, ED25519, ML_DSA_44, ML_DSA_65};

    private final int code;
    private final int length;

    SignatureScheme(final int code, final int length) {
        this.code = code;
        this.length = length;
    }

    public int code() {
        return code;
    }

    /** Signature length in bytes. */
    public int length() {
        return length;
    }

    /** The scheme with this wire code, or null when the code is unknown. */
    public static SignatureScheme fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
