package io.canopy.ledger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash chain of a {@link RecordLog}: h₀ = H(file header), hᵢ = H(hᵢ₋₁ ‖ payloadᵢ), where H is SHA-256
 * (FIPS 180-4) or, with a {@link LedgerKey}, HMAC-SHA256 (RFC 2104). Each record carries hᵢ₋₁ and hᵢ, so a
 * reader recomputes the chain from the header on and finds an edited record (its hᵢ does not match its
 * payload) and a removed, inserted or reordered one (its hᵢ₋₁ is not its predecessor's hᵢ).
 *
 * <p>Not thread-safe: one instance per reader or writer.
 */
final class RecordChain {

    /** Bytes of one digest. */
    static final int DIGEST_BYTES = 32;

    /** The two kinds of chain a file may declare in its header. */
    enum Mode {
        SHA256("sha256", "SHA-256"),
        HMAC_SHA256("hmac-sha256", "HMAC-SHA256");

        /** How the header and the YAML form spell it. */
        final String word;
        /** How messages name it. */
        final String display;

        Mode(final String word, final String display) {
            this.word = word;
            this.display = display;
        }

        static Mode of(final String word) {
            for (final Mode m : values()) {
                if (m.word.equals(word)) {
                    return m;
                }
            }
            return null;
        }
    }

    private final Mode mode;
    private final MessageDigest sha;
    private final Mac mac;

    private RecordChain(final Mode mode, final LedgerKey key) {
        this.mode = mode;
        try {
            this.sha = mode == Mode.SHA256 ? MessageDigest.getInstance("SHA-256") : null;
            if (mode == Mode.HMAC_SHA256) {
                this.mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            } else {
                this.mac = null;
            }
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks SHA-256 or HmacSHA256, which every JDK must provide", e);
        }
    }

    /** HMAC-SHA256 when {@code key} is given, SHA-256 otherwise: what a new file is written with. */
    static RecordChain forWriting(final LedgerKey key) {
        return key == null ? new RecordChain(Mode.SHA256, null) : new RecordChain(Mode.HMAC_SHA256, key);
    }

    /** The chain a file declared; null when it declared HMAC and no key is given (the caller says so). */
    static RecordChain forReading(final Mode declared, final LedgerKey key) {
        if (declared == Mode.HMAC_SHA256 && key == null) {
            return null;
        }
        return new RecordChain(declared, key);
    }

    Mode mode() {
        return mode;
    }

    /** The line the file header ends with, naming the mode: {@code chain sha256\n} (YAML: {@code # chain ...}). */
    byte[] headerLine(final LogForm form) {
        return ((form == LogForm.YAML ? "# " : "") + "chain " + mode.word + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** h₀ over the whole file header (codec header and chain line). */
    byte[] genesis(final byte[] header) {
        return digest(new byte[0], header, 0, header.length);
    }

    /** hᵢ = H(prev ‖ payload[off, off + len)). */
    byte[] next(final byte[] prev, final byte[] payload, final int off, final int len) {
        return digest(prev, payload, off, len);
    }

    private byte[] digest(final byte[] prev, final byte[] b, final int off, final int len) {
        if (mac != null) {
            mac.update(prev);
            mac.update(b, off, len);
            return mac.doFinal();
        }
        sha.update(prev);
        sha.update(b, off, len);
        return sha.digest();
    }

    static boolean equal(final byte[] a, final byte[] all, final int off) {
        return Arrays.equals(a, 0, DIGEST_BYTES, all, off, off + DIGEST_BYTES);
    }

    static String hex(final byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
