package io.canopy.ops.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.canopy.ops.cli.UsageException;

/**
 * A process's configuration from four layers, each overriding the one before: the documented defaults, a YAML
 * file (a flat map, read strictly by {@link FlatYaml}), {@code CANOPY_*} environment variables ({@code seed-nodes}
 * is {@code CANOPY_SEED_NODES}) and command-line flags. Every key is declared once with its default and meaning;
 * an unknown key in the file, a key given twice, a malformed line and an unknown {@code CANOPY_*} variable are
 * errors naming the file, line, key or variable (and the nearest known name), so a typo never silently falls back
 * to a default. {@link #describe()} prints the effective values and where each came from ({@code --print-config}).
 */
public final class LayeredConfig {

    /** Where a value came from, for {@code --print-config}. */
    public enum Source { DEFAULT, FILE, ENVIRONMENT, FLAG }

    /** A declared key: its name (kebab-case), default (null: none) and meaning. */
    public record Key(String name, String defaultValue, String meaning) {
    }

    private record Value(String text, Source source) {
    }

    /**
     * {@code CANOPY_*} variables that are not settings but are read elsewhere: by the launcher script (JVM options,
     * log level) and by the ledgers (the operator's HMAC key).
     */
    public static final List<String> PROCESS_VARIABLES = List.of("CANOPY_JAVA_OPTS",
        "CANOPY_LOG_LEVEL", "CANOPY_LEDGER_KEY");

    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final Map<String, Value> values = new LinkedHashMap<>();

    private LayeredConfig(List<Key> declared) {
        for (Key k : declared) {
            keys.put(k.name(), k);
            if (k.defaultValue() != null) {
                values.put(k.name(), new Value(k.defaultValue(), Source.DEFAULT));
            }
        }
    }

    /**
     * Resolves {@code declared} keys from {@code file} (may be null), the environment and {@code flags}.
     *
     * @throws UsageException for an unreadable or malformed file (a duplicate key, a line that is not
     *                        {@code key: value}), an unknown key in it, or an unknown {@code CANOPY_*} variable
     */
    public static LayeredConfig resolve(List<Key> declared, Path file, Map<String, String> environment,
                                        Map<String, String> flags) throws UsageException {
        LayeredConfig c = new LayeredConfig(declared);
        c.checkEnvironment(environment);
        if (file != null) {
            c.readFile(file);
        }
        for (Key k : declared) {
            String env = environment.get(environmentName(k.name()));
            if (env != null) {
                c.values.put(k.name(), new Value(env.trim(), Source.ENVIRONMENT));
            }
        }
        for (Map.Entry<String, String> f : flags.entrySet()) {
            if (c.keys.containsKey(f.getKey()) && f.getValue() != null) {
                c.values.put(f.getKey(), new Value(f.getValue().trim(), Source.FLAG));
            }
        }
        return c;
    }

    /** {@code CANOPY_} and the key in upper snake case. */
    public static String environmentName(String key) {
        return "CANOPY_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private void readFile(Path file) throws UsageException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("--config " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        Map<String, FlatYaml.Entry> read;
        try {
            read = FlatYaml.parse(text);
        } catch (FlatYaml.Malformed e) {
            throw new UsageException("--config " + file + ": " + e.getMessage() + "; write one 'key: value' per line,"
                + " a list as [a, b] or \"a,b\"");
        }
        for (Map.Entry<String, FlatYaml.Entry> e : read.entrySet()) {
            if (!keys.containsKey(e.getKey())) {
                throw new UsageException("--config " + file + ": line " + e.getValue().line() + ": unknown key '"
                    + e.getKey() + "'" + suggestion(e.getKey(), keys.keySet()) + "; the keys are "
                    + String.join(", ", keys.keySet()));
            }
            values.put(e.getKey(), new Value(e.getValue().value().trim(), Source.FILE));
        }
    }

