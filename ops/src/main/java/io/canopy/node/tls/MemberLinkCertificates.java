package io.canopy.node.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;

import javax.security.auth.x500.X500Principal;

import io.canopy.enroll.FrameSignatures;
import io.canopy.enroll.LinkOwners;
import io.canopy.enroll.MemberLinkSignatures;
import io.canopy.frame.SignatureScheme;

/**
 * A member's link key ({@code link.p12}, made by {@link FleetCertificates}) and the check of other members' link
 * certificates against the fleet CA ({@code fleet-ca.p12}): what {@link MemberLinkSignatures} needs, loaded once at
 * start so a member with a broken store never starts.
 *
 * <p>A member announces its certificate (DER, Base64) in the routing table; a receiver accepts the announced key only
 * if the certificate is an Ed25519 key that the fleet CA signed, is valid now, allows digital signatures and names a
 * member (CN). The CA's signature is what makes the key a member's: an announcement is only as good as the CA that
 * signed it.
 */
public final class MemberLinkCertificates {

    private final PrivateKey ownKey;
    private final X509Certificate ownCertificate;
    private final String member;
    private final PublicKey caKey;

    private MemberLinkCertificates(PrivateKey ownKey, X509Certificate ownCertificate, PublicKey caKey) {
        this.ownKey = ownKey;
        this.ownCertificate = ownCertificate;
        this.caKey = caKey;
        this.member = commonName(ownCertificate.getSubjectX500Principal());
    }

    /** Whether {@code tlsDir} holds a member link store (fleets made before link certificates have none). */
    public static boolean present(Path tlsDir) {
        return Files.isRegularFile(tlsDir.resolve(FleetCertificates.MEMBER_LINK_STORE));
    }

    /**
     * Loads {@code tlsDir}'s link key and the CA to check others' against, and checks the member's own certificate as
     * a receiver would.
     *
     * @throws IllegalArgumentException one line naming the directory and what is wrong
     */
    public static MemberLinkCertificates load(Path tlsDir) {
        Path store = tlsDir.resolve(FleetCertificates.MEMBER_LINK_STORE);
        try {
            char[] password = Files.readString(tlsDir.resolve("password"), StandardCharsets.UTF_8).strip().toCharArray();
            KeyStore links = FleetTls.load(store, password);
            if (!(links.getKey(FleetCertificates.MEMBER_LINK_ALIAS, password) instanceof PrivateKey key)
                || !(links.getCertificate(FleetCertificates.MEMBER_LINK_ALIAS) instanceof X509Certificate certificate)) {
                throw new IllegalArgumentException(store + ": no private key with its certificate under alias '"
                    + FleetCertificates.MEMBER_LINK_ALIAS + "'");
            }
            KeyStore trust = FleetTls.load(tlsDir.resolve("fleet-ca.p12"), password);
            Certificate ca = trust.getCertificate("fleet-ca");
            if (ca == null) {
                throw new IllegalArgumentException(tlsDir.resolve("fleet-ca.p12") + ": no certificate under alias 'fleet-ca'");
            }
            MemberLinkCertificates loaded = new MemberLinkCertificates(key, certificate, ca.getPublicKey());
            loaded.checkedKey(loaded.ownCertificateText()); // its own certificate must pass what others will check
            return loaded;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(store + ": cannot load the member's link key (" + e.getMessage() + ")", e);
        }
    }

    /** This member's name, its certificate's CN. */
    public String member() {
        return member;
    }

    /** This member's link certificate as it announces it: DER, Base64. */
    public String ownCertificateText() {
        try {
            return Base64.getEncoder().encodeToString(ownCertificate.getEncoded());
        } catch (CertificateException e) {
            throw new IllegalStateException("a certificate loaded from a store does not encode: " + e, e);
        }
    }

    /** The signer and checker of aggregates for this member, with owners from the routing table. */
    public MemberLinkSignatures signatures(LinkOwners owners) {
        return new MemberLinkSignatures(ownKey, member, owners);
    }

    /**
     * The raw Ed25519 key of an announced certificate ({@link #ownCertificateText()}'s form), if the fleet CA signed it
     * and it is a member link certificate valid now.
     *
     * @throws CertificateException saying why it is refused
     */
    public byte[] checkedKey(String announced) throws CertificateException {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(announced);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("not Base64: " + e.getMessage());
        }
        if (der.length > 4096) {
            throw new CertificateException(der.length + " bytes; a link certificate is under 4096");
        }
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der));
        try {
            certificate.verify(caKey);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("not signed by this fleet's CA (" + certificate.getIssuerX500Principal() + ")");
        }
        certificate.checkValidity(new Date());
        boolean[] usage = certificate.getKeyUsage();
        if (usage == null || !usage[0]) {
            throw new CertificateException("does not allow digital signatures");
        }
        PublicKey key = certificate.getPublicKey();
        try {
            return FrameSignatures.rawPublicKey(SignatureScheme.ED25519, key);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("holds a " + key.getAlgorithm() + " key, not a member's Ed25519 link key");
        }
    }

    /** The CN of {@code name}, or the whole name when it has none. */
    static String commonName(X500Principal name) {
        for (String part : name.getName(X500Principal.RFC2253).split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return name.getName();
    }
}
