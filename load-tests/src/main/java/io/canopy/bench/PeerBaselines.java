package io.canopy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the NumPy peer baselines ({@code shared/peers/numpy_aggregators.py}) in a child process, so
 * that they are timed on the same machine in the same session as our kernels.
 */
public final class PeerBaselines {

    private static final Pattern MEDIAN = Pattern.compile("\"median_s\"\\s*:\\s*([0-9.eE+-]+)");

    private final Path script;

    public PeerBaselines(final Path script) {
        this.script = script;
    }

    /** The default location: {@code ../shared/peers} beside the checkout the launcher runs from. */
    public static Path defaultScript() {
        final String home = System.getProperty("canopy.home", ".");
        return Path.of(home).resolve("../shared/peers/numpy_aggregators.py").normalize();
    }

    public boolean available() {
        return Files.isReadable(script);
    }

    /**
     * Median seconds the peer reports for {@code rule} at (n, d) over {@code reps} measured runs.
     *
     * @throws IOException if python3 or NumPy is missing or the peer fails; the message says which
     */
    public double medianSeconds(final String rule, final int n, final int d, final int reps)
        throws IOException, InterruptedException {
        final Process p = new ProcessBuilder("python3", script.toString(), rule, Integer.toString(n),
            Integer.toString(d), Integer.toString(reps)).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IOException("peer " + rule + " failed: " + output.strip());
        }
        final Matcher m = MEDIAN.matcher(output);
        if (!m.find()) {
            throw new IOException("peer " + rule + " printed no median: " + output.strip());
        }
        return Double.parseDouble(m.group(1));
    }
}
