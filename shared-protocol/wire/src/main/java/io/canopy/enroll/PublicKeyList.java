package io.canopy.enroll;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.canopy.frame.SignatureScheme;
import io.canopy.io.FileFormatException;
import io.canopy.topology.FleetLayout;

/**
 * The leaves' public keys as an operator collects them, one leaf a line, read into registry shards by
 * {@code ./canopy enroll} (docs/security.md, "Enrolling a fleet"):
 *
 * <pre>
 *   # comment; blank lines are skipped
 *   LEAF_ID SCHEME BASE64_RAW_PUBLIC_KEY
 *   17 ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
 * </pre>
 *
 * LEAF_ID is a decimal leaf id of the layout (0 ≤ id &lt; leaves); SCHEME is {@code ed25519}, {@code ml-dsa-44} or
 * {@code ml-dsa-65}, the same on every line (a registry's shards hold one scheme); the key is the raw public key in
 * standard base64 with padding (RFC 4648 §4): 32 bytes for Ed25519 (RFC 8032 §5.1.2), 1312 / 1952 for ML-DSA-44 / -65
 * (FIPS 204 pkEncode), and it must decode as a key of that scheme. Fields are separated by spaces or tabs.
 *
 * <p>Every problem is a {@link FileFormatException} of one line, {@code FILE:LINE: problem}; the first one stops the
 * read, so a caller that writes only after a successful read never writes half a registry. Leaves of the layout
 * that the file does not list are simply not enrolled.
 */
public final class PublicKeyList {

    /** The longest line read: an ML-DSA-65 key is 2,604 base64 characters. */
    static final int MAX_LINE = 4096;

    private PublicKeyList() {
    }

    /** The scheme named {@code name} on the command line or in a key list, or null when the name is unknown. */
    public static SignatureScheme schemeNamed(String name) {
        return switch (name) {
            case "ed25519" -> SignatureScheme.ED25519;
            case "ml-dsa-44" -> SignatureScheme.ML_DSA_44;
            case "ml-dsa-65" -> SignatureScheme.ML_DSA_65;
            default -> null;
        };
    }

    /** The name {@link #schemeNamed} reads, e.g. {@code ml-dsa-44}. */
    public static String nameOf(SignatureScheme scheme) {
        return scheme.algorithm().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Reads {@code file} into one shard per cluster of {@code layout} (a cluster none of whose leaves is listed gets
     * an empty shard, so every cluster has its file and a node hosting it starts).
     *
     * @throws FileFormatException on the first bad line, naming the file, the line number and the problem
     * @throws IOException         when the file cannot be read
     */
    public static List<EnrollmentShard> read(Path file, FleetLayout layout) throws IOException {
        SignatureScheme scheme = null;
        int schemeLine = 0;
        Map<Long, Integer> seen = new HashMap<>();
        List<Long> leaves = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.length() > MAX_LINE) {
                    throw new FileFormatException(file, line(number, "is " + line.length() + " characters, longer than"
                        + " any key line (" + MAX_LINE + ")"));
                }
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] f = text.split("[ \\t]+");
                if (f.length != 3) {
                    throw new FileFormatException(file, line(number, "has " + f.length + " fields, not 3 (LEAF_ID SCHEME"
                        + " BASE64_PUBLIC_KEY)"));
                }
                long leaf;
                try {
                    leaf = Long.parseLong(f[0]);
                } catch (NumberFormatException e) {
                    throw new FileFormatException(file, line(number, "leaf id '" + f[0] + "' is not a whole number"));
                }
                if (leaf < 0 || leaf >= layout.leaves()) {
                    throw new FileFormatException(file, line(number, "leaf id " + leaf + " is outside the layout's leaves"
                        + " 0.." + (layout.leaves() - 1) + " (leaves=" + layout.leaves() + ")"));
                }
                Integer first = seen.putIfAbsent(leaf, number);
                if (first != null) {
                    throw new FileFormatException(file, line(number, "leaf " + leaf + " is listed again (first on line "
                        + first + ")"));
                }
                SignatureScheme s = schemeNamed(f[1]);
                if (s == null) {
                    throw new FileFormatException(file, line(number, "unknown scheme '" + f[1] + "'; the schemes are"
                        + " ed25519, ml-dsa-44, ml-dsa-65"));
                }
                if (scheme == null) {
                    scheme = s;
                    schemeLine = number;
                } else if (s != scheme) {
                    throw new FileFormatException(file, line(number, "scheme " + f[1] + " differs from " + nameOf(scheme)
                        + " on line " + schemeLine + "; a registry holds one scheme"));
                }
                byte[] key;
                try {
                    key = Base64.getDecoder().decode(f[2]);
                } catch (IllegalArgumentException e) {
                    throw new FileFormatException(file, line(number, "the key is not base64 (" + e.getMessage() + ")"));
                }
                if (key.length != s.publicKeyLength()) {
                    throw new FileFormatException(file, line(number, "the key has " + key.length + " bytes; a " + s.algorithm()
                        + " public key has " + s.publicKeyLength()));
                }
                try {
                    FrameSignatures.forThisThread().publicKey(s, key);
                } catch (InvalidKeyException e) {
                    throw new FileFormatException(file, line(number, "the key is not a valid " + s.algorithm()
                        + " public key (" + e.getMessage() + ")"));
                }
                leaves.add(leaf);
                keys.add(key);
            }
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "is not UTF-8 text (" + e.getMessage() + ")");
        }
        if (scheme == null) {
            throw new FileFormatException(file, "lists no key (every line is blank or a comment)");
        }
        List<EnrollmentShard.Builder> builders = new ArrayList<>(layout.clusters());
        for (int c = 0; c < layout.clusters(); c++) {
            builders.add(EnrollmentShard.builder(c, scheme));
        }
        for (int i = 0; i < leaves.size(); i++) {
            builders.get(layout.clusterOf(leaves.get(i))).add(leaves.get(i), keys.get(i));
        }
        List<EnrollmentShard> shards = new ArrayList<>(builders.size());
        for (EnrollmentShard.Builder b : builders) {
            shards.add(b.build());
        }
        return shards;
    }

    private static String line(int number, String problem) {
        return "line " + number + ": " + problem;
    }
}
