package io.canopy.node;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.canopy.control.kryo.ControlCodec;
import io.canopy.round.ClusterReport;
import io.canopy.round.RoundPlan;

/**
 * A member's client-facing entry point: what a swarm, a leaf gateway or {@code ./canopy status} needs, over HTTP
 * (HTTPS on a member with {@code tls}, below) on {@code client-port}, so that no client ever joins the Pekko cluster
 * (a client that joined would count in membership, could become the leader that applies split-brain decisions, and
 * its heartbeats would load every member). Read-only: a client sends nothing the member decodes.
 *
 * <ul>
 *   <li>{@code GET /v1/round}: the plan of the round open now ({@link ControlCodec} body), 204 when none is;</li>
 *   <li>{@code GET /v1/routes}: {@code cluster ID HOST:PORT} per line, the data-plane endpoint each cluster is
 *       hosted at;</li>
 *   <li>{@code GET /v1/rounds/R/open}: the clusters whose ingest collects round R, comma-separated (asking is
 *       what makes the member find out: it asks the clusters, and again each second while clients ask);</li>
 *   <li>{@code GET /v1/rounds/R/reports}: the cluster reports of round R seen so far ({@link ControlCodec} body, one
 *       per cluster), and in {@code X-Canopy-Unreported} the clusters known to have passed round R without a report
 *       (asking is what makes the member fetch the reports its topic missed: it asks the clusters, at most each
 *       second while clients ask);</li>
 *   <li>{@code GET /v1/status}: the members and the coordinator's view, as {@code ./canopy status} prints it;</li>
 *   <li>{@code GET /v1/models/N}: model version N as the coordinator checkpointed it ({@code model-vNNNNNNNN.npy}
 *       from the journal directory), with its SHA-256 in {@code X-Canopy-SHA256} and as the ETag; immutable per
 *       version, so any cache may keep it; 404 when this member's journal directory does not hold it.</li>
 * </ul>
 * The state is written by {@link ClientGatewayActor} on the actor's thread and read by the HTTP threads.
 *
 * <p>On a member with {@code tls}, the gateway speaks HTTPS only (TLS 1.3, {@link io.canopy.node.tls.FleetTls}) and
 * requires a client certificate the fleet CA signed: a client without one, or with another CA's, fails the handshake
 * and reads nothing.
 */
public final class ClientGateway implements AutoCloseable {
    public static final String ROUND = "/v1/round";
    public static final String ROUTES = "/v1/routes";
    public static final String ROUNDS = "/v1/rounds/";
    public static final String STATUS = "/v1/status";
    public static final String MODELS = "/v1/models/";
    /** The response header carrying a checkpoint's SHA-256 (lower-case hex of the file's bytes). */
    public static final String SHA256_HEADER = "X-Canopy-SHA256";
    /** The response header listing, comma-separated, the clusters that passed a round without reporting it. */
    public static final String UNREPORTED_HEADER = "X-Canopy-Unreported";
    /** Rounds whose readiness and reports are kept (older ones are dropped). */
    static final int ROUNDS_KEPT = 4;

    /** One round as clients see it. Guarded by itself. */
    static final class RoundView {
        final BitSet open = new BitSet();
        final List<ClusterReport> reports = new ArrayList<>();
        /** Clusters whose report is in {@link #reports} (each is kept once, however it arrived). */
        final BitSet reported = new BitSet();
        /** Clusters that opened a later round without reporting this one. */
        final BitSet unreported = new BitSet();
    }

    private final RouteTable routes;
    private final int clusters;
    private final ConcurrentHashMap<Long, RoundView> rounds = new ConcurrentHashMap<>();
    private final ThreadLocal<ControlCodec> codec;
    private volatile RoundPlan plan;
    private volatile LongConsumer interest = r -> { };
    private volatile LongConsumer reportsInterest = r -> { };
    private volatile java.nio.file.Path checkpoints;
    /** Checkpoints served lately with their SHA-256: a version never changes, so every swarm gets the same bytes. */
    private final ConcurrentHashMap<Long, Checkpoint> served = new ConcurrentHashMap<>();

    private record Checkpoint(byte[] npy, String sha256) {
    }
    private volatile Supplier<StatusAnswer> status = () -> new StatusAnswer(false, "status not available yet\n");
    private HttpServer server;
    private ExecutorService executor;
    private boolean https;

    ClientGateway(RouteTable routes, int clusters) {
        this.routes = routes;
        this.clusters = clusters;
        ClassLoader loader = ClientGateway.class.getClassLoader();
        this.codec = ThreadLocal.withInitial(() -> ControlCodec.load(loader));
    }

