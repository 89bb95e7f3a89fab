package io.canopy.node.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS 1.3 context of a fleet directory made by {@link FleetCertificates} ({@code member.p12}, {@code fleet-ca.p12},
 * {@code password}): its key and certificate chain to present, and the fleet CA alone to trust. A member's client
 * gateway serves HTTPS with it and requires a client certificate; a client (a swarm, {@code ./canopy status}) presents
 * its own with it.
 *
 * <p>Trust is "the fleet CA signed it, for this use", as between members over Artery (whose host-name verification
 * is off too): certificates name a member or client, not a host, so a peer is accepted whatever address it was
 * reached at. The JDK's PKIX checks stay whole, the extended key usage included: a server must hold a certificate
 * issued for {@code serverAuth} (a member's), a client one for {@code clientAuth} (a member's or a client's), so a
 * client certificate cannot pose as a gateway nor, since members dial each other, serve as a member.
 */
public final class FleetTls {
    /** The protocol spoken, the one Artery's {@code tls-tcp} is configured with. */
    public static final String PROTOCOL = "TLSv1.3";

    private FleetTls() {
    }

    /**
     * Loads {@code dir}'s stores.
     *
     * @throws IllegalArgumentException one line naming the directory and the file that is missing or unreadable
     */
    public static SSLContext context(Path dir) {
        for (String file : new String[] {"member.p12", "fleet-ca.p12", "password"}) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IllegalArgumentException(dir + ": no " + file + " there; make it with ./canopy fleet-ca --out DIR"
                    + " --members NAME (a member) or --client NAME (a swarm, ./canopy status)");
            }
        }
        try {
            char[] password = Files.readString(dir.resolve("password"), StandardCharsets.UTF_8).strip().toCharArray();
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(dir.resolve("member.p12"), password), password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(dir.resolve("fleet-ca.p12"), password));
            X509ExtendedTrustManager pkix = null;
            for (TrustManager t : trust.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    pkix = x;
                }
            }
            if (pkix == null) {
                throw new IllegalStateException("this JDK's " + trust.getAlgorithm() + " trust manager is not an X509ExtendedTrustManager");
            }
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keys.getKeyManagers(), new TrustManager[] {new FleetTrust(pkix)}, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(dir + ": cannot load its TLS stores (" + e.getMessage() + ")", e);
        }
    }

    static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    /**
     * The JDK's PKIX trust manager without the host-name check: the socket- and engine-taking methods, where SunJSSE
     * would compare the peer's name with the host dialled, call the plain ones, which check the chain, its validity,
     * the algorithm constraints and the extended key usage.
     */
    private static final class FleetTrust extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;

        FleetTrust(X509ExtendedTrustManager pkix) {
            this.pkix = pkix;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
