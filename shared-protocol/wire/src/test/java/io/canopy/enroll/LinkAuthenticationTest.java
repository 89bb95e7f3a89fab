package io.canopy.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.frame.SignatureWriter;
import io.canopy.io.FileFormatException;
import io.canopy.round.Streams;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aggregates between tiers under a link key: what verifies, what is refused and why, and the key file. */
class LinkAuthenticationTest {
    private static final int D = 4;
    private static final long ROUND = 9;
    private static final int LENGTH = FrameLayout.HEADER_LENGTH + 4 * D + 32;
    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final LinkAuthentication LINKS = LinkAuthentication.required(KEY, "a test key");

    private static FrameValidator receiver(int stream) {
        return new FrameValidator(AggregateFrame.limits(ROUND, 0, D).withAuthenticator(LINKS.verifier(stream)));
    }

    private static UnsafeBuffer aggregate(long continent, SignatureWriter tagger) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameLayout.HEADER_LENGTH + 4 * D + 64]);
        FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0).signer(tagger);
        AggregateFrame.header(encoder, ROUND, continent, 0, 12)
            .encode(UpdateEncoder.fp32(), new float[] {0.25f, -0.5f, (float) continent, 1f}, 0, D);
        return buffer;
    }

    @Test
    void an_aggregate_tagged_under_the_fleet_key_for_its_hop_verifies() {
        UnsafeBuffer frame = aggregate(3, LINKS.signer(Streams.CONTINENT_TO_GLOBAL));
        assertEquals(SignatureScheme.HMAC_SHA256.code(), frame.getByte(FrameLayout.SIGNATURE_SCHEME_OFFSET));
        assertNull(receiver(Streams.CONTINENT_TO_GLOBAL).check(frame, 0, LENGTH));
        // Another instance from the same key bytes (another member) accepts it too.
        LinkAuthentication member = LinkAuthentication.required(KEY.clone(), "the same key, read by another member");
        FrameValidator other = new FrameValidator(AggregateFrame.limits(ROUND, 0, D)
            .withAuthenticator(member.verifier(Streams.CONTINENT_TO_GLOBAL)));
        assertNull(other.check(frame, 0, LENGTH));
    }

    @Test
    void the_tag_is_hmac_sha256_of_the_documented_message() throws Exception {
        UnsafeBuffer frame = aggregate(3, LINKS.signer(Streams.CONTINENT_TO_GLOBAL));
        // Recomputed from the class javadoc's formula, with the JDK's HMAC and no Canopy code.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        mac.update("canopy-link-v1\0\0".getBytes(StandardCharsets.US_ASCII));
        mac.update(new byte[] {(byte) (Streams.CONTINENT_TO_GLOBAL & 0xFF), (byte) (Streams.CONTINENT_TO_GLOBAL >> 8), 0, 0});
        mac.update(new byte[28]);
        byte[] bytes = new byte[LENGTH];
        frame.getBytes(0, bytes);
        mac.update(bytes, 0, FrameLayout.CHECKSUM_OFFSET);
        mac.update(bytes, FrameLayout.MODEL_VERSION_OFFSET, FrameLayout.HEADER_LENGTH - FrameLayout.MODEL_VERSION_OFFSET + 4 * D);
        byte[] expected = mac.doFinal();
        byte[] tag = new byte[32];
        frame.getBytes(FrameLayout.HEADER_LENGTH + 4 * D, tag);
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(tag));
    }

    @Test
    void untagged_other_key_other_hop_and_garbage_under_a_signature_scheme_are_refused_by_reason() {
        FrameValidator global = receiver(Streams.CONTINENT_TO_GLOBAL);
        UnsafeBuffer untagged = aggregate(1, null);
        assertEquals(RejectReason.UNSIGNED, global.check(untagged, 0, FrameLayout.HEADER_LENGTH + 4 * D));
        assertEquals(RejectReason.BAD_SIGNATURE,
            global.check(aggregate(1, LinkAuthentication.fresh().signer(Streams.CONTINENT_TO_GLOBAL)), 0, LENGTH));
        assertEquals(RejectReason.BAD_SIGNATURE, global.check(aggregate(1, LINKS.signer(Streams.CLUSTER_TO_CONTINENT)), 0, LENGTH),
            "a tag for the cluster -> continent hop does not verify on the continent -> global hop");
        UnsafeBuffer ed25519 = aggregate(1, new SignatureWriter() {
            @Override
            public SignatureScheme scheme() {
                return SignatureScheme.ED25519;
            }

            @Override
            public void sign(org.agrona.MutableDirectBuffer buffer, int frameOffset, int payloadLength, int signatureIndex) {
                buffer.setMemory(signatureIndex, 64, (byte) 0x5A);
            }
        });
        assertEquals(RejectReason.BAD_SIGNATURE, global.check(ed25519, 0, FrameLayout.HEADER_LENGTH + 4 * D + 64));
    }

    @Test
    void an_input_count_inflated_with_the_crc_recomputed_is_refused() {
        UnsafeBuffer frame = aggregate(2, LINKS.signer(Streams.CONTINENT_TO_GLOBAL));
        frame.putInt(FrameLayout.INPUT_COUNT_OFFSET, 12_000, ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(frame, 0);
        assertEquals(RejectReason.BAD_SIGNATURE, receiver(Streams.CONTINENT_TO_GLOBAL).check(frame, 0, LENGTH));
    }

    @Test
    void off_tags_nothing_and_checks_nothing() {
        assertFalse(LinkAuthentication.off().isRequired());
        assertNull(LinkAuthentication.off().signer(Streams.CONTINENT_TO_GLOBAL));
        assertNull(LinkAuthentication.off().verifier(Streams.CONTINENT_TO_GLOBAL));
        assertTrue(LinkAuthentication.off().describe().startsWith("off"));
        assertNull(new FrameValidator(AggregateFrame.limits(ROUND, 0, D)).check(aggregate(1, null), 0,
            FrameLayout.HEADER_LENGTH + 4 * D));
    }

    @Test
    void a_key_of_the_wrong_length_is_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> LinkAuthentication.required(new byte[16], "short"));
        assertEquals("a link key has 32 bytes, not 16", e.getMessage());
    }

    @Test
    void a_key_file_round_trips_and_a_damaged_one_is_refused_in_one_line_naming_it(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("link.key");
        Files.writeString(good, LinkAuthentication.newKeyText() + "\n");
        LinkAuthentication loaded = LinkAuthentication.load(good);
        assertTrue(loaded.isRequired());
        assertTrue(loaded.describe().contains(good.toString()));

        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, "abcd\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> LinkAuthentication.load(shortKey));
        assertTrue(e.getMessage().contains(shortKey.toString()) && e.getMessage().contains("expected 64 hexadecimal digits, found 4"),
            e.getMessage());

        Path notHex = dir.resolve("nothex.key");
        Files.writeString(notHex, "z".repeat(64));
        assertThrows(FileFormatException.class, () -> LinkAuthentication.load(notHex));
        Path big = dir.resolve("big.key");
        Files.writeString(big, "a".repeat(4096));
        assertTrue(assertThrows(FileFormatException.class, () -> LinkAuthentication.load(big)).getMessage().contains("4096 bytes"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> LinkAuthentication.load(dir.resolve("missing.key")));
    }

    @Test
    void no_leaf_can_enroll_with_the_mac_scheme() {
        assertFalse(SignatureScheme.HMAC_SHA256.isPublicKey());
        assertFalse(FrameSignatures.supported(SignatureScheme.HMAC_SHA256));
        assertThrows(IllegalArgumentException.class, () -> new DerivedKeys(1L, SignatureScheme.HMAC_SHA256,
            new io.canopy.topology.FleetLayout(40, 10, 4, 1L)));
    }

    @Property(tries = 600, seed = "20261203")
    void no_single_bit_edit_outside_the_crc_field_is_accepted_even_with_the_crc_recomputed(
        @ForAll @IntRange(min = 0, max = 3) int continent, @ForAll @IntRange(min = 0, max = LENGTH - 1) int at,
        @ForAll @IntRange(min = 0, max = 7) int bit, @ForAll boolean reseal) {
        FrameValidator global = receiver(Streams.CONTINENT_TO_GLOBAL);
        UnsafeBuffer frame = aggregate(continent, LINKS.signer(Streams.CONTINENT_TO_GLOBAL));
        assertNull(global.check(frame, 0, LENGTH), "the unedited aggregate verifies");
        int edit = at >= FrameLayout.CHECKSUM_OFFSET && at < FrameLayout.MODEL_VERSION_OFFSET ? at + 4 : at;
        frame.putByte(edit, (byte) (frame.getByte(edit) ^ (1 << bit)));
        boolean lengthField = edit >= FrameLayout.PAYLOAD_LENGTH_OFFSET && edit < FrameLayout.INPUT_COUNT_OFFSET;
        if (reseal && !lengthField && edit < FrameLayout.HEADER_LENGTH + 4 * D) { // reseal reads the length field
            FrameEncoder.reseal(frame, 0);
        }
        assertNotNull(global.check(frame, 0, LENGTH), "an aggregate with bit " + bit + " of byte " + edit + " flipped was accepted");
    }
}
