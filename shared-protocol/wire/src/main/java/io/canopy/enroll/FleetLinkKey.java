package io.canopy.enroll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.canopy.frame.FrameAuthenticator;
import io.canopy.frame.FrameDecoder;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.frame.SignatureWriter;
import io.canopy.io.FileFormatException;
import org.agrona.MutableDirectBuffer;

/**
 * Aggregates between tiers MAC'd under one fleet-wide key ({@link LinkAuthentication#required}): every aggregate
 * carries an HMAC-SHA256 tag, RFC 2104, under a 32-byte fleet link key that every member holds and nothing else does.
 *
 * <p>The tag is {@code HMAC-SHA256(K, "canopy-link-v1\0\0" || u32le(stream) || u64le(run id) || 20 zero bytes ||
 * frame[0, 48) || frame[52, 64 + payload))}: the bytes the CRC covers — type, round id, sender (the cluster or
 * continent), parent group, input count, dimension, scheme and payload — behind a prefix that names the hop (the Aeron
 * stream), so a tag made for one link does not verify on the other, where a cluster's and a continent's aggregates can
 * otherwise have the same header, and the run (the round plan's run id, random per coordinator journal), so an
 * aggregate captured in one run does not verify in another. It travels in the frame's signature field with scheme
 * {@link SignatureScheme#HMAC_SHA256}.
 *
 * <p>What it stops: a process without the key cannot make an aggregate any tier accepts, nor rewrite one (round id,
 * sender, input count, values) without the tag failing. What it does not: every member holds the one key, so a
 * compromised member can still send as any aggregator ({@link MemberLinkSignatures} stops that: each member signs with
 * its own key, checked against the routing table's owner of the sender; docs/security.md).
 *
 * <p>Immutable and thread-safe; each thread keeps its own keyed {@link Mac}.
 */
final class FleetLinkKey implements LinkAuthentication {
    /** Domain separation from leaf signatures, which use the same message layout. */
    static final byte[] TAG = "canopy-link-v1\0\0".getBytes(StandardCharsets.US_ASCII);

    static final FleetLinkKey OFF = new FleetLinkKey(null, null);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String source;
    private final ThreadLocal<Mac> macs;

    private FleetLinkKey(byte[] key, String source) {
        this.key = key == null ? null : new SecretKeySpec(key, "HmacSHA256");
        this.source = source;
        this.macs = key == null ? null : ThreadLocal.withInitial(this::keyedMac);
    }

    static FleetLinkKey required(byte[] key, String source) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a link key has " + KEY_LENGTH + " bytes, not "
                + (key == null ? "none" : key.length));
        }
        return new FleetLinkKey(key.clone(), source);
    }

    static FleetLinkKey fresh() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        return required(key, "a key drawn for this process");
    }

    static FleetLinkKey load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no link key file there");
        }
        if (Files.size(file) > 2 * KEY_LENGTH + 2) {
            throw new FileFormatException(file, "is " + Files.size(file) + " bytes; a link key file holds "
                + 2 * KEY_LENGTH + " hexadecimal digits and a newline");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (text.length() != 2 * KEY_LENGTH || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new FileFormatException(file, "does not hold a link key: expected " + 2 * KEY_LENGTH
                + " hexadecimal digits, found " + text.length() + " characters");
        }
        return required(HexFormat.of().parseHex(text), "link key " + file);
    }

    static String newKeyText() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    @Override
    public boolean isRequired() {
        return key != null;
    }

    @Override
    public SignatureWriter signer(int stream, long runId) {
        if (key == null) {
            return null;
        }
        byte[] prefix = LinkAuthentication.prefix(stream, runId);
        return new SignatureWriter() {
            @Override
            public SignatureScheme scheme() {
                return SignatureScheme.HMAC_SHA256;
            }

            @Override
            public void sign(MutableDirectBuffer buffer, int frameOffset, int payloadLength, int signatureIndex) {
                FrameSignatures engine = FrameSignatures.forThisThread();
                byte[] tag = engine.signatureScratch();
                engine.mac(macs.get(), prefix, buffer, frameOffset, payloadLength, tag);
                buffer.putBytes(signatureIndex, tag, 0, SignatureScheme.HMAC_SHA256.length());
            }
        };
    }

    /**
     * An untagged aggregate is refused as {@link RejectReason#UNSIGNED}; a tag under another scheme, another key or
     * another hop, or over edited bytes, as {@link RejectReason#BAD_SIGNATURE}.
     */
    @Override
    public FrameAuthenticator verifier(int stream, long runId) {
        if (key == null) {
            return null;
        }
        byte[] prefix = LinkAuthentication.prefix(stream, runId);
        return frame -> authenticate(prefix, frame);
    }

    private RejectReason authenticate(byte[] prefix, FrameDecoder frame) {
        SignatureScheme scheme = frame.signatureScheme();
        if (scheme == SignatureScheme.NONE) {
            return RejectReason.UNSIGNED;
        }
        if (scheme != SignatureScheme.HMAC_SHA256) {
            return RejectReason.BAD_SIGNATURE;
        }
        FrameSignatures engine = FrameSignatures.forThisThread();
        byte[] expected = engine.signatureScratch();
        engine.mac(macs.get(), prefix, frame.buffer(), frame.offset(), frame.payloadLength(), expected);
        int difference = 0; // every byte compared, so the time taken does not say where a forged tag first differs
        int at = frame.signatureOffset();
        for (int i = 0; i < SignatureScheme.HMAC_SHA256.length(); i++) {
            difference |= expected[i] ^ frame.buffer().getByte(at + i);
        }
        return difference == 0 ? null : RejectReason.BAD_SIGNATURE;
    }

    @Override
    public String describe() {
        return key == null
            ? "off: aggregates between tiers are not authenticated (any sender that reaches a tier's endpoint can claim any"
                + " cluster or continent)"
            : "required: every aggregate between tiers carries an HMAC-SHA256 tag under " + source;
    }

    private Mac keyedMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256, which every Java SE platform must have", e);
        }
    }
}