    /** Starts listening on {@code host:port} (0 for any free port: tests); the port is taken or this throws. */
    ClientGateway start(String host, int port) {
        return start(host, port, null);
    }

    /**
     * Starts listening on {@code host:port}: plain HTTP when {@code tls} is null, else HTTPS with {@code tls}'s key
     * and a client certificate required, checked against {@code tls}'s trust (the fleet CA).
     */
    ClientGateway start(String host, int port, SSLContext tls) {
        try {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (tls == null) {
                server = HttpServer.create(address, 64);
            } else {
                HttpsServer secure = HttpsServer.create(address, 64);
                secure.setHttpsConfigurator(new HttpsConfigurator(tls) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters p = tls.getDefaultSSLParameters();
                        p.setProtocols(new String[] {io.canopy.node.tls.FleetTls.PROTOCOL});
                        p.setNeedClientAuth(true);
                        params.setSSLParameters(p);
                    }
                });
                server = secure;
                https = true;
            }
        } catch (BindException e) {
            throw new IllegalStateException("client-port=" + port + ": cannot listen on " + host + ":" + port + " ("
                + e.getMessage() + "); choose another port, or 0 to turn the client gateway off", e);
        } catch (IOException e) {
            throw new IllegalStateException("client-port=" + port + ": cannot start the client gateway (" + e + ")", e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "canopy-client-gateway");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        return this;
    }

    /** The port listened on. */
    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http} or {@code https}: what the gateway speaks. */
    String scheme() {
        return https ? "https" : "http";
    }

    /** Serves model checkpoints from {@code journal} (the coordinator's journal directory, shared by global members). */
    void checkpoints(java.nio.file.Path journal) {
        this.checkpoints = journal;
    }

    void onInterest(LongConsumer asked) {
        this.interest = asked;
    }

    /** Told the round whenever a client asks for its reports. */
    void onReportsInterest(LongConsumer asked) {
        this.reportsInterest = asked;
    }

    /** The status page: {@code complete} false (served as 503) when the coordinator did not answer in time. */
    record StatusAnswer(boolean complete, String text) {
    }

    void status(Supplier<StatusAnswer> describe) {
        this.status = describe;
    }

    /** A round opened (or the coordinator said it is open): newer plans replace older ones. */
    void roundOpened(RoundPlan opened) {
        RoundPlan current = plan;
        if (current == null || opened.roundId() > current.roundId()) {
            plan = opened;
            rounds.computeIfAbsent(opened.roundId(), r -> new RoundView());
            rounds.keySet().removeIf(r -> r <= opened.roundId() - ROUNDS_KEPT);
        }
    }

    RoundPlan plan() {
        return plan;
    }

    void clusterOpen(long round, int cluster) {
        RoundView view = rounds.get(round);
        if (view != null) {
            synchronized (view) {
                view.open.set(cluster);
            }
        }
    }

    /** Which of this round's clusters are known to collect it (a copy). */
    BitSet open(long round) {
        RoundView view = rounds.get(round);
        if (view == null) {
            return new BitSet();
        }
        synchronized (view) {
            return (BitSet) view.open.clone();
        }
    }

    /** A cluster's report of a followed round, kept once per cluster (the topic and an answer may both bring it). */
    void reported(ClusterReport report) {
        RoundView view = rounds.get(report.roundId());
        if (view != null && report.clusterId() >= 0 && report.clusterId() < clusters) {
            synchronized (view) {
                if (!view.reported.get(report.clusterId())) {
                    view.reported.set(report.clusterId());
                    view.unreported.clear(report.clusterId());
                    view.reports.add(report);
                }
            }
        }
    }

    /** {@code cluster} opened a later round without reporting {@code round}. */
    void unreported(long round, int cluster) {
        RoundView view = rounds.get(round);
        if (view != null && cluster >= 0 && cluster < clusters) {
            synchronized (view) {
                if (!view.reported.get(cluster)) {
                    view.unreported.set(cluster);
                }
            }
        }
    }

    /** The clusters whose report of {@code round} is settled: kept, or known never to come (a copy). */
    BitSet settled(long round) {
        RoundView view = rounds.get(round);
        if (view == null) {
            return new BitSet();
        }
        synchronized (view) {
            BitSet settled = (BitSet) view.reported.clone();
            settled.or(view.unreported);
            return settled;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, "text/plain; charset=utf-8", bytes("only GET is served here\n"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals(ROUND)) {
                RoundPlan p = plan;
                if (p == null) {
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    send(exchange, 200, ControlCodec.MEDIA_TYPE, codec.get().encodeAll(List.of(p)));
                }
            } else if (path.equals(ROUTES)) {
                StringBuilder text = new StringBuilder();
                for (int c = 0; c < clusters; c++) {
                    String endpoint = routes.clusterEndpoint(c);
                    if (endpoint != null) {
                        text.append("cluster ").append(c).append(' ').append(endpoint).append('\n');
                    }
                }
                send(exchange, 200, "text/plain; charset=utf-8", bytes(text.toString()));
            } else if (path.equals(STATUS)) {
                StatusAnswer answer = status.get();
                send(exchange, answer.complete() ? 200 : 503, "text/plain; charset=utf-8", bytes(answer.text()));
            } else if (path.startsWith(MODELS)) {
                model(exchange, path.substring(MODELS.length()));
            } else if (path.startsWith(ROUNDS)) {
                roundQuery(exchange, path.substring(ROUNDS.length()));
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", bytes("not found: " + path + " (see " + ROUND + ", "
                    + ROUTES + ", " + ROUNDS + "R/open, " + ROUNDS + "R/reports, " + STATUS + ", " + MODELS + "N)\n"));
            }
        } catch (RuntimeException e) {
            // A handler must answer: a client waiting on a dropped exchange would wait for its timeout.
            send(exchange, 500, "text/plain; charset=utf-8", bytes("internal error: " + e + "\n"));
        }
    }

    private void roundQuery(HttpExchange exchange, String rest) throws IOException {
        int slash = rest.indexOf('/');
        long round;
        try {
            round = Long.parseLong(slash < 0 ? rest : rest.substring(0, slash));
        } catch (NumberFormatException e) {
            send(exchange, 400, "text/plain; charset=utf-8", bytes("not a round id in " + ROUNDS + rest + "\n"));
            return;
        }
        String what = slash < 0 ? "" : rest.substring(slash + 1);
        if (what.equals("open")) {
            interest.accept(round);
            BitSet open = open(round);
            StringBuilder text = new StringBuilder();
            for (int c = open.nextSetBit(0); c >= 0; c = open.nextSetBit(c + 1)) {
                text.append(text.isEmpty() ? "" : ",").append(c);
            }
            send(exchange, 200, "text/plain; charset=utf-8", bytes(text.append('\n').toString()));
        } else if (what.equals("reports")) {
            reportsInterest.accept(round);
            RoundView view = rounds.get(round);
            List<ClusterReport> copy;
            BitSet unreported;
            if (view == null) {
                copy = List.of();
                unreported = new BitSet();
            } else {
                synchronized (view) {
                    copy = List.copyOf(view.reports);
                    unreported = (BitSet) view.unreported.clone();
                }
            }
            exchange.getResponseHeaders().set(UNREPORTED_HEADER, unreported.stream().mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(",")));
            send(exchange, 200, ControlCodec.MEDIA_TYPE, codec.get().encodeAll(copy));
        } else {
            send(exchange, 404, "text/plain; charset=utf-8", bytes("a round has /open and /reports, not '" + what + "'\n"));
        }
    }

    private void model(HttpExchange exchange, String rest) throws IOException {
        long version;
        try {
            version = Long.parseLong(rest);
        } catch (NumberFormatException e) {
            send(exchange, 400, "text/plain; charset=utf-8", bytes("not a model version in " + MODELS + rest + "\n"));
            return;
        }
        java.nio.file.Path dir = checkpoints;
        java.nio.file.Path file = dir == null || version < 0 ? null
            : dir.resolve(io.canopy.global.ledger.ModelCheckpoint.fileName(version));
        if (file == null || !java.nio.file.Files.isRegularFile(file)) {
            send(exchange, 404, "text/plain; charset=utf-8", bytes("model version " + version + " is not checkpointed"
                + (dir == null ? " on this member (it keeps no journal)" : " in " + dir) + "\n"));
            return;
        }
        // A checkpoint is written by an atomic rename and never rewritten: read and hashed once per version, however
        // many swarms ask for it.
        Checkpoint c = served.get(version);
        if (c == null) {
            byte[] body = java.nio.file.Files.readAllBytes(file);
            c = new Checkpoint(body, java.util.HexFormat.of().formatHex(sha256(body)));
            served.put(version, c);
            served.keySet().removeIf(v -> v <= version - ROUNDS_KEPT);
        }
        exchange.getResponseHeaders().set(SHA256_HEADER, c.sha256());
        exchange.getResponseHeaders().set("ETag", "\"sha256:" + c.sha256() + "\"");
        exchange.getResponseHeaders().set("Cache-Control", "public, max-age=31536000, immutable");
        send(exchange, 200, "application/octet-stream", c.npy());
    }

    /** SHA-256 of {@code bytes} (FIPS 180-4). */
    public static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
