package io.canopy.node.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.canopy.enroll.LinkAuthentication;

/**
 * A fleet's certificate authority and its members' certificates, made with the JDK's own {@code keytool} (the JDK
 * has no public API that issues X.509 certificates): an EC P-256 CA, and per member a key pair whose certificate the
 * CA signs for both TLS server and client use, so Pekko's Artery {@code tls-tcp} transport can require mutual
 * authentication. Layout of {@code out}:
 * <pre>
 *   ca/fleet-ca-key.p12     the CA's private key: keep it off the members
 *   ca/fleet-ca.pem         the CA's certificate
 *   MEMBER/member.p12       the member's key and its certificate chain (PKCS#12)
 *   MEMBER/fleet-ca.p12     the trust store: the CA's certificate alone
 *   MEMBER/link.p12         the member's link key: an Ed25519 key whose certificate (CN = the member) the CA signs;
 *                           the member signs the aggregates it sends with it (io.canopy.enroll.MemberLinkSignatures)
 *   MEMBER/password         the stores' password (owner-read only)
 *   ca/link.key             a fleet-wide link key, for a fleet that runs without TLS ({@code link-key}): an HMAC on
 *                           every aggregate, which any holder can make (owner-read only; members get none)
 * </pre>
 * A member started with {@code tls: out/MEMBER} speaks TLS 1.3 to the others and accepts only peers whose
 * certificate this CA signed.
 */
public final class FleetCertificates {

    /** A member's name: a directory name and a certificate CN. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Certificates last this long (days): a fleet re-issues them with this command. */
    static final int VALIDITY_DAYS = 825;
    /** The fleet-wide link key file, in the CA's directory (for fleets without TLS). */
    public static final String LINK_KEY = "link.key";
    /** A member's own link key and certificate (PKCS#12), which it signs its aggregates with. */
    public static final String MEMBER_LINK_STORE = "link.p12";
    /** The alias of the link key in {@link #MEMBER_LINK_STORE}. */
    public static final String MEMBER_LINK_ALIAS = "link";

    private final Path keytool;

    public FleetCertificates(Path keytool) {
        this.keytool = keytool;
    }

