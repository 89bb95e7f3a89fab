package io.canopy.ops.plan;

import io.canopy.ops.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./canopy plan --html FILE}: one self-contained page, the table of {@link PlanText} and five charts drawn
 * with uPlot (MIT, vendored under {@code io/canopy/ops/plan/uplot/} with its licence and inlined into the page, so
 * it opens offline). The plan's JSON and the sweeps are embedded as data.
 */
final class PlanHtml {

    static final String LIBRARY = "uplot/uPlot.iife.min.js";
    static final String STYLE = "uplot/uPlot.min.css";
    static final String LICENSE = "uplot/LICENSE";

    private PlanHtml() {
    }

    static String page(final CapacityPlan p) {
        final ByteArrayOutputStream table = new ByteArrayOutputStream();
        PlanText.print(p, new PrintStream(table, true, StandardCharsets.UTF_8));
        final String sweeps = sweepsJson(Sweeps.leaves(p), Sweeps.dimension(p), Sweeps.clusterSize(p));
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Canopy capacity plan</title>
            <style>%s
            body{font-family:system-ui,sans-serif;margin:16px;color:#222}
            pre{font-size:11px;background:#f6f6f6;padding:8px;overflow-x:auto}
            .charts{display:flex;flex-wrap:wrap;gap:12px}
            .verdict{font-weight:bold}
            </style></head><body>
            <h1>Canopy capacity plan</h1>
            <p class="verdict">%s</p>
            <div class="charts"><div id="leaves-round"></div><div id="leaves-memory"></div>
            <div id="dim-round"></div><div id="dim-memory"></div><div id="quorum"></div></div>
            <h2>Plan</h2>
            <pre>%s</pre>
            <p>Charts: uPlot %s, MIT licence (below), inlined. Leaves and dimension sweeps keep the plan's node counts.</p>
            <details><summary>uPlot licence</summary><pre>%s</pre></details>
            <script>%s</script>
            <script>
            const PLAN = %s;
            const SWEEPS = %s;
            // logY: log10 of the values on a linear axis (uPlot's log axis failed over tens of decades); values
            // below 1e-30 are left out.
            function chart(id, title, xLabel, yLabel, sweep, keys, names, logY) {
              const data = [sweep.x].concat(keys.map(k => sweep.series[k].map(v =>
                v === null ? null : !logY ? v : v < 1e-30 ? null : Math.log10(v))));
              const colours = ['#1f77b4', '#d62728', '#2ca02c'];
              new uPlot({title: title, width: 560, height: 300, padding: [10, 40, 0, 0],
                scales: {x: {time: false, distr: 3}},
                axes: [{label: xLabel}, {label: logY ? 'log10 ' + yLabel : yLabel, size: 70}],
                series: [{label: xLabel}].concat(names.map((n, i) => ({label: n, stroke: colours[i], width: 2,
                  points: {show: true}})))}, data, document.getElementById(id));
            }
            chart('leaves-round', 'Round time against leaves', 'leaves', 'seconds', SWEEPS.leaves, ['round_s'],
              ['round time (s)'], true);
            chart('leaves-memory', 'Memory per cluster node against leaves', 'leaves', 'GiB', SWEEPS.leaves,
              ['memory_gib'], ['memory per cluster node (GiB)'], true);
            chart('dim-round', 'Round time against dimension', 'dimension d', 'seconds', SWEEPS.dimension, ['round_s'],
              ['round time (s)'], true);
            chart('dim-memory', 'Memory per cluster node against dimension', 'dimension d', 'GiB', SWEEPS.dimension,
              ['memory_gib'], ['memory per cluster node (GiB)'], true);
            chart('quorum', 'One cluster misses its quorum (below 1e-30 not drawn)', 'cluster size',
              'probability', SWEEPS.cluster_size, ['exact', 'chernoff'], ['exact binomial', 'Chernoff bound'], true);
            </script>
            </body></html>
            """.formatted(resource(STYLE), escape(Verdict.headline(p)), escape(table.toString(StandardCharsets.UTF_8)),
            version(), escape(resource(LICENSE)), scriptSafe(resource(LIBRARY)), scriptSafe(PlanJson.of(p)),
            scriptSafe(sweeps));
    }

    static String sweepsJson(final Sweeps leaves, final Sweeps dimension, final Sweeps clusterSize) {
        final JsonWriter j = new JsonWriter().beginObject();
        for (final Map.Entry<String, Sweeps> e : Map.of("leaves", leaves, "dimension", dimension, "cluster_size",
            clusterSize).entrySet()) {
            final Sweeps s = e.getValue();
            j.name(e.getKey()).beginObject().field("x_name", s.xName()).field("x", s.x()).name("series").beginObject();
            for (final Map.Entry<String, double[]> series : new TreeMap<>(s.series()).entrySet()) {
                j.field(series.getKey(), series.getValue());
            }
            j.endObject().endObject();
        }
        return j.endObject().toString();
    }

    static String resource(final String name) {
        try (InputStream in = PlanHtml.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version() {
        return "1.6.31";
    }

    private static String escape(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Text that cannot end the script element it sits in. */
    private static String scriptSafe(final String s) {
        return s.replace("</", "<\\/");
    }
}
