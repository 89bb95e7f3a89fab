package io.canopy.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.canopy.codec.CodecId;
import io.canopy.enroll.LinkAuthentication;
import io.canopy.enroll.MemberLinkSignatures;
import io.canopy.node.tls.MemberLinkCertificates;
import io.canopy.enroll.HostedEnrollment;
import io.canopy.enroll.LeafAuthentication;
import io.canopy.global.plan.RoundDesign;
import io.canopy.node.tls.FleetCertificates;
import io.canopy.ops.cli.UsageException;
import io.canopy.straggler.QuorumPolicy;
import io.canopy.ops.config.LayeredConfig;
import io.canopy.ops.config.LayeredConfig.Key;

/**
 * One fleet member's settings, resolved from defaults, {@code --config FILE}, {@code CANOPY_*} variables and
 * flags ({@link LayeredConfig}), and checked once: every refusal names the key as the user wrote it.
 *
 * @param roles        which tiers this member hosts: any of {@code cluster}, {@code continental}, {@code global}
 * @param seedNodes    {@code host:port} of the members a new one joins through (itself when it is the first)
 * @param aeronHost    the host of this member's UDP ingest endpoint
 * @param downAfter    how long the split brain resolver waits for a stable view before downing the
 *                     unreachable side (keep-majority)
 */
