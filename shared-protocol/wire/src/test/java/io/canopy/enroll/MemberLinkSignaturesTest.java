package io.canopy.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.AggregateFrame;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLayout;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.frame.SignatureWriter;
import io.canopy.round.Streams;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Aggregates signed by the member that sends them and checked against the routing table's owner of their sender: the
 * owner's signature verifies, any other member's does not, and each refusal has its reason.
 */
class MemberLinkSignaturesTest {
    private static final int D = 4;
    private static final long ROUND = 9;
    private static final long RUN = 0x0123_4567_89abL;
    private static final int SIGNED = FrameLayout.HEADER_LENGTH + 4 * D + 64;
    private static final int STREAM = Streams.CLUSTER_TO_CONTINENT;
    private static final KeyPair[] MEMBERS = {ed25519(), ed25519(), ed25519()};

    /** The routing table as the continent sees it: cluster → hosting member (index into MEMBERS). */
    private final Map<Long, Integer> hosts = new ConcurrentHashMap<>(Map.of(3L, 0, 4L, 1, 5L, 2));
    private final LinkOwners owners = (stream, sender) -> {
        Integer member = stream == STREAM ? hosts.get(sender) : null;
        return member == null ? null : FrameSignatures.rawPublicKey(SignatureScheme.ED25519, MEMBERS[member].getPublic());
    };

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private MemberLinkSignatures member(int index) {
        return new MemberLinkSignatures(MEMBERS[index].getPrivate(), "member-" + index, owners);
    }

    private FrameValidator continent(long run) {
        return new FrameValidator(AggregateFrame.limits(ROUND, 0, D).withAuthenticator(member(0).verifier(STREAM, run)));
    }

    private static UnsafeBuffer aggregate(long cluster, SignatureWriter signer) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[SIGNED]);
        FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0).signer(signer);
        AggregateFrame.header(encoder, ROUND, cluster, 0, 12)
            .encode(UpdateEncoder.fp32(), new float[] {0.25f, -0.5f, (float) cluster, 1f}, 0, D);
        return buffer;
    }

    @Test
    void the_owners_aggregate_verifies_and_its_signature_is_plain_ed25519_over_the_documented_message() throws Exception {
        UnsafeBuffer frame = aggregate(3, member(0).signer(STREAM, RUN));
        assertEquals(SignatureScheme.ED25519.code(), frame.getByte(FrameLayout.SIGNATURE_SCHEME_OFFSET));
        assertNull(continent(RUN).check(frame, 0, SIGNED));
        // Checked again with the JDK alone, from the formula in LinkAuthentication.prefix's javadoc.
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(MEMBERS[0].getPublic());
        jdk.update("canopy-link-v1\0\0".getBytes(StandardCharsets.US_ASCII));
        jdk.update(java.nio.ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(STREAM).putLong(RUN).array());
        byte[] bytes = new byte[SIGNED];
        frame.getBytes(0, bytes);
        jdk.update(bytes, 0, FrameLayout.CHECKSUM_OFFSET);
        jdk.update(bytes, FrameLayout.MODEL_VERSION_OFFSET, FrameLayout.HEADER_LENGTH - FrameLayout.MODEL_VERSION_OFFSET + 4 * D);
        byte[] signature = new byte[64];
        frame.getBytes(FrameLayout.HEADER_LENGTH + 4 * D, signature);
        assertTrue(jdk.verify(signature));
    }

    @Test
    void a_member_signing_for_a_cluster_another_member_hosts_is_refused_and_accepted_for_its_own() {
        FrameValidator continent = continent(RUN);
        assertEquals(RejectReason.BAD_SIGNATURE, continent.check(aggregate(3, member(1).signer(STREAM, RUN)), 0, SIGNED),
            "member 1 hosts cluster 4, not 3");
        assertNull(continent.check(aggregate(4, member(1).signer(STREAM, RUN)), 0, SIGNED));
    }

    @Test
    void when_a_cluster_moves_the_new_host_is_accepted_and_the_old_one_refused() {
        FrameValidator continent = continent(RUN);
        hosts.put(3L, 2);
        assertNull(continent.check(aggregate(3, member(2).signer(STREAM, RUN)), 0, SIGNED));
        assertEquals(RejectReason.BAD_SIGNATURE, continent.check(aggregate(3, member(0).signer(STREAM, RUN)), 0, SIGNED));
    }

    @Test
    void unsigned_unrouted_fleet_key_other_hop_other_run_and_edited_aggregates_are_refused_by_reason() {
        FrameValidator continent = continent(RUN);
        assertEquals(RejectReason.UNSIGNED, continent.check(aggregate(3, null), 0, FrameLayout.HEADER_LENGTH + 4 * D));
        assertEquals(RejectReason.UNKNOWN_OWNER, continent.check(aggregate(7, member(0).signer(STREAM, RUN)), 0, SIGNED),
            "the routing table names no host for cluster 7");
        assertEquals(RejectReason.BAD_SIGNATURE, continent.check(aggregate(3, LinkAuthentication.fresh().signer(STREAM, RUN)),
            0, FrameLayout.HEADER_LENGTH + 4 * D + 32), "a fleet-key HMAC is not a member's signature");
        assertEquals(RejectReason.BAD_SIGNATURE,
            continent.check(aggregate(3, member(0).signer(Streams.CONTINENT_TO_GLOBAL, RUN)), 0, SIGNED), "another hop");
        assertEquals(RejectReason.BAD_SIGNATURE, continent.check(aggregate(3, member(0).signer(STREAM, RUN + 1)), 0, SIGNED),
            "another run");
        UnsafeBuffer inflated = aggregate(3, member(0).signer(STREAM, RUN));
        inflated.putInt(FrameLayout.INPUT_COUNT_OFFSET, 12_000, ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.reseal(inflated, 0);
        assertEquals(RejectReason.BAD_SIGNATURE, continent.check(inflated, 0, SIGNED), "input count edited, CRC recomputed");
    }

    @Test
    void a_member_link_key_must_be_ed25519() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new MemberLinkSignatures(ec.getPrivate(), "tls-key", owners));
        assertEquals("a member's link key is Ed25519, not EC", e.getMessage());
    }

    /** Whatever the table says and whoever signs, an aggregate is accepted exactly when its signer hosts its sender. */
    @Property(tries = 60)
    void accepted_exactly_when_the_signer_is_the_routing_tables_host(@ForAll @IntRange(min = 0, max = 2) int host,
                                                                    @ForAll @IntRange(min = 0, max = 2) int signer,
                                                                    @ForAll @IntRange(min = 0, max = 1000) int cluster) {
        hosts.put((long) cluster, host);
        RejectReason reason = continent(RUN).check(aggregate(cluster, member(signer).signer(STREAM, RUN)), 0, SIGNED);
        assertEquals(host == signer ? null : RejectReason.BAD_SIGNATURE, reason);
    }
}
