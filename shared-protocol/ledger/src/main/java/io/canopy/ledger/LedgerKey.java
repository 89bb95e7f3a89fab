package io.canopy.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The operator's optional secret for ledger hash chains. With a key, each record's chain digest is
 * HMAC-SHA256 (RFC 2104) instead of plain SHA-256, so someone who can write the ledger file but does not hold
 * the key cannot edit a record and recompute the chain: without one, the chain catches accidents and edits
 * that leave later records in place, but not an editor who rewrites every digest after the edit.
 *
 * <p>Given by the environment variable {@value #ENVIRONMENT} (the key's text, at least {@value #MIN_BYTES}
 * bytes of UTF-8). A ledger written with a key needs the same key to be read or appended to.
 */
public final class LedgerKey {

    /** The environment variable that holds the key. */
    public static final String ENVIRONMENT = "CANOPY_LEDGER_KEY";
    /** A shorter key is refused: 128 bits is the least HMAC-SHA256 should be keyed with (NIST SP 800-107). */
    public static final int MIN_BYTES = 16;

    private final byte[] secret;

    private LedgerKey(final byte[] secret) {
        this.secret = secret;
    }

    /**
     * The key {@code text}'s UTF-8 bytes.
     *
     * @throws IllegalArgumentException when it is shorter than {@value #MIN_BYTES} bytes
     */
    public static LedgerKey of(final String text) {
        final byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length < MIN_BYTES) {
            throw new IllegalArgumentException(ENVIRONMENT + " has " + b.length + " bytes; a ledger key needs at least "
                + MIN_BYTES);
        }
        return new LedgerKey(b);
    }

    /** The key {@value #ENVIRONMENT} gives, or null when it is unset or empty (plain SHA-256 chains). */
    public static LedgerKey fromEnvironment() {
        return from(System.getenv());
    }

    /** {@link #fromEnvironment()} over a given environment (tests). */
    public static LedgerKey from(final Map<String, String> environment) {
        final String v = environment.get(ENVIRONMENT);
        return v == null || v.isEmpty() ? null : of(v);
    }

    byte[] secret() {
        return secret.clone();
    }

    @Override
    public String toString() {
        return "LedgerKey[" + secret.length + " bytes]";
    }
}
