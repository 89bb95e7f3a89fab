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
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.YamlWire;

/**
 * A process's configuration from four layers, each overriding the one before: the documented defaults, a YAML
 * file (a flat map read with Chronicle Wire), {@code CANOPY_*} environment variables ({@code seed-nodes} is
 * {@code CANOPY_SEED_NODES}) and command-line flags. Every key is declared once with its default and meaning;
 * an unknown key in the file is an error naming the file and the key, so a typo never silently falls back to
 * a default. {@link #describe()} prints the effective values and where each came from ({@code --print-config}).
 */
public final class LayeredConfig {

    /** Where a value came from, for {@code --print-config}. */
    public enum Source { DEFAULT, FILE, ENVIRONMENT, FLAG }

    /** A declared key: its name (kebab-case), default (null: none) and meaning. */
    public record Key(String name, String defaultValue, String meaning) {
    }

    private record Value(String text, Source source) {
    }

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
     * @throws UsageException for an unreadable or malformed file, or an unknown key in it
     */
    public static LayeredConfig resolve(List<Key> declared, Path file, Map<String, String> environment,
                                        Map<String, String> flags) throws UsageException {
        LayeredConfig c = new LayeredConfig(declared);
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
        Bytes<?> bytes = Bytes.from(text);
        try {
            YamlWire wire = new YamlWire(bytes);
            while (wire.isNotEmptyAfterPadding()) {
                String key = wire.readEvent(String.class);
                if (key == null || key.isEmpty()) {
                    throw new UsageException("--config " + file + ": expected a flat map of 'key: value' lines");
                }
                if (!keys.containsKey(key)) {
                    throw new UsageException("--config " + file + ": unknown key '" + key + "'; the keys are "
                        + String.join(", ", keys.keySet()));
                }
                Object value = wire.getValueIn().object();
                String item;
                if (value instanceof java.util.Collection<?> items) {
                    // A YAML sequence, [a, b] or one "- a" per line: the same as the comma list "a,b".
                    item = String.join(",", items.stream().map(String::valueOf).toList());
                } else {
                    item = value == null ? "" : String.valueOf(value);
                }
                values.put(key, new Value(item.trim(), Source.FILE));
            }
        } catch (UsageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UsageException("--config " + file + ": not a flat YAML map of 'key: value' lines; write a list as"
                + " [a, b] or \"a,b\" (" + e.getMessage() + ")");
        } finally {
            bytes.releaseLast();
        }
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
