package io.canopy.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.canopy.control.kryo.ControlCodec;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.UsageException;
import io.canopy.round.ClusterReport;
import io.canopy.round.RoundPlan;

/**
 * A client of the fleet (a swarm, {@code ./canopy status}): it reads the members' {@link ClientGateway}s over HTTP
 * and never joins the Pekko cluster, so any number of clients leave membership, leadership and split-brain
 * decisions alone. Several gateways may be given; a request that cannot reach one tries the next. With {@code --tls}
 * it speaks HTTPS and presents its certificate (a fleet whose members run with {@code tls} serves nothing else).
 */
public final class FleetClient {

    /** {@code --connect}: the gateways to ask. */
    public static List<Spec> specs() {
        return List.of(Spec.value("connect", "HOST:PORT[,HOST:PORT...]", "the client gateway of one or more fleet members"
            + " (their client-port, by default the Pekko port + 1000); tried in turn (required)"),
            Spec.value("tls", "DIR/NAME", "a certificate directory made by ./canopy fleet-ca --client NAME (or a member's):"
                + " speak HTTPS to gateways of a fleet whose members run with tls, presenting this certificate; default:"
                + " plain HTTP"));
    }

    /** Reads and checks {@code --connect}. */
    public static FleetClient from(Options o) throws UsageException {
        List<String> gateways = new ArrayList<>();
        for (String g : o.require("connect").split(",")) {
            String gateway = g.trim();
            if (!gateway.matches("[^:/]+:\\d{1,5}") || Integer.parseInt(gateway.substring(gateway.lastIndexOf(':') + 1)) > 65_535) {
                throw new UsageException("--connect must be HOST:PORT (comma-separated for several), got '" + g + "'");
            }
            gateways.add(gateway);
        }
        SSLContext tls = null;
        if (o.has("tls")) {
            try {
                tls = io.canopy.node.tls.FleetTls.context(java.nio.file.Path.of(o.get("tls")));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--tls " + e.getMessage());
            }
        }
        return new FleetClient(gateways, Duration.ofSeconds(5), tls);
    }

    /**
     * Every gateway refused this client at the TLS layer (no certificate where one is required, another fleet's CA, a
     * certificate not issued for its use, plain HTTP against HTTPS): asking again will not help, so callers stop and
     * say so. Failures a dying or busy member also causes (a reset, a handshake cut short, a timeout) are not this.
     */
    public static final class Refused extends IOException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final List<String> gateways;
    private final Duration timeout;
    private final HttpClient http;
    private final boolean tls;
    private final ControlCodec codec = ControlCodec.load(FleetClient.class.getClassLoader());
    private int current;

    /** A client over plain HTTP. */
    public FleetClient(List<String> gateways, Duration timeout) {
        this(gateways, timeout, null);
    }

    /** A client over HTTPS presenting {@code tls}'s certificate ({@link io.canopy.node.tls.FleetTls}), or plain HTTP if null. */
    public FleetClient(List<String> gateways, Duration timeout, SSLContext tls) {
        this.gateways = List.copyOf(gateways);
        this.timeout = timeout;
        this.tls = tls != null;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        this.http = (tls == null ? builder : builder.sslContext(tls)).build();
    }

    /** The gateways, as given. */
    public List<String> gateways() {
        return gateways;
    }

    /** The round open now, if any. */
    public synchronized Optional<RoundPlan> round() throws IOException {
        HttpResponse<byte[]> r = get(ClientGateway.ROUND);
        if (r.statusCode() == 204) {
            return Optional.empty();
        }
        return Optional.of((RoundPlan) decodeAll(r).getFirst());
    }

