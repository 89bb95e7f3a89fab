package io.canopy.ops.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code --name value} and {@code --flag} arguments against a declared list, so that an
 * unknown or repeated flag, a missing value or a malformed number is a one-line error naming it,
 * and so that {@code --help} text is generated from the same list the parser checks.
 */
public final class Options {

    /** One accepted option: {@code arg} is null for a flag that takes no value. */
    public record Spec(String name, String arg, String help) {
        public static Spec flag(final String name, final String help) {
            return new Spec(name, null, help);
        }

        public static Spec value(final String name, final String arg, final String help) {
            return new Spec(name, arg, help);
        }
    }

    private final Map<String, String> values;
    private final List<String> positional;

    private Options(final Map<String, String> values, final List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    /** True when {@code args} ask for help ({@code --help} or {@code -h} anywhere). */
    public static boolean wantsHelp(final List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    public static Options parse(final List<Spec> specs, final List<String> args) throws UsageException {
        final Map<String, Spec> byName = new HashMap<>();
        for (final Spec s : specs) {
            byName.put("--" + s.name(), s);
        }
        final Map<String, String> values = new HashMap<>();
        final List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String inline = null;
            if (a.startsWith("--") && a.contains("=")) {
                inline = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            final Spec spec = byName.get(a);
            if (spec == null) {
                throw new UsageException("unknown option " + a);
            }
            if (values.containsKey(spec.name())) {
                throw new UsageException("option " + a + " given twice");
            }
            if (spec.arg() == null) {
                if (inline != null) {
                    throw new UsageException("option " + a + " takes no value");
                }
                values.put(spec.name(), "true");
            } else if (inline != null) {
                values.put(spec.name(), inline);
            } else {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException("option " + a + " needs a value " + spec.arg());
                }
                values.put(spec.name(), args.get(++i));
            }
        }
        return new Options(values, positional);
    }

    public boolean has(final String name) {
        return values.containsKey(name);
    }

    public String get(final String name) {
        return values.get(name);
    }

    public String require(final String name) throws UsageException {
        final String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing required option --" + name);
        }
        return v;
    }

    public List<String> positional() {
        return positional;
    }

    /** These options, when no positional argument was given: for commands that take flags only. */
    public Options flagsOnly() throws UsageException {
        if (!positional.isEmpty()) {
            throw new UsageException("unexpected argument '" + positional.getFirst() + "'");
        }
        return this;
    }

    /** {@link #parse}, refusing positional arguments ({@link #flagsOnly}). */
    public static Options parseFlags(final List<Spec> specs, final List<String> args) throws UsageException {
        return parse(specs, args).flagsOnly();
    }

    /** The integer value of {@code --name}, or {@code dflt} when absent; must lie in [min, max]. */
    public int intValue(final String name, final int dflt, final int min, final int max) throws UsageException {
        final String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        final int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (final NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
        if (x < min || x > max) {
            throw new UsageException("--" + name + " must be in " + min + ".." + max + ", got " + x);
        }
        return x;
    }

    /** The finite double value of {@code --name}, or {@code dflt} when absent. */
    public double doubleValue(final String name, final double dflt) throws UsageException {
        final String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        final double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (final NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
        if (!Double.isFinite(x)) {
            throw new UsageException("--" + name + " must be finite, got '" + v + "'");
        }
        return x;
    }

    /** Help text: a synopsis, a description, then one aligned line per option. */
    public static String help(final String synopsis, final String description, final List<Spec> specs) {
        final StringBuilder sb = new StringBuilder("Usage: ").append(synopsis).append("\n\n").append(description)
            .append("\n\nOptions:\n");
        int width = 0;
        for (final Spec s : specs) {
            width = Math.max(width, label(s).length());
        }
        for (final Spec s : specs) {
            final String l = label(s);
            sb.append("  ").append(l).append(" ".repeat(width - l.length() + 2)).append(s.help()).append('\n');
        }
        sb.append("  --help").append(" ".repeat(Math.max(2, width - 4))).append("show this help\n");
        return sb.toString();
    }

    private static String label(final Spec s) {
        return "--" + s.name() + (s.arg() == null ? "" : " " + s.arg());
    }
}