public record NodeSettings(Set<String> roles, String host, int port, List<String> seedNodes, String aeronHost,
                           int aeronPort, Path aeronDir, Path journal, int metricsPort, Duration downAfter,
                           RoundDesign design, Duration clusterDeadline, Duration upperDeadline, int minMembers,
                           double overSelection, Duration startAfter, boolean faultDropData,
                           long faultCrashAfterPrivacy, Duration heartbeatPause, int clientPort, String release,
                           Path faultPartitionFile, Path tls, LinkAuthentication links,
                           MemberLinkCertificates memberLinks, LeafAuthentication leafSignatures, int dataMtu) {

    /** How aggregates between tiers are authenticated, in one line (what the node prints at start). */
    public String describeLinks() {
        return memberLinks != null ? MemberLinkSignatures.describe(memberLinks.member()) : links.describe();
    }

    /** The roles a member may have. */
    public static final Set<String> ROLES = CanopyNode.ROLES;
    /** The actor system's name: every member of one fleet uses it. */
    public static final String SYSTEM = "canopy";

    /** Every key a node reads, with its default and meaning (the --help, --print-config and config-file keys). */
    public static final List<Key> KEYS = List.of(
        new Key("roles", "cluster,continental,global", "tiers this member hosts: cluster, continental, global (comma list)"),
        new Key("host", "127.0.0.1", "the address other members reach this one at (Pekko remoting)"),
        new Key("port", "2551", "the Pekko remoting port"),
        new Key("seed-nodes", null, "host:port of members to join through (comma list); default: this member itself"),
        new Key("aeron-endpoint", null, "host:port of this member's UDP ingest endpoint; default: host and port + 10000"),
        new Key("aeron-dir", null, "the embedded media driver's directory; default: /dev/shm/canopy-node-PORT"),
        new Key("journal", ".canopy/fleet/journal", "global role: the coordinator's journal directory (round ledger,"
            + " privacy ledger, checkpoints); a shared mount when global members run on several hosts"),
        new Key("client-port", null, "the client gateway's HTTP port on host: swarms, leaf gateways and ./canopy status"
            + " connect here, never as cluster members; default: port + 1000; 0 turns it off"),
        new Key("tls", null, "a member directory made by ./canopy fleet-ca (member.p12, fleet-ca.p12, password): members"
            + " then speak TLS 1.3 with mutual authentication and accept only peers the fleet CA signed, and the client"
            + " gateway serves HTTPS to clients holding a certificate the fleet CA signed (--tls); with the directory's"
            + " link.p12, every aggregate between tiers is signed with this member's own key and checked against the"
            + " routing table's host of its sender; default: plain TCP and HTTP"),
        new Key("link-key", null, "a fleet-wide link key file (64 hex digits; ./canopy fleet-ca writes DIR/ca/link.key),"
            + " for fleets without member link keys: aggregates between tiers carry an HMAC-SHA256 tag under it and"
            + " untagged or forged ones are refused, but any holder can tag for any aggregator; the same file on every"
            + " member; default: the tls directory's link.p12 (member keys) when there is one, else its link.key, else off"),
        new Key("data-mtu", "0", "the UDP MTU of the data plane in bytes (Aeron's largest datagram), a multiple of 32 in"
            + " 64..65504; 0 chooses per peer: 65504 to a loopback endpoint, 8192 to any other host (one packet on a"
            + " jumbo-frame LAN; set 1408 where the path MTU is 1500); docs/data-plane.md"),
        new Key("metrics-port", "0", "the Prometheus scrape port (GET /metrics on host); 0 turns it off, -1 picks a"
            + " free port; members on one host each need their own"),
        new Key("down-after", "20s", "the split brain resolver (keep-majority) downs the unreachable side after the"
            + " membership has been stable this long"),
        new Key("heartbeat-pause", "3s", "how long a member may miss heartbeats before it is marked unreachable (raise"
            + " it on overloaded hosts, or keep-majority may down healthy members)"),
        new Key("min-members", "1", "members that must be up before the fleet starts work (the first round opens)"),
        new Key("leaves", "6000", "fleet: leaves (a multiple of cluster-size x clusters-per-continent); same on every member"),
        new Key("cluster-size", "1000", "fleet: leaves per cluster"),
        new Key("clusters-per-continent", "3", "fleet: clusters per continental aggregator"),
        new Key("dim", "1000", "fleet: model dimension d"),
        new Key("seed", "42", "fleet: seed of the leaf assignment and the simulation noise"),
        new Key("leaf-signatures", "off", "cluster role: off (leaf frames are not authenticated) or required (every leaf"
            + " frame must carry a valid signature of a leaf enrolled in its cluster; needs enrollment)"),
        new Key("enrollment", null, "cluster role: the enrollment registry directory (./canopy enroll --out DIR): each"
            + " cluster's shard is loaded when this member starts hosting it; every shard is checked at start"),
        new Key("rounds", "3", "global role: rounds to run, the T the privacy target covers"),
        new Key("epsilon", "2", "global role: target epsilon of the published model over the rounds"),
        new Key("delta", "1e-5", "global role: target delta"),
        new Key("sampling-rate", "1", "global role: probability each leaf is invited per round"),
        new Key("krum-f", "0.25", "global role: share of a cluster's updates Multi-Krum assumes Byzantine"),
        new Key("beta", "0.1", "global role: trim fraction of the trimmed means at tiers 2 and 3"),
        new Key("noise", "secure", "global role: the DP noise: secure, fast (seeded; simulations only), or off (tests"
            + " comparing with one JVM; epsilon is then inf)"),
        new Key("fault-drop-data", "off", "test only: on drops every data-plane frame this member receives, as a cut"
            + " network would (the control plane keeps working)"),
        new Key("fault-crash-after-privacy", "0", "test only: global role: halt this process right after round N's"
            + " privacy entry is written, before its round record (0: never)"),
        new Key("fault-partition-file", null, "test only: once this file exists, drop every control-plane message to"
            + " and from the members it lists (host:port per line), as a network partition would; both sides stay up"),
        new Key("start-after", "0s", "global role: an extra wait before the coordinator opens its first round; none is"
            + " needed (default 0s): it opens once every cluster and continental member's shard region has registered,"
            + " and client gateways ask it for the open round every 250 ms, so none misses a round whose announcement"
            + " raced its subscription"),
        new Key("release", "auto", "global role: how the global update is released: auto (gated, or fixed when the"
            + " centre's own noise would shut the gate), gated (two-pass gated centred clipping, planned counts,"
            + " Multi-Krum as a detector only), fixed (DP-FedAvg's fixed-denominator mean) or multikrum"),
        new Key("over-selection", "1.3", "global role: invitations per update a cluster waits for (1 waits for all)"),
        new Key("cluster-deadline", "4s", "global role: a cluster's hard deadline (its soft deadline is half)"),
        new Key("upper-deadline", "30s", "global role: a continent's and the global tier's hard deadline (soft: half)"));

    /** Validates {@code config} into settings. */
    public static NodeSettings from(LayeredConfig config) throws UsageException {
        List<String> roleList = config.listValue("roles");
        if (roleList.isEmpty()) {
            throw new UsageException(config.where("roles") + " names no role; give cluster, continental and/or global");
        }
        for (String role : roleList) {
            if (!ROLES.contains(role)) {
                throw new UsageException(config.where("roles") + ": unknown role '" + role
                    + "'; the roles are cluster, continental, global");
            }
        }
        String host = config.get("host");
        if (host == null || host.isBlank() || host.contains(":")) {
            throw new UsageException(config.where("host") + " must be a host name or IPv4 address, got '" + host + "'");
        }
        int port = config.intValue("port", 1, 65_535);
        List<String> seeds = config.get("seed-nodes") == null ? List.of(host + ":" + port) : config.listValue("seed-nodes");
        for (String seed : seeds) {
            hostPort(config, "seed-nodes", seed);
        }
        String aeronHost = host;
        int aeronPort = port + 10_000;
        if (config.get("aeron-endpoint") != null) {
            String[] hp = hostPort(config, "aeron-endpoint", config.get("aeron-endpoint"));
            aeronHost = hp[0];
            aeronPort = Integer.parseInt(hp[1]);
        } else if (aeronPort > 65_535) {
            throw new UsageException(config.where("port") + " = " + port + " leaves no default aeron-endpoint port (port +"
                + " 10000 > 65535); set aeron-endpoint");
        }
        int clientPort = port + 1000;
        if (config.get("client-port") != null) {
            clientPort = config.intValue("client-port", 0, 65_535);
        } else if (clientPort > 65_535) {
            throw new UsageException(config.where("port") + " = " + port + " leaves no default client-port (port + 1000 >"
                + " 65535); set client-port");
        }
        Path aeronDir = config.get("aeron-dir") != null ? Path.of(config.get("aeron-dir"))
            : Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm", "canopy-node-" + port)
            : Path.of(System.getProperty("java.io.tmpdir"), "canopy-node-" + port);
        Duration downAfter = duration(config, "down-after");
        String noise = config.get("noise");
        if (!noise.equals("secure") && !noise.equals("fast") && !noise.equals("off")) {
            throw new UsageException(config.where("noise") + " must be secure, fast or off, got '" + noise + "'");
        }
        RoundDesign design;
        try {
            design = new RoundDesign(config.longValue("leaves", 1, 10_000_000), config.intValue("cluster-size", 3, 100_000),
                config.intValue("clusters-per-continent", 1, 100_000), config.intValue("dim", 1, 1_000_000),
                config.intValue("rounds", 1, 1_000_000), config.doubleValue("sampling-rate", 1e-9, 1), CodecId.FP32,
                config.doubleValue("epsilon", 1e-9, 1e9), config.doubleValue("delta", 1e-300, 0.999_999),
                config.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE), config.doubleValue("krum-f", 0, 0.499_999),
                config.doubleValue("beta", 0, 0.499_999), noise.equals("secure"), !noise.equals("off"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        NodeSettings settings = new NodeSettings(Set.copyOf(roleList), host, port, seeds, aeronHost, aeronPort,
            aeronDir, Path.of(config.get("journal")), config.intValue("metrics-port", -1, 65_535), downAfter, design,
            duration(config, "cluster-deadline"), duration(config, "upper-deadline"),
            config.intValue("min-members", 1, 10_000), config.doubleValue("over-selection", 1, 100),
            duration(config, "start-after", true), onOff(config, "fault-drop-data"),
            config.longValue("fault-crash-after-privacy", 0, Long.MAX_VALUE), duration(config, "heartbeat-pause"),
            clientPort, release(config), config.get("fault-partition-file") == null ? null
                : Path.of(config.get("fault-partition-file")), tls(config), links(config), memberLinks(config),
            leafSignatures(config, design), dataMtu(config));
        feasible(config, settings);
        return settings;
    }

    /** The member's TLS directory, checked now: a member that cannot speak TLS must not start in plain TCP. */
    private static Path tls(LayeredConfig config) throws UsageException {
        if (config.get("tls") == null) {
            return null;
        }
        Path dir = Path.of(config.get("tls"));
        for (String file : List.of("member.p12", "fleet-ca.p12", "password")) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new UsageException(config.where("tls") + " = " + dir + ": no " + file + " there; make the member's"
                    + " directory with ./canopy fleet-ca --out DIR --members NAME (or --add NAME)");
            }
        }
        return dir;
    }

    /** {@code data-mtu}: 0 (per peer) or what Aeron accepts, refused at start naming the key. */
    private static int dataMtu(LayeredConfig config) throws UsageException {
        int mtu = config.intValue("data-mtu", 0, io.canopy.transport.TransportContext.UDP_MTU_MAX_BYTES);
        if (mtu != 0 && (mtu < 64 || mtu % 32 != 0)) {
            throw new UsageException(config.where("data-mtu") + " must be a multiple of 32 in 64..65504, or 0 to choose"
                + " per peer, got " + mtu);
        }
        return mtu;
    }

    /**
     * The member's own link key and the fleet CA, read now so a member with a broken store never starts: the tls
     * directory's {@code link.p12} unless {@code link-key} names a fleet-wide key; null otherwise.
     */
    private static MemberLinkCertificates memberLinks(LayeredConfig config) throws UsageException {
        if (config.get("link-key") != null || config.get("tls") == null
            || !MemberLinkCertificates.present(Path.of(config.get("tls")))) {
            return null;
        }
        try {
            return MemberLinkCertificates.load(Path.of(config.get("tls")));
        } catch (IllegalArgumentException e) {
            throw new UsageException(config.where("tls") + " = " + config.get("tls") + ": " + e.getMessage());
        }
    }

    /**
     * The fleet-wide link key, read now so a member with a bad key file never starts: {@code link-key} when set, else
     * the tls directory's {@code link.key} when it has no member link key ({@code link.p12}), else off.
     */
    private static LinkAuthentication links(LayeredConfig config) throws UsageException {
        String where = config.get("link-key") != null ? config.where("link-key") : config.where("tls") + " (its link.key)";
        Path file = config.get("link-key") != null ? Path.of(config.get("link-key"))
            : config.get("tls") != null ? Path.of(config.get("tls")).resolve(FleetCertificates.LINK_KEY) : null;
        if (file == null || config.get("link-key") == null && (!Files.isRegularFile(file)
            || MemberLinkCertificates.present(Path.of(config.get("tls"))))) {
            return LinkAuthentication.off();
        }
        try {
            return LinkAuthentication.load(file);
        } catch (java.io.IOException e) {
            String why = String.valueOf(e.getMessage()); // the file's own errors name it: said once here
            String own = file + ": ";
            throw new UsageException(where + " = " + file + ": " + (why.startsWith(own) ? why.substring(own.length()) : why));
        }
    }

    /**
     * Leaf signatures, checked now: with {@code required}, every shard of the registry must be there and readable,
     * since any cluster may come to this member after a failover. Only the cluster role reads them; a member without it
     * takes the keys as given (the same config file serves every member).
     */
    private static LeafAuthentication leafSignatures(LayeredConfig config, RoundDesign design) throws UsageException {
        String mode = config.get("leaf-signatures");
        String dir = config.get("enrollment");
        if (!mode.equals("off") && !mode.equals("required")) {
            throw new UsageException(config.where("leaf-signatures") + " must be off or required, got '" + mode + "'");
        }
        if (mode.equals("off")) {
            if (dir != null) {
                throw new UsageException(config.where("enrollment") + " = " + dir + " is set but "
                    + config.where("leaf-signatures") + " = off: set leaf-signatures: required, or remove enrollment");
            }
            return LeafAuthentication.off();
        }
        if (dir == null) {
            throw new UsageException(config.where("leaf-signatures") + " = required needs enrollment: the registry"
                + " directory ./canopy enroll --out DIR wrote");
        }
        if (!config.listValue("roles").contains("cluster")) {
            return LeafAuthentication.off(); // no cluster tier here: nothing to verify
        }
        try {
            return LeafAuthentication.requiredWhereHosted(HostedEnrollment.open(Path.of(dir), design.layout()));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException(config.where("enrollment") + " = " + dir + ": no such directory; write the"
                + " registry with ./canopy enroll --out " + dir);
        } catch (java.io.IOException e) {
            throw new UsageException(config.where("enrollment") + " = " + dir + ": " + e.getMessage());
        }
    }

    /** The keys that shape the tree and its first round, for messages. */
    private static final List<String> SHAPE_KEYS = List.of("leaves", "cluster-size", "clusters-per-continent",
        "sampling-rate", "krum-f", "beta", "rounds", "epsilon", "delta", "release", "over-selection");

    /**
     * Plans the first round now, as the coordinator will when it starts: a shape that cannot form the tree (nine
     * leaves in clusters of three leave two updates per cluster at quorum, too few for Multi-Krum) once killed the
     * coordinator after the member had joined, leaving the process up with no coordinator. Refused here instead,
     * naming the keys and their values, on every member (the keys must be the same fleet-wide).
     */
    private static void feasible(LayeredConfig config, NodeSettings settings) throws UsageException {
        try {
            settings.firstRound();
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            StringBuilder shape = new StringBuilder();
            for (String key : SHAPE_KEYS) {
                shape.append(shape.isEmpty() ? "" : ", ").append(key).append('=').append(config.get(key))
                    .append(config.sourceOf(key) == LayeredConfig.Source.DEFAULT ? "" : " (" + config.where(key) + ")");
            }
            throw new UsageException("this fleet shape cannot form the tree: " + e.getMessage() + "; with " + shape
                + ". Raise cluster-size or sampling-rate, or lower krum-f");
        }
    }

    private static String[] hostPort(LayeredConfig config, String key, String value) throws UsageException {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new UsageException(config.where(key) + ": '" + value + "' is not host:port");
        }
        try {
            int p = Integer.parseInt(value.substring(colon + 1));
            if (p < 1 || p > 65_535) {
                throw new UsageException(config.where(key) + ": port " + p + " in '" + value + "' is not in 1..65535");
            }
        } catch (NumberFormatException e) {
            throw new UsageException(config.where(key) + ": '" + value + "' is not host:port");
        }
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }

    private static String release(LayeredConfig config) throws UsageException {
        String v = config.get("release");
        if (!RoundDesign.RELEASES.contains(v)) {
            throw new UsageException(config.where("release") + " must be one of auto, gated, fixed, multikrum; got '" + v + "'");
        }
        return v;
    }

    private static boolean onOff(LayeredConfig config, String key) throws UsageException {
        String v = config.get(key);
        if (!v.equals("on") && !v.equals("off")) {
            throw new UsageException(config.where(key) + " must be on or off, got '" + v + "'");
        }
        return v.equals("on");
    }

    /** The longest duration any setting takes: a week; longer is a typo (or overflows Pekko's millisecond fields). */
    static final Duration DURATION_MAX = Duration.ofDays(7);

    /** "20s", "500ms", "2m": positive (a zero or negative wait or deadline is never meant) and at most a week. */
    private static Duration duration(LayeredConfig config, String key) throws UsageException {
        return duration(config, key, false);
    }

    /** As {@link #duration(LayeredConfig, String)}; with {@code zeroAllowed} an optional extra wait may be 0 (none). */
    private static Duration duration(LayeredConfig config, String key, boolean zeroAllowed) throws UsageException {
        String v = config.get(key).trim();
        Duration d = null;
        try {
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // fall through to the error below
        }
        if (d == null) {
            throw new UsageException(config.where(key) + " must be a duration like 500ms, 20s or 2m, got '" + v + "'");
        }
        if (d.isNegative() || d.isZero() && !zeroAllowed) {
            throw new UsageException(config.where(key) + " must be " + (zeroAllowed ? "0s or " : "")
                + "a positive duration like 500ms, 20s or 2m, got '"
                + v + "'");
        }
        if (d.compareTo(DURATION_MAX) > 0) {
            throw new UsageException(config.where(key) + " must be at most 7 days, got '" + v + "'");
        }
        return d;
    }

    /** This member's UDP ingest endpoint, {@code host:port}. */
    public String aeronEndpoint() {
        return aeronHost + ":" + aeronPort;
    }

    /** The first round the global role runs: clusters and the tiers above on the wall clock. */
    public io.canopy.round.RoundPlan firstRound() {
        QuorumPolicy clusters = new QuorumPolicy(design.clusterSize(), RoundDesign.QUORUM, clusterDeadline.dividedBy(2),
            clusterDeadline, clusterDeadline.dividedBy(8), overSelection);
        QuorumPolicy upper = new QuorumPolicy(design.clustersPerContinent(), RoundDesign.QUORUM, upperDeadline.dividedBy(2),
            upperDeadline, upperDeadline.dividedBy(2), 1.0);
        io.canopy.round.RoundPlan first = design.firstRound(design.privacyPlan(), clusters, upper);
        return design.release(first, release);
    }

    /** This member's address as Pekko writes it. */
    public String address() {
        return "pekko://" + SYSTEM + "@" + host + ":" + port;
    }

    /** The Pekko configuration of this member: cluster provider, roles, seeds, keep-majority downing. */
    public Config pekkoConfig() {
        // TLS settings first: clusterConfig already falls back on the reference defaults (plain tcp).
        // Cluster entities aggregate on their own dispatcher, one thread a core, as in the embedded demo: Multi-Krum
        // never holds the default dispatcher that heartbeats, sharding and the singleton run on.
        return CanopyNode.actorSystemConfig(memberValues(), "canopy.node.actor-system",
            Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** This member's own values, before Canopy's defaults: TLS, cluster membership and the failure detector. */
    private Config memberValues() {
        return tlsConfig().withFallback(clusterConfig(host, port, seedNodes, roles, downAfter, minMembers)
            .withValue("pekko.cluster.failure-detector.acceptable-heartbeat-pause",
                ConfigValueFactory.fromAnyRef(heartbeatPause.toMillis() + "ms"))
            // Artery's blackhole (fault-partition-file) works only in its test mode: never on otherwise.
            .withValue("pekko.remote.artery.advanced.test-mode", ConfigValueFactory.fromAnyRef(faultPartitionFile != null)));
    }

    /** Artery over TLS 1.3 with mutual authentication when {@code tls} names a member directory; empty otherwise. */
    Config tlsConfig() {
        if (tls == null) {
            return ConfigFactory.empty();
        }
        String password;
        try {
            password = Files.readString(tls.resolve("password"), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("tls = " + tls + ": cannot read its password file (" + e.getMessage() + ")", e);
        }
        String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
        return ConfigFactory.empty()
            .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
            .withValue(engine + "key-store", ConfigValueFactory.fromAnyRef(tls.resolve("member.p12").toString()))
            .withValue(engine + "trust-store", ConfigValueFactory.fromAnyRef(tls.resolve("fleet-ca.p12").toString()))
            .withValue(engine + "key-store-password", ConfigValueFactory.fromAnyRef(password))
            .withValue(engine + "key-password", ConfigValueFactory.fromAnyRef(password))
            .withValue(engine + "trust-store-password", ConfigValueFactory.fromAnyRef(password))
            .withValue(engine + "protocol", ConfigValueFactory.fromAnyRef("TLSv1.3"))
            .withValue(engine + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true));
    }

    /**
     * A fleet member's own cluster values: address, roles, seeds ({@code host:port}), keep-majority downing after
     * {@code downAfter}, work starting once {@code minMembers} are up (the defaults come from
     * {@link CanopyNode#actorSystemConfig}).
     */
    public static Config clusterConfig(String host, int port, List<String> seedNodes, Set<String> roles,
                                       Duration downAfter, int minMembers) {
        List<String> seedAddresses = new ArrayList<>();
        for (String seed : seedNodes) {
            seedAddresses.add("pekko://" + SYSTEM + "@" + seed);
        }
        return ConfigFactory.empty()
            .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
            .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
            .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.copyOf(roles)))
            .withValue("pekko.cluster.min-nr-of-members", ConfigValueFactory.fromAnyRef(minMembers))
            .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedAddresses))
            .withValue("pekko.cluster.split-brain-resolver.stable-after",
                ConfigValueFactory.fromAnyRef(downAfter.toMillis() + "ms"))
            // Pekko downs every member when reachability keeps changing for stable-after + 3/4 of it; a busy host
            // whose resolver runs late looks like that after one clean failure. Three times stable-after still
            // stops a flapping fleet, without downing a healthy majority (seen with eight JVMs on two cores).
            .withValue("pekko.cluster.split-brain-resolver.down-all-when-unstable",
                ConfigValueFactory.fromAnyRef(3 * downAfter.toMillis() + "ms"));
    }
}
