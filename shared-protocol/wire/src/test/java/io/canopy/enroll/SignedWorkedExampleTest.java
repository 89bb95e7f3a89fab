package io.canopy.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.HexFormat;
import java.util.List;

import io.canopy.codec.UpdateEncoder;
import io.canopy.frame.FrameEncoder;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.FrameValidator;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.RejectReason;
import io.canopy.frame.SignatureScheme;
import io.canopy.round.RoundPlan;
import io.canopy.topology.FleetLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The signed frame in PROTOCOL.md is the one the code writes, and verifies where signatures are required. */
class SignedWorkedExampleTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SECRET = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final byte[] PUBLIC = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

    private static String section(String doc, String heading) {
        return doc.substring(doc.indexOf(heading));
    }

    private static byte[] block(String section) {
        int open = section.indexOf("```");
        int close = section.indexOf("```", open + 3);
        return HEX.parseHex(section.substring(open + 3, close).replaceAll("\\s+", ""));
    }

    @Test
    void the_signed_example_in_protocol_md_is_what_the_encoder_writes_and_a_requiring_validator_accepts_it() throws Exception {
        String doc = Files.readString(Path.of("..", "PROTOCOL.md")); // shared-protocol/, above this module
        byte[] documented = block(section(doc, "### A signed frame"));
        RoundPlan plan = SignedFramesTest.plan(7, new FleetLayout(100, 10, 10, 1L)).at(7, 3);
        assertEquals(4, plan.dimension());
        String nonce = HEX.formatHex(RoundNonce.of(plan));
        assertEquals(true, section(doc, "### A signed frame").contains("Its nonce is\n`" + nonce + "`"),
            "PROTOCOL.md states the nonce " + nonce);

        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, SECRET));
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[documented.length]);
        FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0)
            .signer(new LeafSigner(LeafKeys.single(42, SignatureScheme.ED25519, key)).round(plan).leaf(42));
        int length = GradientFrame.header(encoder, 7, 42, 3).timestampNs(250_000_000L).modelVersion(3)
            .encode(UpdateEncoder.fp32(), new float[] {1f, -2f, 0.5f, 0f}, 0, 4);
        byte[] written = new byte[length];
        buffer.getBytes(0, written);
        assertArrayEquals(documented, written);

        EnrollmentShard shard = EnrollmentShard.builder(3, SignatureScheme.ED25519).add(42, PUBLIC).build();
        FrameValidator validator = new FrameValidator(GradientFrame.limits(7, FrameLimits.ANY_GROUP, 4)
            .withAuthenticator(LeafAuthentication.required(EnrollmentRegistry.of(List.of(shard))).forRound(plan)));
        float[] values = new float[4];
        assertNull(validator.validate(new UnsafeBuffer(documented), 0, documented.length, values, 0));
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 0f}, values);

        byte[] edited = documented.clone();
        edited[56] ^= 1; // the timestamp: informational, but signed
        FrameEncoder.reseal(new UnsafeBuffer(edited), 0);
        assertEquals(RejectReason.BAD_SIGNATURE, validator.validate(new UnsafeBuffer(edited), 0, edited.length, values, 0));
    }
}
