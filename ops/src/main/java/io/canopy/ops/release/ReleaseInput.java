package io.canopy.ops.release;

import io.canopy.io.FileFormatException;
import io.canopy.io.NpyFormat;
import io.canopy.privacy.release.GateRadius;
import io.canopy.privacy.release.ReleasePasses;
import io.canopy.privacy.release.TwoPassRelease;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The input directory of {@code ./canopy release}, read and checked in full before anything is computed: a public
 * plan ({@value #PLAN_FILE}), per-cluster blocks {@code cluster-NNNN.npy} (float32, n_c × d), and optional centres
 * {@code v0.npy}, {@code v1.npy} (float32, d). Every problem is an {@link InputException} naming the file and the
 * field or problem in one line.
 *
 * @param continents cluster ids per continent, in continent order (continent.0, continent.1, …)
 * @param blocks     per cluster id, rows×d row-major (length 0 for a cluster listed as empty)
 */
record ReleaseInput(Path dir, double clip, double rho, String rhoSource, double tau, double z, double centreShare,
                    double plannedPerCluster, double beta2, double countScale, double minCountFraction, Long seed,
                    int multiKrumF, List<int[]> continents, Map<Integer, float[]> blocks, int d, float[] v0, float[] v1) {

    static final String PLAN_FILE = "plan.yaml";

    /** The plan keys with their help text, in --help order. */
    static final Map<String, String> KEYS = keys();

    private static final Pattern CLUSTER_FILE = Pattern.compile("cluster-(\\d{4,})\\.npy");
    private static final Pattern CONTINENT_KEY = Pattern.compile("continent\\.(\\d+)");

    /** A malformed or inconsistent input: {@code <file>: <problem>}, one line. */
    static final class InputException extends Exception {
        private static final long serialVersionUID = 1L;

        InputException(final Path file, final String problem) {
            super(file + ": " + problem);
        }
    }

    static ReleaseInput read(final Path dir) throws InputException {
        final Path planFile = dir.resolve(PLAN_FILE);
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(planFile, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (final NoSuchFileException e) {
            throw new InputException(planFile, "no such file");
        } catch (final IOException | IllegalArgumentException e) {
            throw new InputException(planFile, "cannot read: " + e.getMessage());
        }
        final Plan plan = new Plan(planFile, p);
        for (final String key : new TreeSet<>(p.stringPropertyNames())) {
            if (!KEYS.containsKey(key) && !CONTINENT_KEY.matcher(key).matches()) {
                throw new InputException(planFile, "unknown key '" + key + "'");
            }
        }
        final double clip = plan.positive("clip", Double.NaN);
        final double z = plan.positive("z", Double.NaN);
        final double mc = plan.positive("planned-per-cluster", Double.NaN);
        final double rho = plan.positive("rho", GateRadius.DEFAULT_FRACTION_OF_CLIP * clip);
        final String rhoSource = p.containsKey("rho") ? "plan file (heuristic)" : "default 0.7·C (heuristic)";
        final double tau = plan.positive("tau", rho);
        if (!(tau <= rho)) {
            throw new InputException(planFile, "key 'tau': must be <= rho = " + rho + ", got " + tau);
        }
        final double share = plan.fraction("centre-share", ReleasePasses.DEFAULT_CENTRE_SHARE, false);
        final double beta2 = plan.number("beta2", 0.1);
        if (!(beta2 >= 0 && beta2 < 0.5)) {
            throw new InputException(planFile, "key 'beta2': must be in [0, 0.5), got " + p.getProperty("beta2").trim());
        }
        final double countScale = plan.positive("count-scale", TwoPassRelease.DEFAULT_COUNT_SCALE);
        final double minCount = plan.fraction("min-count", TwoPassRelease.DEFAULT_MIN_COUNT_FRACTION, true);
        final Long seed = p.containsKey("seed") ? (long) plan.integer("seed", 0, Long.MIN_VALUE) : null;
        final int f = (int) plan.integer("multikrum-f", 1, 0);
        final Set<Integer> empty = new TreeSet<>();
        for (final int c : plan.ids("empty-clusters")) {
            empty.add(c);
        }
        final List<int[]> continents = plan.continents();
        final Map<Integer, Integer> continentOf = new TreeMap<>();
        for (int j = 0; j < continents.size(); j++) {
            for (final int c : continents.get(j)) {
                if (continentOf.put(c, j) != null) {
                    throw new InputException(planFile, "key 'continent." + j + "': cluster " + c + " is already mapped to"
                        + " continent " + continentOf.get(c));
                }
            }
        }
        for (final int c : empty) {
            if (!continentOf.containsKey(c)) {
                throw new InputException(planFile, "key 'empty-clusters': cluster " + c + " is not in the continent mapping");
            }
        }
        // Every block file must be mapped.
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "cluster-*.npy")) {
            ds.forEach(files::add);
        } catch (final IOException e) {
            throw new InputException(dir, "cannot list: " + e.getMessage());
        }
        files.sort(null);
        for (final Path file : files) {
            final Matcher m = CLUSTER_FILE.matcher(file.getFileName().toString());
            if (!m.matches()) {
                throw new InputException(file, "not named cluster-NNNN.npy");
            }
            final int c = Integer.parseInt(m.group(1));
            if (!continentOf.containsKey(c)) {
                throw new InputException(file, "cluster " + c + " is not in the continent mapping of " + planFile);
            }
            if (empty.contains(c)) {
                throw new InputException(file, "cluster " + c + " is listed in 'empty-clusters' of " + planFile);
            }
        }
        final Map<Integer, float[]> blocks = new LinkedHashMap<>();
        int d = -1;
        String dFrom = null;
        for (final Map.Entry<Integer, Integer> e : continentOf.entrySet()) {
            final int c = e.getKey();
            if (empty.contains(c)) {
                continue;
            }
            final Path file = dir.resolve(String.format("cluster-%04d.npy", c));
            final NpyFormat.Array a = npy(file, 2, "cluster " + c + " is mapped to continent " + e.getValue() + " in " + planFile);
            final int cols = a.shape()[1];
            if (d < 0) {
                d = cols;
                dFrom = file.getFileName().toString();
            } else if (cols != d) {
                throw new InputException(file, "shape (" + a.shape()[0] + ", " + cols + "): d=" + cols + ", but " + dFrom
                    + " has d=" + d);
            }
            blocks.put(c, a.data());
        }
        if (d < 0) {
            throw new InputException(dir, "no cluster-NNNN.npy block: every mapped cluster is empty, so d is unknown");
        }
        for (final int c : empty) {
            blocks.put(c, new float[0]);
        }
        final float[] v0 = centre(dir.resolve("v0.npy"), d, dFrom);
        final float[] v1 = centre(dir.resolve("v1.npy"), d, dFrom);
        return new ReleaseInput(dir, clip, rho, rhoSource, tau, z, share, mc, beta2, countScale, minCount, seed, f,
            continents, blocks, d, v0 == null ? new float[d] : v0, v1);
    }

    /** Number of clusters. */
    int clusters() {
        return blocks.size();
    }

    private static float[] centre(final Path file, final int d, final String dFrom) throws InputException {
        if (!Files.exists(file)) {
            return null;
        }
        final NpyFormat.Array a = npy(file, 1, null);
        if (a.shape()[0] != d) {
            throw new InputException(file, "shape (" + a.shape()[0] + ",): d=" + a.shape()[0] + ", but " + dFrom + " has d=" + d);
        }
        return a.data();
    }

    private static NpyFormat.Array npy(final Path file, final int rank, final String why) throws InputException {
        final NpyFormat.Array a;
        try {
            a = NpyFormat.read(file, rank);
        } catch (final NoSuchFileException e) {
            throw new InputException(file, "no such file" + (why == null ? "" : " (" + why + ")"));
        } catch (final FileFormatException e) {
            throw new InputException(file, e.getMessage().substring(file.toString().length() + 2));
        } catch (final IOException e) {
            throw new InputException(file, "cannot read: " + e.getMessage());
        }
        if (!a.descr().endsWith("f4")) {
            throw new InputException(file, "dtype '" + a.descr() + "': blocks and centres must be float32 ('<f4')");
        }
        for (int i = 0; i < a.data().length; i++) {
            if (!Float.isFinite(a.data()[i])) {
                final int cols = a.shape()[a.shape().length - 1];
                throw new InputException(file, "row " + i / cols + ", column " + i % cols + ": " + a.data()[i]
                    + " is not finite");
            }
        }
        return a;
    }

    /** Typed access to the plan's keys, each error naming the key. */
    private record Plan(Path file, Properties p) {
        double number(final String key, final double dflt) throws InputException {
            final String v = p.getProperty(key);
            if (v == null) {
                if (Double.isNaN(dflt)) {
                    throw new InputException(file, "missing required key '" + key + "'");
                }
                return dflt;
            }
            try {
                final double x = Double.parseDouble(v.trim());
                if (!Double.isFinite(x)) {
                    throw new NumberFormatException();
                }
                return x;
            } catch (final NumberFormatException e) {
                throw new InputException(file, "key '" + key + "': must be a finite number, got '" + v.trim() + "'");
            }
        }

        double positive(final String key, final double dflt) throws InputException {
            final double x = number(key, dflt);
            if (!(x > 0)) {
                throw new InputException(file, "key '" + key + "': must be > 0, got " + p.getProperty(key).trim());
            }
            return x;
        }

        double fraction(final String key, final double dflt, final boolean oneAllowed) throws InputException {
            final double x = number(key, dflt);
            if (!(x > 0 && (x < 1 || oneAllowed && x == 1))) {
                throw new InputException(file, "key '" + key + "': must be in (0, 1" + (oneAllowed ? "]" : ")") + ", got "
                    + p.getProperty(key).trim());
            }
            return x;
        }

        long integer(final String key, final long dflt, final long min) throws InputException {
            final String v = p.getProperty(key);
            if (v == null) {
                return dflt;
            }
            try {
                final long x = Long.parseLong(v.trim());
                if (x < min) {
                    throw new NumberFormatException();
                }
                return x;
            } catch (final NumberFormatException e) {
                throw new InputException(file, "key '" + key + "': must be an integer >= " + min + ", got '" + v.trim() + "'");
            }
        }

        int[] ids(final String key) throws InputException {
            final String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                return new int[0];
            }
            try {
                return Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).peek(x -> {
                    if (x < 0) {
                        throw new NumberFormatException();
                    }
                }).toArray();
            } catch (final NumberFormatException e) {
                throw new InputException(file, "key '" + key + "': must list cluster numbers >= 0 separated by commas, got '"
                    + v.trim() + "'");
            }
        }

        List<int[]> continents() throws InputException {
            final Map<Integer, int[]> byIndex = new TreeMap<>();
            for (final String key : p.stringPropertyNames()) {
                final Matcher m = CONTINENT_KEY.matcher(key);
                if (m.matches()) {
                    final int[] ids = ids(key);
                    if (ids.length == 0) {
                        throw new InputException(file, "key '" + key + "': a continent needs at least one cluster");
                    }
                    byIndex.put(Integer.parseInt(m.group(1)), ids);
                }
            }
            if (byIndex.isEmpty()) {
                throw new InputException(file, "missing required key 'continent.0' (the clusters of continent 0)");
            }
            final List<int[]> out = new ArrayList<>();
            for (int j = 0; j < byIndex.size(); j++) {
                if (!byIndex.containsKey(j)) {
                    throw new InputException(file, "missing key 'continent." + j + "' (continents are numbered 0.."
                        + (byIndex.size() - 1) + ")");
                }
                out.add(byIndex.get(j));
            }
            return out;
        }
    }

    private static Map<String, String> keys() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("clip", "C, the pass-1 clip radius (required)");
        m.put("z", "z_eff, the round's noise multiplier (required)");
        m.put("planned-per-cluster", "m_c, the public planned count every cluster divides by (required)");
        m.put("continent.J", "the cluster numbers of continent J, comma-separated; J = 0 .. M-1 (at least continent.0)");
        m.put("rho", "gate radius (default 0.7 x clip; heuristic)");
        m.put("tau", "pass-2 clip radius, <= rho (default rho)");
        m.put("centre-share", "share of 1/z^2 for the centre pass (default 1/9: z1 = 3z, z2 = z/sqrt(8/9))");
        m.put("beta2", "continent trim fraction, k2 = floor(beta2 x K) from the mapped K (default 0.1)");
        m.put("count-scale", "s: the count travels as coordinate s x tau x lambda x W (default 0.1)");
        m.put("min-count", "publish iff noisy W >= this x m_tot, in (0, 1] (default 0.5)");
        m.put("multikrum-f", "f of the clusters' Multi-Krum for --rule multikrum (default 1)");
        m.put("empty-clusters", "mapped clusters that reported no leaf (no file; they report their centre)");
        m.put("seed", "seed of the simulation-only noise sampler; without it the secure sampler runs");
        return m;
    }
}
