package io.canopy.ops.metrics;

import java.util.List;

import io.canopy.ops.cli.UsageException;
import io.canopy.ops.config.LayeredConfig;

/**
 * The metrics settings of a node or of {@code ./canopy demo}, as {@link LayeredConfig} keys a command adds to its
 * own: {@code metrics-port} ({@code CANOPY_METRICS_PORT}, {@code --metrics-port}) and {@code metrics-host}.
 *
 * @param host where {@code /metrics} listens
 * @param port 1-65535; {@value MetricsEndpoint#PORT_OFF} off; {@value MetricsEndpoint#PORT_ANY} any free port
 */
public record MetricsSettings(String host, int port) {

    /** Default scrape port of a node; a fleet on one host gives each node its own (see ops/prometheus). */
    public static final int PORT_DEFAULT = 9400;
    /** Default listen address: this machine only. A fleet scraped from another host sets {@code 0.0.0.0}. */
    public static final String HOST_DEFAULT = "127.0.0.1";

    public static final LayeredConfig.Key PORT = new LayeredConfig.Key("metrics-port", Integer.toString(PORT_DEFAULT),
        "Port of the Prometheus scrape endpoint GET /metrics; 0 turns it off, -1 picks any free port");
    public static final LayeredConfig.Key HOST = new LayeredConfig.Key("metrics-host", HOST_DEFAULT,
        "Address /metrics listens on: 127.0.0.1 for this machine only, 0.0.0.0 for every interface");

    /** Both keys, to append to a command's declared keys. */
    public static final List<LayeredConfig.Key> KEYS = List.of(PORT, HOST);

    /** Reads both keys; the error names the key and where its value came from. */
    public static MetricsSettings from(final LayeredConfig config) throws UsageException {
        return new MetricsSettings(config.get(HOST.name()),
            config.intValue(PORT.name(), MetricsEndpoint.PORT_ANY, 65_535));
    }
}
