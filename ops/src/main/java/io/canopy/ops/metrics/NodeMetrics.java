package io.canopy.ops.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Everything a node needs for metrics, in one object: a Prometheus registry with the JVM meters bound, the Canopy
 * meters, and the scrape endpoint (off when the port is 0). Create one at start, pass {@link #meters()} to the
 * tiers, print {@link #url()}, close at shutdown.
 */
public final class NodeMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final JvmMeters jvm;
    private final CanopyMeters meters;
    private final MetricsEndpoint endpoint;

    private NodeMetrics(final PrometheusMeterRegistry registry, final JvmMeters jvm, final CanopyMeters meters,
                        final MetricsEndpoint endpoint) {
        this.registry = registry;
        this.jvm = jvm;
        this.meters = meters;
        this.endpoint = endpoint;
    }

    /**
     * Builds the registry and meters and starts the endpoint.
     *
     * @param continents 0 for meters not split by continent, else the number of continents (see
     *                   {@link CanopyMeters#create(io.micrometer.core.instrument.MeterRegistry, int)})
     * @throws IllegalStateException if the endpoint cannot listen; nothing is left running then
     */
    public static NodeMetrics start(final MetricsSettings settings, final int continents) {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final JvmMeters jvm = new JvmMeters();
        try {
            jvm.bindTo(registry);
            final CanopyMeters meters = CanopyMeters.create(registry, continents);
            return new NodeMetrics(registry, jvm, meters,
                MetricsEndpoint.start(settings.host(), settings.port(), registry));
        } catch (final RuntimeException e) {
            jvm.close();
            registry.close();
            throw e;
        }
    }

    public CanopyMeters meters() {
        return meters;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public MetricsEndpoint endpoint() {
        return endpoint;
    }

    /** Where Prometheus scrapes this node, or {@code "off"}. */
    public String url() {
        return endpoint.url();
    }

    @Override
    public void close() {
        endpoint.close();
        jvm.close();
        registry.close();
    }
}
