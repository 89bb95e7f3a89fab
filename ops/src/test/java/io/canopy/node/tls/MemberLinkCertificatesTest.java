package io.canopy.node.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.canopy.enroll.FrameSignatures;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.frame.SignatureScheme;
import io.canopy.node.NodeSettings;
import io.canopy.ops.config.LayeredConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members' link certificates as ./canopy fleet-ca makes them and as a receiver checks an announced one: a member's
 * Ed25519 key the fleet CA signed is accepted; a self-signed one, a TLS (EC) certificate and garbage are refused with
 * a reason.
 */
class MemberLinkCertificatesTest {
    @TempDir
    static Path dir;
    private static Path fleet;

    @BeforeAll
    static void makeFleet() throws Exception {
        fleet = dir.resolve("fleet");
        FleetCertificates.ofRunningJdk().createFleet(fleet, List.of("alpha", "beta"));
    }

    private static String encoded(Path store, String alias) throws Exception {
        char[] password = Files.readString(store.resolveSibling("password"), StandardCharsets.UTF_8).strip().toCharArray();
        KeyStore keys = FleetTls.load(store, password);
        return Base64.getEncoder().encodeToString(keys.getCertificate(alias).getEncoded());
    }

    @Test
    void a_member_gets_its_own_link_key_and_a_client_none() throws Exception {
        FleetCertificates.ofRunningJdk().addClient(fleet, "swarm");
        assertTrue(MemberLinkCertificates.present(fleet.resolve("alpha")));
        assertFalse(MemberLinkCertificates.present(fleet.resolve("swarm")), "a client sends no aggregates");
        assertFalse(Files.exists(fleet.resolve("alpha").resolve(FleetCertificates.LINK_KEY)),
            "members hold no fleet-wide key that could tag for any aggregator");
        assertEquals("alpha", MemberLinkCertificates.load(fleet.resolve("alpha")).member());
    }

    @Test
    void another_members_announced_certificate_yields_its_ed25519_key() throws Exception {
        MemberLinkCertificates alpha = MemberLinkCertificates.load(fleet.resolve("alpha"));
        MemberLinkCertificates beta = MemberLinkCertificates.load(fleet.resolve("beta"));
        byte[] key = alpha.checkedKey(beta.ownCertificateText());
        char[] password = Files.readString(fleet.resolve("beta/password"), StandardCharsets.UTF_8).strip().toCharArray();
        KeyStore store = FleetTls.load(fleet.resolve("beta").resolve(FleetCertificates.MEMBER_LINK_STORE), password);
        assertArrayEquals(FrameSignatures.rawPublicKey(SignatureScheme.ED25519,
            store.getCertificate(FleetCertificates.MEMBER_LINK_ALIAS).getPublicKey()), key);
        assertEquals(32, key.length);
    }

    @Test
    void a_self_signed_link_certificate_a_tls_certificate_and_garbage_are_refused_by_reason() throws Exception {
        MemberLinkCertificates alpha = MemberLinkCertificates.load(fleet.resolve("alpha"));
        // An Ed25519 key and certificate with the right name, but signed by itself rather than the fleet CA.
        Path rogue = dir.resolve("rogue.p12");
        Files.writeString(dir.resolve("password"), "rogue-password\n");
        FleetCertificates.ofRunningJdk().keytool("-genkeypair", "-alias", "link", "-keyalg", "Ed25519", "-dname", "CN=beta",
            "-storetype", "PKCS12", "-keystore", rogue.toString(), "-storepass:file", dir.resolve("password").toString());
        CertificateException selfSigned = assertThrows(CertificateException.class,
            () -> alpha.checkedKey(encoded(rogue, "link")));
        assertEquals("not signed by this fleet's CA (CN=beta)", selfSigned.getMessage());

        CertificateException tls = assertThrows(CertificateException.class,
            () -> alpha.checkedKey(encoded(fleet.resolve("beta/member.p12"), "member")));
        assertEquals("holds a EC key, not a member's Ed25519 link key", tls.getMessage());

        assertTrue(assertThrows(CertificateException.class, () -> alpha.checkedKey("%%%")).getMessage()
            .startsWith("not Base64"));
        assertThrows(CertificateException.class, () -> alpha.checkedKey(Base64.getEncoder().encodeToString(new byte[40])));
    }

    @Test
    void a_node_with_a_tls_directory_signs_with_its_member_key_unless_given_a_fleet_key() throws Exception {
        NodeSettings members = NodeSettings.from(LayeredConfig.resolve(NodeSettings.KEYS, null, Map.of(),
            Map.of("tls", fleet.resolve("alpha").toString())));
        assertEquals("alpha", members.memberLinks().member());
        assertEquals(members.memberLinks().signatures((stream, sender) -> null).describe(), members.describeLinks(),
            "the start-up line says what the member's signatures say of themselves");
        assertFalse(members.links().isRequired(), "no fleet-wide key besides the member's own");
        Path key = Files.writeString(dir.resolve("fleet.key"), LinkAuthentication.newKeyText() + "\n");
        NodeSettings fleetKey = NodeSettings.from(LayeredConfig.resolve(NodeSettings.KEYS, null, Map.of(),
            Map.of("tls", fleet.resolve("alpha").toString(), "link-key", key.toString())));
        assertNull(fleetKey.memberLinks());
        assertTrue(fleetKey.links().isRequired());
    }

    @Test
    void a_member_directory_whose_link_store_is_damaged_is_refused_naming_it() throws Exception {
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        for (String file : List.of("member.p12", "fleet-ca.p12", "password")) {
            Files.copy(fleet.resolve("alpha").resolve(file), broken.resolve(file));
        }
        Files.write(broken.resolve(FleetCertificates.MEMBER_LINK_STORE), new byte[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemberLinkCertificates.load(broken));
        assertTrue(e.getMessage().startsWith(broken.resolve(FleetCertificates.MEMBER_LINK_STORE)
            + ": cannot load the member's link key ("), e.getMessage());
    }
}
