package io.canopy.ops.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus scrape endpoint of a node: {@code GET /metrics} on the JDK's HTTP server, answering with the
 * registry in the Prometheus text format ({@value #CONTENT_TYPE}). {@code HEAD} gets the headers only; other
 * paths get 404, other methods 405. One daemon thread serves requests, so a slow scraper cannot take more.
 *
 * <p>Port {@value #PORT_OFF} turns the endpoint off ({@link #start} returns an endpoint that is not listening);
 * {@value #PORT_ANY} asks for any free port (tests), whose number {@link #port()} reports.
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** The port setting that turns the endpoint off. */
    public static final int PORT_OFF = 0;
    /** The port setting that listens on any free port. */
    public static final int PORT_ANY = -1;
    /** The path Prometheus scrapes. */
    public static final String PATH = "/metrics";
    /**
     * The Prometheus text exposition format, version 0.0.4 (the client library's
     * {@code PrometheusTextFormatWriter.CONTENT_TYPE}, which is only on the runtime class path).
     */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final MetricsEndpoint OFF = new MetricsEndpoint(null, null, null, PORT_OFF);

    private final HttpServer server;
    private final ExecutorService executor;
    private final String host;
    private final int port;

    private MetricsEndpoint(final HttpServer server, final ExecutorService executor, final String host,
                            final int port) {
        this.server = server;
        this.executor = executor;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts serving {@code registry} on {@code host:port}, or returns an endpoint that is off when {@code port} is
     * {@value #PORT_OFF}.
     *
     * @param host     the address to listen on ({@code 127.0.0.1}: this machine only; {@code 0.0.0.0}: all)
     * @param port     1-65535, {@value #PORT_ANY} for any free port, {@value #PORT_OFF} for off
     * @param registry what to serve
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws IllegalStateException    if the port cannot be listened on (taken, not permitted), naming host and port
     */
    public static MetricsEndpoint start(final String host, final int port, final PrometheusMeterRegistry registry) {
        if (port < PORT_ANY || port > 65_535) {
            throw new IllegalArgumentException("metrics-port=" + port + " is out of range: 1-65535 to listen there, "
                + PORT_OFF + " for off, " + PORT_ANY + " for any free port");
        }
        if (port == PORT_OFF) {
            return OFF;
        }
        final HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port == PORT_ANY ? 0 : port), 16);
        } catch (final BindException e) {
            throw new IllegalStateException("metrics-port=" + port + ": cannot listen on " + host + ":" + port
                + " (" + e.getMessage() + "); choose another port, or " + PORT_OFF + " to turn /metrics off", e);
        } catch (final IOException e) {
            throw new IllegalStateException("metrics-port=" + port + ": cannot start /metrics on " + host + ":" + port
                + " (" + e + ")", e);
        }
        final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "canopy-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", exchange -> handle(exchange, registry));
        server.setExecutor(executor);
        server.start();
        return new MetricsEndpoint(server, executor, host, server.getAddress().getPort());
    }

    /** Whether the endpoint is listening. */
    public boolean enabled() {
        return server != null;
    }

    /** The port listened on; {@value #PORT_OFF} when off. */
    public int port() {
        return port;
    }

    /** {@code http://host:port/metrics}, or {@code "off"} when off: what a node prints at start. */
    public String url() {
        return enabled() ? "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + PATH : "off";
    }

    /** Stops listening at once and ends the serving thread; the port is free when this returns. Idempotent. */
    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private static void handle(final HttpExchange exchange, final PrometheusMeterRegistry registry)
        throws IOException {
        try (exchange) {
            final String method = exchange.getRequestMethod();
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                plain(exchange, 404, "Not found: this endpoint serves " + PATH + "\n");
                return;
            }
            final boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                plain(exchange, 405, "Method not allowed: " + method + "\n");
                return;
            }
            final byte[] body = registry.scrape(CONTENT_TYPE).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (head) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void plain(final HttpExchange exchange, final int status, final String text) throws IOException {
        final byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
