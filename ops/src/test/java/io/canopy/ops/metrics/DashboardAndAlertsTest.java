package io.canopy.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.canopy.ops.plan.MiniJson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Grafana dashboard and the Prometheus rules query only what the code emits: every metric name in every
 * PromQL expression is a series of the catalogue (or of the JVM binders, checked against a real scrape), and every
 * tier, outcome and reason value is one the meters carry.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardAndAlertsTest {

    private static final Path DASHBOARD = Path.of("grafana", "canopy.json");
    private static final Path ALERTS = Path.of("prometheus", "canopy-alerts.yml");
    private static final Path PROMETHEUS = Path.of("prometheus", "prometheus.yml");
    private static final Path GUIDE = Path.of("METRICS.md");

    private static final List<String> REQUIRED_PANELS = List.of("Round progress per tier", "Participation",
        "Quorum outcomes", "Rejections by reason", "Krum detections", "ε budget burn-down", "Throughput (updates/s)",
        "Round latency percentiles");
    private static final List<String> REQUIRED_ALERTS = List.of("CanopyQuorumFailureRateHigh",
        "CanopyEpsilonBudgetNearLimit", "CanopyTierNotClosingRounds");

    @Test
    void the_checker_catches_a_misspelt_name_a_missing_suffix_and_a_wrong_tag_value() {
        assertEquals(List.of(), PromQlNames.problems(
            "sum by (tier) (rate(canopy_quorum_outcomes_total{outcome=\"failed_no_quorum\", tier=\"cluster\"}[5m]))"));
        assertEquals(List.of("'canopy_frames_recieved_total' is not a series Canopy emits"),
            PromQlNames.problems("rate(canopy_frames_recieved_total[5m])"));
        assertEquals(List.of("'canopy_quorum_outcomes' is not a series Canopy emits"),
            PromQlNames.problems("rate(canopy_quorum_outcomes[5m])"));
        assertEquals(List.of("'canopy_round_duration_bucket' is not a series Canopy emits"),
            PromQlNames.problems("rate(canopy_round_duration_bucket[5m])"));
        assertEquals(List.of("outcome=\"failed\" is not a value Canopy emits",
            "tier=\"leaf\" is not a value Canopy emits"),
            PromQlNames.problems("canopy_quorum_outcomes_total{outcome=\"failed\",tier=\"leaf\"}"));
    }

    @Test
    void the_dashboard_is_an_importable_grafana_dashboard_with_a_prometheus_input() throws IOException {
        final Object d = MiniJson.parse(read(DASHBOARD));
        assertEquals(39.0, MiniJson.at(d, "schemaVersion"));
        assertEquals("DS_PROMETHEUS", MiniJson.at(d, "__inputs", 0, "name"));
        assertEquals("prometheus", MiniJson.at(d, "__inputs", 0, "pluginId"));
        assertEquals("canopy-overview", MiniJson.at(d, "uid"));
        final Set<Double> ids = new TreeSet<>();
        for (final Map<String, Object> panel : panels(d)) {
            assertTrue(ids.add((Double) panel.get("id")), "duplicate panel id " + panel.get("id"));
            if (!"row".equals(panel.get("type"))) {
                assertEquals("${DS_PROMETHEUS}", MiniJson.at(panel, "datasource", "uid"), (String) panel.get("title"));
                for (final Object target : (List<?>) panel.get("targets")) {
                    assertEquals("${DS_PROMETHEUS}", MiniJson.at(target, "datasource", "uid"));
                }
            }
        }
    }

    @Test
    void the_dashboard_has_every_required_panel_each_with_a_query() throws IOException {
        final Map<String, List<String>> byTitle = new LinkedHashMap<>();
        for (final Map<String, Object> panel : panels(MiniJson.parse(read(DASHBOARD)))) {
            if (!"row".equals(panel.get("type"))) {
                final List<String> exprs = new ArrayList<>();
                for (final Object target : (List<?>) panel.get("targets")) {
                    exprs.add((String) MiniJson.at(target, "expr"));
                }
                byTitle.put((String) panel.get("title"), exprs);
            }
        }
        for (final String title : REQUIRED_PANELS) {
            assertTrue(byTitle.containsKey(title), "no panel '" + title + "' in " + byTitle.keySet());
            assertFalse(byTitle.get(title).isEmpty(), title + " has no query");
        }
        assertTrue(byTitle.get("Round latency percentiles").stream()
            .allMatch(e -> e.startsWith("histogram_quantile(") && e.contains("canopy_round_duration_seconds_bucket")));
    }

    @Test
    void every_dashboard_query_names_only_series_the_code_emits() throws IOException {
        final List<String> exprs = dashboardExprs();
        assertTrue(exprs.size() >= 20, "only " + exprs.size() + " queries found");
        assertNoProblems(exprs);
        final Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(PromQlNames.canopyNames(e)));
        // The dashboard covers the meters the issue asks to see, not just some of them.
        for (final String name : List.of("canopy_round_open", "canopy_quorum_outcomes_total",
            "canopy_round_participation_sum", "canopy_frames_rejected_total", "canopy_inputs_rejected_total",
            "canopy_krum_rejected_total", "canopy_privacy_epsilon_spent", "canopy_privacy_epsilon_budget",
            "canopy_frames_accepted_total", "canopy_round_duration_seconds_bucket", "canopy_traffic_in_bytes_total",
            "canopy_aeron_offers_failed_total", "canopy_aeron_publication_position")) {
            assertTrue(used.contains(name), name + " is on no panel");
        }
    }

    @Test
    void every_alert_expression_names_only_series_the_code_emits() throws IOException {
        final Map<String, String> alerts = alertExprs(read(ALERTS));
        assertTrue(alerts.keySet().containsAll(REQUIRED_ALERTS), "alerts: " + alerts.keySet());
        assertNoProblems(List.copyOf(alerts.values()));
        assertTrue(alerts.get("CanopyEpsilonBudgetNearLimit").contains("canopy_privacy_epsilon_budget"));
        assertTrue(alerts.get("CanopyQuorumFailureRateHigh").contains("outcome=\"failed_no_quorum\""));
        assertTrue(alerts.get("CanopyTierNotClosingRounds").contains("canopy_round_last_closed"));
    }

    @Test
    void every_alert_has_a_duration_a_severity_and_a_summary() throws IOException {
        final String[] rules = read(ALERTS).split("\n\\s*- alert: ");
        assertEquals(alertExprs(read(ALERTS)).size(), rules.length - 1);
        for (int i = 1; i < rules.length; i++) {
            final String name = rules[i].lines().findFirst().orElseThrow();
            assertTrue(rules[i].matches("(?s).*\n\\s+for: \\d+[smh]\n.*"), name + " has no 'for:'");
            assertTrue(rules[i].matches("(?s).*\n\\s+severity: (warning|critical)\n.*"), name + " has no severity");
            assertTrue(rules[i].contains("summary: "), name + " has no summary");
        }
    }

    @Test
    void prometheus_scrapes_the_fleet_and_the_demo_at_metrics_and_loads_the_rules() throws IOException {
        final String config = read(PROMETHEUS);
        assertTrue(config.contains("\n  - canopy-alerts.yml\n"), "rule file not loaded");
        assertEquals(2, config.lines().filter(l -> l.trim().equals("metrics_path: /metrics")).count());
        final Matcher targets = Pattern.compile("\"127\\.0\\.0\\.1:(\\d+)\"").matcher(config);
        final Set<String> ports = new TreeSet<>();
        while (targets.find()) {
            ports.add(targets.group(1));
        }
        assertEquals(Set.of("9400", "9401", "9402", "9403", "9404", "9405", "9406"), ports);
    }

    @Test
    void jvm_meters_the_dashboard_uses_are_in_a_real_scrape() throws IOException, InterruptedException {
        final Set<String> wanted = new TreeSet<>();
        dashboardExprs().forEach(e -> wanted.addAll(PromQlNames.otherNames(e)));
        assertFalse(wanted.isEmpty());
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (JvmMeters jvm = new JvmMeters()) {
            jvm.bindTo(registry);
            // GC pause meters appear with the first collection the GC listener hears of.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Set<String> missing;
            do {
                System.gc();
                final Set<String> scraped = new TreeSet<>();
                registry.scrape().lines().filter(l -> !l.startsWith("#")).forEach(l -> scraped.add(l.split("[{ ]")[0]));
                missing = new TreeSet<>(wanted);
                missing.removeAll(scraped);
                if (!missing.isEmpty()) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            } while (!missing.isEmpty() && System.nanoTime() < deadline);
            assertEquals(Set.of(), missing);
        } finally {
            registry.close();
        }
    }

    @Test
    void the_guide_documents_every_meter_and_every_alert() throws IOException {
        final String guide = read(GUIDE);
        for (final MeterDef d : MeterCatalogue.all()) {
            assertTrue(guide.contains("| `" + d.name() + "` |"), d.name() + " has no row in METRICS.md");
            assertTrue(guide.contains("`" + d.prometheusName()), d.prometheusName() + " not in METRICS.md");
        }
        for (final String alert : alertExprs(read(ALERTS)).keySet()) {
            assertTrue(guide.contains("| `" + alert + "` |"), alert + " has no row in METRICS.md");
        }
    }

    private static void assertNoProblems(final List<String> exprs) {
        final List<String> problems = new ArrayList<>();
        for (final String e : exprs) {
            PromQlNames.problems(e).forEach(p -> problems.add(p + " in: " + e));
        }
        assertEquals(List.of(), problems);
    }

    private static List<String> dashboardExprs() throws IOException {
        final Object d = MiniJson.parse(read(DASHBOARD));
        final List<String> exprs = new ArrayList<>();
        for (final Map<String, Object> panel : panels(d)) {
            final Object targets = panel.get("targets");
            if (targets != null) {
                for (final Object target : (List<?>) targets) {
                    exprs.add((String) MiniJson.at(target, "expr"));
                }
            }
        }
        for (final Object variable : (List<?>) MiniJson.at(d, "templating", "list")) {
            exprs.add((String) MiniJson.at(variable, "definition"));
            exprs.add((String) MiniJson.at(variable, "query", "query"));
        }
        return exprs;
    }

    /** Alert name to expression, from the {@code - alert:} and {@code expr: |} blocks of a rules file. */
    private static Map<String, String> alertExprs(final String rules) {
        final Map<String, String> exprs = new LinkedHashMap<>();
        final List<String> lines = rules.lines().toList();
        String alert = null;
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            final String trimmed = line.trim();
            if (trimmed.startsWith("- alert: ")) {
                alert = trimmed.substring("- alert: ".length());
            } else if (trimmed.startsWith("expr:")) {
                final int indent = line.indexOf("expr:");
                final StringBuilder expr = new StringBuilder(trimmed.substring(5).replaceFirst("^\\s*\\|\\s*", ""));
                while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
                    || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
                    expr.append('\n').append(lines.get(++i).trim());
                }
                if (exprs.put(alert, expr.toString().trim()) != null) {
                    throw new AssertionError("two expressions for " + alert);
                }
            }
        }
        return exprs;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> panels(final Object dashboard) {
        return (List<Map<String, Object>>) MiniJson.at(dashboard, "panels");
    }

    private static String read(final Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
