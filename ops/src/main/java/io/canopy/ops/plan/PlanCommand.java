package io.canopy.ops.plan;

import io.canopy.io.AtomicFiles;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code ./canopy plan}: the capacity planner. Reads a fleet description (flags and/or {@code --fleet FILE}),
 * computes the {@link CapacityPlan} and prints it as a table, {@code --json}, and/or a self-contained HTML page
 * with charts ({@code --html FILE}, written atomically). {@code --calibrate} first times this machine's kernels
 * and stores the figures for later runs.
 */
public final class PlanCommand implements CliCommand {

    static final List<Spec> SPECS = specs();

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public String summary() {
        return "capacity planner: nodes, memory, network, CPU, round time, quorum risk and noise for a fleet";
    }

    @Override
    public String help() {
        return Options.help("./canopy plan [--fleet FILE] [--KEY VALUE ...] [--embedded] [--json] [--html FILE]"
                + " [--calibrate] [--calibration FILE]",
            """
                Plans one round of the four-tier tree for a fleet: nodes per tier and aggregators per node; memory per
                aggregator (update block rows x d x 4 bytes, plus Multi-Krum's Gram scratch 8n^2 + 8n(n+1)/2 at
                tier 1) and per node (plus 512 MiB baseline); bytes per round per tier and node and their time at
                the NIC bandwidth; CPU per tier from kernel costs (Multi-Krum n(n+1)/2 d multiply-adds + n^2 pairs,
                trimmed mean n d, decode per value, a fixed cost per leaf frame, noise per value); the critical
                path (stage = max(collection, network, decode) + ceil(aggregators/cores) rule waves; round = sum of
                stages) and round time;
                quorum-failure probability per cluster and fleet-wide (exact binomial and Chernoff) and the
                over-selection a target completion needs; the global noise multiplier for the privacy target and
                its noise-to-signal; and what breaks first (memory, network, CPU, deadline, Java array size), by how
                much, with a suggestion. Node counts left at 0 are sized: the fewest that fit memory and the target.
                Without arguments: the 10M-leaf default tree (as ./canopy privacy plan). Kernel costs: the stored
                calibration if there is one (.canopy/plan-calibration.properties, or --calibration FILE), else
                built-in defaults; the source is printed. Rounding: costs and failure rates up, rates down.""",
            SPECS) + "\nFleet file: flat 'key: value' lines with the keys of the flags above (without --); flags"
            + " override the file.\n";
    }

    @Override
    public int run(final List<String> args, final PrintStream out, final PrintStream err) throws UsageException {
        final Options o = Options.parseFlags(SPECS, args);
        final Fleet fleet = fleet(o);
        final Path html = o.has("html") ? Path.of(o.get("html")) : null;
        if (html != null && (html.toAbsolutePath().getParent() == null || !Files.isDirectory(html.toAbsolutePath()
            .getParent()))) {
            throw new UsageException("--html " + html + ": the directory does not exist");
        }
        final KernelRates rates = rates(o, err);
        final CapacityPlan plan;
        try {
            plan = CapacityPlan.of(fleet, rates);
        } catch (final IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (o.has("json")) {
            out.println(PlanJson.of(plan));
        } else {
            PlanText.print(plan, out);
        }
        if (html != null) {
            final byte[] page = PlanHtml.page(plan).getBytes(StandardCharsets.UTF_8);
            try {
                AtomicFiles.write(html, ch -> ch.write(ByteBuffer.wrap(page)));
            } catch (final IOException e) {
                throw new UsageException("--html " + html + ": cannot write: " + e.getMessage());
            }
            err.println("wrote " + html);
        }
        return OK;
    }

    /** The fleet of the file (if any) overridden by the flags; an error names the flag or the file's key. */
    static Fleet fleet(final Options o) throws UsageException {
        final Map<String, String> file = new HashMap<>();
        final String fileName = o.get("fleet");
        if (fileName != null) {
            final Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(fileName), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (final IOException e) {
                throw new UsageException(fileName + ": cannot read: " + e.getMessage());
            }
            p.stringPropertyNames().forEach(k -> file.put(k, p.getProperty(k)));
        }
        final Map<String, String> flags = new HashMap<>();
        for (final String key : Fleet.KEYS.keySet()) {
            if (o.has(key)) {
                flags.put(key, o.get(key));
            }
        }
        final Map<String, String> all = new HashMap<>(file);
        all.putAll(flags);
        try {
            return Fleet.parse(all);
        } catch (final IllegalArgumentException e) {
            final String msg = e.getMessage();
            final String key = msg.startsWith("unknown key") ? "" : msg.substring(0, Math.max(0, msg.indexOf(' ')));
            if (flags.containsKey(key)) {
                throw new UsageException("--" + msg);
            }
            throw new UsageException(fileName != null && (file.containsKey(key) || key.isEmpty())
                ? fileName + ": " + msg : msg);
        }
    }

    private static KernelRates rates(final Options o, final PrintStream err) throws UsageException {
        final Path file = o.has("calibration") ? Path.of(o.get("calibration")) : defaultCalibration();
        if (o.has("calibrate")) {
            err.println("calibrating: timing Multi-Krum, the trimmed mean, the noise sampler and the codecs (about 15 s)");
            final String when = Instant.now().toString();
            final KernelRates measured = Calibration.measure("calibration " + file + " (measured " + when + ")");
            try {
                if (file.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
                final byte[] text = measured.store(when).getBytes(StandardCharsets.ISO_8859_1);
                AtomicFiles.write(file, ch -> ch.write(ByteBuffer.wrap(text)));
            } catch (final IOException e) {
                throw new UsageException("--calibration " + file + ": cannot write: " + e.getMessage());
            }
            err.println("stored " + file);
            return measured;
        }
        if (!Files.exists(file)) {
            if (o.has("calibration")) {
                throw new UsageException("--calibration " + file + ": no such file (run with --calibrate to make it)");
            }
            return KernelRates.defaults();
        }
        try {
            return KernelRates.load(file);
        } catch (final IOException e) {
            throw new UsageException("--calibration " + file + ": cannot read: " + e.getMessage());
        }
    }

    /** {@code .canopy/plan-calibration.properties} under the launcher's checkout, else under the working directory. */
    static Path defaultCalibration() {
        final String home = System.getProperty("canopy.home");
        return (home == null ? Path.of(".canopy") : Path.of(home, ".canopy")).resolve("plan-calibration.properties");
    }

    private static List<Spec> specs() {
        final List<Spec> list = new ArrayList<>();
        list.add(Spec.value("fleet", "FILE", "fleet description as flat 'key: value' lines (keys: the flags below)"));
        for (final Map.Entry<String, String[]> e : Fleet.KEYS.entrySet()) {
            final String help = e.getValue()[1] + " (default " + e.getValue()[0] + ")";
            list.add(e.getKey().equals("embedded") ? Spec.flag("embedded", help)
                : Spec.value(e.getKey(), "V", help));
        }
        list.add(Spec.flag("json", "print one JSON object instead of the table"));
        list.add(Spec.value("html", "FILE", "also write a self-contained HTML page with charts (written atomically)"));
        list.add(Spec.flag("calibrate", "time this machine's kernels first (about 15 s) and store the figures"));
        list.add(Spec.value("calibration", "FILE", "where calibration figures are stored and read (default"
            + " .canopy/plan-calibration.properties)"));
        return List.copyOf(list);
    }
}
