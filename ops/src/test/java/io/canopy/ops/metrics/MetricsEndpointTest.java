package io.canopy.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.canopy.ops.cli.UsageException;
import io.canopy.ops.config.LayeredConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    @Test
    void port_zero_means_off_and_nothing_listens() {
        final long threadsBefore = metricsThreads();
        try (MetricsEndpoint off = MetricsEndpoint.start("127.0.0.1", 0, registry)) {
            assertFalse(off.enabled());
            assertEquals(0, off.port());
            assertEquals("off", off.url());
            assertEquals(threadsBefore, metricsThreads());
        }
    }

    @Test
    void any_free_port_is_reported_back_and_serves_metrics() throws Exception {
        try (MetricsEndpoint on = MetricsEndpoint.start("127.0.0.1", MetricsEndpoint.PORT_ANY, registry)) {
            assertTrue(on.enabled());
            assertTrue(on.port() > 0 && on.port() <= 65_535, "port " + on.port());
            assertEquals("http://127.0.0.1:" + on.port() + "/metrics", on.url());
            assertEquals(200, Http.get(on.url()).statusCode());
        }
    }

    @Test
    void a_second_endpoint_on_a_taken_port_fails_naming_the_port() {
        try (MetricsEndpoint first = MetricsEndpoint.start("127.0.0.1", MetricsEndpoint.PORT_ANY, registry)) {
            final int port = first.port();
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MetricsEndpoint.start("127.0.0.1", port, registry));
            assertTrue(e.getMessage().startsWith("metrics-port=" + port + ": cannot listen on 127.0.0.1:" + port + " ("),
                e.getMessage());
            assertTrue(e.getMessage().endsWith("choose another port, or 0 to turn /metrics off"), e.getMessage());
        }
    }

    @Test
    void a_port_out_of_range_is_refused_with_the_setting_in_the_message() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MetricsEndpoint.start("127.0.0.1", 65_536, registry));
        assertEquals("metrics-port=65536 is out of range: 1-65535 to listen there, 0 for off, -1 for any free port",
            e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MetricsEndpoint.start("127.0.0.1", -2, registry));
    }

    @Test
    void other_paths_get_404_and_other_methods_405() throws Exception {
        try (MetricsEndpoint on = MetricsEndpoint.start("127.0.0.1", MetricsEndpoint.PORT_ANY, registry)) {
            final String base = "http://127.0.0.1:" + on.port();
            assertEquals(404, Http.get(base + "/").statusCode());
            assertEquals(404, Http.get(base + "/metrics/extra").statusCode());
            final HttpResponse<String> post = Http.send("POST", on.url());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
            final HttpResponse<String> head = Http.send("HEAD", on.url());
            assertEquals(200, head.statusCode());
            assertEquals(MetricsEndpoint.CONTENT_TYPE, head.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("", head.body());
        }
    }

    @Test
    void close_frees_the_port_and_stops_the_serving_thread() throws Exception {
        final MetricsEndpoint on = MetricsEndpoint.start("127.0.0.1", MetricsEndpoint.PORT_ANY, registry);
        final int port = on.port();
        assertEquals(200, Http.get(on.url()).statusCode());
        on.close();
        on.close();
        assertThrows(ConnectException.class, () -> Http.get("http://127.0.0.1:" + port + "/metrics"));
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metricsThreads() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, metricsThreads());
    }

    @Test
    void node_metrics_bind_jvm_meters_serve_them_and_report_the_url() throws Exception {
        try (NodeMetrics node = NodeMetrics.start(new MetricsSettings("127.0.0.1", MetricsEndpoint.PORT_ANY), 0)) {
            assertEquals("http://127.0.0.1:" + node.endpoint().port() + "/metrics", node.url());
            node.meters().forTier(Tier.GLOBAL).roundOpened(3);
            final String body = Http.get(node.url()).body();
            assertTrue(body.contains("\ncanopy_round_open{continent=\"all\",tier=\"global\"} 3.0\n"), body);
            assertTrue(body.contains("\njvm_threads_live_threads "), body);
        }
        try (NodeMetrics off = NodeMetrics.start(new MetricsSettings("127.0.0.1", 0), 0)) {
            assertEquals("off", off.url());
        }
    }

    @Test
    void settings_come_from_the_layered_config_and_bad_ports_name_their_source() throws Exception {
        final List<LayeredConfig.Key> keys = MetricsSettings.KEYS;
        assertEquals(new MetricsSettings("127.0.0.1", 9400),
            MetricsSettings.from(LayeredConfig.resolve(keys, null, Map.of(), Map.of())));
        assertEquals(new MetricsSettings("0.0.0.0", 0), MetricsSettings.from(LayeredConfig.resolve(keys, null,
            Map.of("CANOPY_METRICS_PORT", "0"), Map.of("metrics-host", "0.0.0.0"))));
        final UsageException e = assertThrows(UsageException.class, () -> MetricsSettings.from(
            LayeredConfig.resolve(keys, null, Map.of(), Map.of("metrics-port", "70000"))));
        assertEquals("--metrics-port must be in -1..65535, got 70000", e.getMessage());
    }

    private static long metricsThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("canopy-metrics-http") && t.isAlive()).count();
    }
}