    /**
     * Refuses a {@code CANOPY_*} variable that is neither a declared key's nor one of {@link #PROCESS_VARIABLES}: a
     * misspelt {@code CANOPY_PORTT} would otherwise be ignored and the default used without a word.
     */
    private void checkEnvironment(Map<String, String> environment) throws UsageException {
        Map<String, String> known = new LinkedHashMap<>();
        for (String k : keys.keySet()) {
            known.put(environmentName(k), k);
        }
        for (String name : new java.util.TreeSet<>(environment.keySet())) {
            if (name.startsWith("CANOPY_") && !known.containsKey(name) && !PROCESS_VARIABLES.contains(name)) {
                java.util.Set<String> all = new java.util.LinkedHashSet<>(known.keySet());
                all.addAll(PROCESS_VARIABLES);
                throw new UsageException("environment variable " + name + " is not a Canopy setting"
                    + suggestion(name, all) + "; the CANOPY_ variables are " + String.join(", ", all)
                    + " (unset it, or fix its name)");
            }
        }
    }

    /** {@code " (did you mean 'x'?)"} for the closest of {@code candidates} within a third of the name, else "". */
    static String suggestion(String name, java.util.Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? " (did you mean " + best + "?)" : "";
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The value of {@code key}, or null when it has no default and was not set. */
    public String get(String key) {
        requireDeclared(key);
        Value v = values.get(key);
        return v == null ? null : v.text();
    }

    /** Where {@code key}'s value came from. */
    public Source sourceOf(String key) {
        requireDeclared(key);
        Value v = values.get(key);
        return v == null ? Source.DEFAULT : v.source();
    }

    /** The value as an int in [min, max]; the error names the key and its source. */
    public int intValue(String key, int min, int max) throws UsageException {
        return (int) longValue(key, min, max);
    }

    /** The value as a long in [min, max]; the error names the key and its source. */
    public long longValue(String key, long min, long max) throws UsageException {
        String v = require(key);
        long x;
        try {
            x = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(where(key) + " must be an integer, got '" + v + "'");
        }
        if (x < min || x > max) {
            throw new UsageException(where(key) + " must be in " + min + ".." + max + ", got " + x);
        }
        return x;
    }

    /** The value as a double in [min, max]. */
    public double doubleValue(String key, double min, double max) throws UsageException {
        String v = require(key);
        try {
            double x = Double.parseDouble(v);
            if (!(x >= min && x <= max)) {
                throw new UsageException(where(key) + " must be in [" + min + ", " + max + "], got " + v);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException(where(key) + " must be a number, got '" + v + "'");
        }
    }

    /** The value as a comma-separated list, blanks dropped. */
    public List<String> listValue(String key) throws UsageException {
        String v = require(key);
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code key} as written by its source: {@code --key}, {@code CANOPY_KEY}, the file's key, or the default. */
    public String where(String key) {
        return switch (sourceOf(key)) {
            case FLAG -> "--" + key;
            case ENVIRONMENT -> environmentName(key);
            case FILE -> "config key '" + key + "'";
            case DEFAULT -> "the default " + key;
        };
    }

    /** Every key with its effective value and source, as YAML a user can save and pass back with --config. */
    public String describe() {
        StringBuilder b = new StringBuilder("# effective configuration (value  # source: meaning)\n");
        for (Key k : keys.values()) {
            Value v = values.get(k.name());
            b.append(k.name()).append(": ").append(v == null ? "" : quoteIfNeeded(v.text()))
                .append("    # ").append(v == null ? "unset" : v.source().name().toLowerCase(Locale.ROOT))
                .append(": ").append(k.meaning()).append('\n');
        }
        return b.toString();
    }

    private String require(String key) throws UsageException {
        String v = get(key);
        if (v == null || v.isEmpty()) {
            throw new UsageException(key + " is required: set --" + key + ", " + environmentName(key)
                + " or the config key '" + key + "'");
        }
        return v;
    }

    private void requireDeclared(String key) {
        if (!keys.containsKey(key)) {
            throw new IllegalArgumentException("no such configuration key: " + key);
        }
    }

    private static String quoteIfNeeded(String text) {
        return text.isEmpty() || text.contains(",") || text.contains(":") || text.contains("#") ? '"' + text + '"' : text;
    }
}