    /** The keytool beside the running JVM's java binary. */
    public static FleetCertificates ofRunningJdk() {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow(() ->
            new IllegalStateException("cannot tell which java binary runs this process, so cannot find its keytool")));
        return new FleetCertificates(java.resolveSibling("keytool"));
    }

    /** Checks a member name before anything is written. */
    public static void checkName(String member) {
        if (!NAME.matcher(member).matches() || member.equals("ca")) {
            throw new IllegalArgumentException("member name '" + member + "' must be 1-64 letters, digits, '.', '_' or"
                + " '-', starting with a letter or digit, and not 'ca'");
        }
    }

    /**
     * Creates the CA in {@code out/ca} (refused if it exists: a second CA would split the fleet) and a certificate for
     * each member. Nothing is left half-made: each member directory is written beside and renamed into place.
     */
    public void createFleet(Path out, List<String> members) throws IOException, InterruptedException {
        for (String m : members) {
            checkName(m);
        }
        Path ca = out.resolve("ca");
        if (Files.exists(ca)) {
            throw new IllegalArgumentException(ca + " already holds a fleet CA; add members with --add, or choose another --out");
        }
        Files.createDirectories(out);
        Path staging = Files.createTempDirectory(out, ".ca-");
        // Passwords go to keytool as files, never on its command line (where ps would show them).
        String pw = writePrivate(staging.resolve("password"), password()).toString();
        Path key = staging.resolve("fleet-ca-key.p12");
        keytool("-genkeypair", "-alias", "fleet-ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=Canopy fleet CA", "-ext", "bc:c", "-validity", Integer.toString(VALIDITY_DAYS), "-storetype", "PKCS12",
            "-keystore", key.toString(), "-storepass:file", pw);
        keytool("-exportcert", "-rfc", "-alias", "fleet-ca", "-keystore", key.toString(), "-storepass:file", pw,
            "-file", staging.resolve("fleet-ca.pem").toString());
        writePrivate(staging.resolve(LINK_KEY), LinkAuthentication.newKeyText());
        Files.move(staging, ca, StandardCopyOption.ATOMIC_MOVE);
        for (String m : members) {
            addMember(out, m);
        }
    }

    /** Issues {@code member}'s key and certificate from the CA in {@code out/ca}; refused if the member exists. */
    public void addMember(Path out, String member) throws IOException, InterruptedException {
        issue(out, member, true);
    }

    /**
     * Issues a fleet client's key and certificate (a swarm, {@code ./canopy status}), in the members' layout: its
     * certificate is for TLS client use only ({@code clientAuth}), so it reads the members' client gateways but can
     * neither serve as a gateway nor, since members dial each other, join the fleet as a member. It gets no link key:
     * a client sends no aggregates.
     */
    public void addClient(Path out, String client) throws IOException, InterruptedException {
        issue(out, client, false);
    }

    /** A member's certificate is for both TLS uses and comes with its own link key; a client's for client use only. */
    private void issue(Path out, String member, boolean isMember) throws IOException, InterruptedException {
        checkName(member);
        Path ca = out.resolve("ca");
        if (!Files.isRegularFile(ca.resolve("fleet-ca-key.p12"))) {
            throw new IllegalArgumentException(ca + " holds no fleet CA (fleet-ca-key.p12); create one first");
        }
        Path target = out.resolve(member);
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + " already exists; a member's certificate is issued once");
        }
        String caPw = ca.resolve("password").toString();
        Path staging = Files.createTempDirectory(out, "." + member + "-");
        String pw = writePrivate(staging.resolve("password"), password()).toString();
        Path store = staging.resolve("member.p12");
        Path csr = staging.resolve("member.csr");
        Path cert = staging.resolve("member.pem");
        keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + member,
            "-validity", Integer.toString(VALIDITY_DAYS), "-storetype", "PKCS12", "-keystore", store.toString(),
            "-storepass:file", pw);
        keytool("-certreq", "-alias", "member", "-keystore", store.toString(), "-storepass:file", pw, "-file", csr.toString());
        keytool("-gencert", "-alias", "fleet-ca", "-keystore", ca.resolve("fleet-ca-key.p12").toString(), "-storepass:file",
            caPw, "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-validity",
            Integer.toString(VALIDITY_DAYS), "-ext", "ku:c=digitalSignature", "-ext",
            isMember ? "eku=serverAuth,clientAuth" : "eku=clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "fleet-ca", "-file", ca.resolve("fleet-ca.pem").toString(),
            "-keystore", store.toString(), "-storepass:file", pw);
        keytool("-importcert", "-noprompt", "-alias", "member", "-file", cert.toString(), "-keystore", store.toString(),
            "-storepass:file", pw);
        keytool("-importcert", "-noprompt", "-alias", "fleet-ca", "-file", ca.resolve("fleet-ca.pem").toString(),
            "-storetype", "PKCS12", "-keystore", staging.resolve("fleet-ca.p12").toString(), "-storepass:file", pw);
        Files.delete(csr);
        Files.delete(cert);
        if (isMember) {
            // The link key is a separate store: with two private keys in member.p12, TLS could present either.
            Path links = staging.resolve(MEMBER_LINK_STORE);
            keytool("-genkeypair", "-alias", MEMBER_LINK_ALIAS, "-keyalg", "Ed25519", "-dname", "CN=" + member,
                "-validity", Integer.toString(VALIDITY_DAYS), "-storetype", "PKCS12", "-keystore", links.toString(),
                "-storepass:file", pw);
            keytool("-certreq", "-alias", MEMBER_LINK_ALIAS, "-keystore", links.toString(), "-storepass:file", pw, "-file",
                csr.toString());
            keytool("-gencert", "-alias", "fleet-ca", "-keystore", ca.resolve("fleet-ca-key.p12").toString(),
                "-storepass:file", caPw, "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-validity",
                Integer.toString(VALIDITY_DAYS), "-ext", "ku:c=digitalSignature");
            keytool("-importcert", "-noprompt", "-alias", "fleet-ca", "-file", ca.resolve("fleet-ca.pem").toString(),
                "-keystore", links.toString(), "-storepass:file", pw);
            keytool("-importcert", "-noprompt", "-alias", MEMBER_LINK_ALIAS, "-file", cert.toString(), "-keystore",
                links.toString(), "-storepass:file", pw);
            Files.delete(csr);
            Files.delete(cert);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String password() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Path writePrivate(Path file, String text) throws IOException {
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions protect it
        }
        return file;
    }

    /**
     * Runs this JDK's keytool with {@code args}, at most 60 s; its output goes into the exception when it fails.
     * Package-private so that tests make their own keys (a rogue, self-signed one) the same way.
     */
    void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        // A short-lived tool: the quick JIT tier and the serial collector start it in about 0.6 of the time and half
        // the CPU (3.14 -> 2.57 s wall, 5.5 -> 3.1 s CPU for five runs on a 2-core VM).
        command.add("-J-XX:TieredStopAtLevel=1");
        command.add("-J-XX:+UseSerialGC");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): " + output.strip());
        }
    }
}