    /** The data-plane endpoint of each cluster the fleet has a route for (null where none yet). */
    public synchronized String[] routes(int clusters) throws IOException {
        String[] endpoints = new String[clusters];
        for (String line : text(get(ClientGateway.ROUTES)).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3 && f[0].equals("cluster")) {
                int c = Integer.parseInt(f[1]);
                if (c >= 0 && c < clusters) {
                    endpoints[c] = f[2];
                }
            }
        }
        return endpoints;
    }

    /** The clusters known to collect {@code round}. */
    public synchronized BitSet open(long round) throws IOException {
        BitSet open = new BitSet();
        String body = text(get(ClientGateway.ROUNDS + round + "/open")).trim();
        if (!body.isEmpty()) {
            for (String c : body.split(",")) {
                open.set(Integer.parseInt(c));
            }
        }
        return open;
    }

    /**
     * What a gateway knows of a round's reports: those it holds (one per cluster), and the clusters that passed the
     * round without reporting it (a report that will never come).
     */
    public record RoundReports(List<ClusterReport> reports, BitSet unreported) {
        /** Clusters whose report is settled: held, or known never to come. */
        public int settled() {
            BitSet all = (BitSet) unreported.clone();
            reports.forEach(r -> all.set(r.clusterId()));
            return all.cardinality();
        }
    }

    /** The cluster reports of {@code round} the gateway has, and the clusters it knows passed it without one. */
    public synchronized RoundReports reports(long round) throws IOException {
        HttpResponse<byte[]> r = get(ClientGateway.ROUNDS + round + "/reports");
        List<ClusterReport> reports = new ArrayList<>();
        for (Object o : decodeAll(r)) {
            reports.add((ClusterReport) o);
        }
        BitSet unreported = new BitSet();
        for (String c : r.headers().firstValue(ClientGateway.UNREPORTED_HEADER).orElse("").split(",")) {
            if (!c.isBlank()) {
                try {
                    unreported.set(Integer.parseInt(c.strip()));
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw new IOException(r.uri() + ": " + ClientGateway.UNREPORTED_HEADER + " names '" + c + "', not a cluster id");
                }
            }
        }
        return new RoundReports(reports, unreported);
    }

    /** The status page and whether the coordinator answered (HTTP 200) or not (503). */
    public synchronized Status status() throws IOException {
        HttpResponse<byte[]> r = get(ClientGateway.STATUS);
        return new Status(r.statusCode() == 200, new String(r.body(), StandardCharsets.UTF_8));
    }

    /**
     * Model version {@code version}: the checkpoint's bytes from the first gateway that holds it, refused unless their
     * SHA-256 is the one the gateway states (a torn or altered transfer never reaches a leaf).
     */
    public synchronized Model model(long version) throws IOException {
        HttpResponse<byte[]> r = get(ClientGateway.MODELS + version);
        if (r.statusCode() != 200) {
            throw new IOException(r.uri() + " answered HTTP " + r.statusCode() + " for model version " + version);
        }
        String stated = r.headers().firstValue(ClientGateway.SHA256_HEADER).orElseThrow(() -> new IOException(r.uri()
            + " sent model version " + version + " without its " + ClientGateway.SHA256_HEADER + " header"));
        String actual = java.util.HexFormat.of().formatHex(ClientGateway.sha256(r.body()));
        if (!actual.equals(stated)) {
            throw new IOException(r.uri() + ": model version " + version + " has SHA-256 " + actual + ", the gateway stated "
                + stated);
        }
        return new Model(version, r.body(), actual);
    }

    /** A model checkpoint as fetched: its {@code .npy} bytes and their SHA-256 (hex). */
    public record Model(long version, byte[] npy, String sha256) {
    }

    /** What {@code GET /v1/status} answered. */
    public record Status(boolean complete, String text) {
    }

    private List<Object> decodeAll(HttpResponse<byte[]> r) throws IOException {
        try {
            return codec.decodeAll(r.body());
        } catch (IllegalArgumentException e) {
            throw new IOException(r.uri() + " answered a body this client cannot read: " + e.getMessage(), e);
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /**
     * GETs {@code path} from the current gateway, moving on to the next on a connection failure; {@link Refused} when
     * every gateway refused this client at the TLS layer.
     */
    private HttpResponse<byte[]> get(String path) throws IOException {
        IOException last = null;
        int refused = 0;
        for (int tried = 0; tried < gateways.size(); tried++) {
            String gateway = gateways.get(current);
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create((tls ? "https://" : "http://") + gateway + path))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200 && r.statusCode() != 204 && r.statusCode() != 503) {
                    throw new IOException(gateway + path + " answered HTTP " + r.statusCode() + ": "
                        + text(r).strip());
                }
                return r;
            } catch (IOException e) {
                String why = refusal(gateway, e);
                if (why != null) {
                    refused++;
                    last = new Refused(why, e);
                } else if (tls && closedAfterHandshake(e)) {
                    // Under TLS 1.3 a server checks the client's certificate after the client has finished its side of
                    // the handshake: a refusal reaches the client as the alert or, as often, as the connection closed
                    // under its first request. A dying member looks the same, so this is asked again, with the hint.
                    last = new IOException(gateway + ": the connection closed after the TLS handshake (a gateway that refuses"
                        + " this client's certificate closes it so: is --tls a certificate of this fleet?)", e);
                } else if (tls && e instanceof java.net.http.HttpConnectTimeoutException) {
                    // A plain HTTP server waits for a request line and never answers a TLS ClientHello: the handshake,
                    // part of connecting, times out. Said as a likely cause only: a slow network looks the same.
                    last = new IOException(gateway + ": no TLS handshake within the connect timeout (a busy member, or one"
                        + " running without tls, whose gateway speaks plain HTTP: then drop --tls)", e);
                } else {
                    last = e;
                }
                current = (current + 1) % gateways.size();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking " + gateway + path, e);
            }
        }
        if (refused == gateways.size()) {
            throw new Refused(gateways.size() == 1 ? last.getMessage() : "every client gateway refused this client ("
                + String.join(", ", gateways) + "), the last: " + last.getMessage(), last);
        }
        throw new IOException("no client gateway answered (" + String.join(", ", gateways) + "): " + last, last);
    }

    private static boolean closedAfterHandshake(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("received no bytes") || m.contains("Connection reset")) {
                return true;
            }
        }
        return false;
    }

    /** Why {@code gateway} refused this client at the TLS layer, in one line, or null for any other failure. */
    private String refusal(String gateway, IOException e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof SSLException)) {
            cause = cause.getCause();
        }
        String why = cause == null ? "" : String.valueOf(cause.getMessage());
        if (tls && (why.contains("certificate") || why.contains("fatal alert"))) {
            return gateway + ": TLS handshake failed (" + cause.getMessage() + "): this client's certificate (--tls) and"
                + " the gateway's must both be signed by the fleet's CA, and the member must run with tls";
        }
        String message = String.valueOf(e.getMessage());
        if (!tls && message.contains("parsing HTTP/1.1 status line")) {
            // Our gateway always answers in HTTP: bytes that are not a status line come from a server that does not
            // speak plain HTTP, such as the JDK's HTTPS server given a plain request (ClientGatewayTest).
            return gateway + " did not answer plain HTTP in HTTP: a member running with tls serves HTTPS only, to clients"
                + " with a certificate of its fleet; give --tls DIR/NAME (./canopy fleet-ca --client NAME)";
        }
        return null;
    }
}
