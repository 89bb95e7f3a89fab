package io.canopy.ops.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of the one YAML shape configuration files use: a flat map of {@code key: value} lines. It
 * accepts plain scalars, {@code "double"} and {@code 'single'} quoted scalars, flow lists {@code [a, "b"]}, block
 * lists ({@code key:} then indented {@code - item} lines), comments ({@code #} at a line's start or after
 * whitespace) and one leading {@code ---}; everything else is refused with its line number, where a lenient reader
 * would keep the last of two values or skip what it did not understand. Lists come back as comma-joined text
 * ({@code a,b}), the form the comma-list settings take.
 */
final class FlatYaml {

    /** A malformed file: the 1-based line and what is wrong there. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(int line, String why) {
            super("line " + line + ": " + why);
        }
    }

    /** One value and the line it was set on. */
    record Entry(String value, int line) {
    }

    private FlatYaml() {
    }

    /** The keys in file order with their values. */
    static Map<String, Entry> parse(String text) throws Malformed {
        Map<String, Entry> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        boolean started = false;
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = stripCr(lines[i]);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (line.equals("---") && !started) {
                started = true;
                continue;
            }
            started = true;
            if (Character.isWhitespace(line.charAt(0))) {
                throw new Malformed(n, "unexpected indentation ('" + line.strip() + "'): only a list item under a key"
                    + " with no value may be indented; nested maps are not supported");
            }
            if (line.indexOf('\t') >= 0) {
                throw new Malformed(n, "a tab character; YAML allows spaces only");
            }
            int colon = line.indexOf(':');
            String key = colon < 0 ? "" : line.substring(0, colon);
            if (colon < 0 || !key.matches("[A-Za-z0-9_.-]+") || (colon + 1 < line.length() && line.charAt(colon + 1) != ' ')) {
                throw new Malformed(n, "expected 'key: value', got '" + line + "'");
            }
            Entry first = out.get(key);
            if (first != null) {
                throw new Malformed(n, "duplicate key '" + key + "' (first set on line " + first.line() + ")");
            }
            String rest = withoutComment(line.substring(colon + 1), n).strip();
            if (rest.isEmpty()) {
                List<String> items = new ArrayList<>();
                while (i + 1 < lines.length && isListItem(stripCr(lines[i + 1]))) {
                    i++;
                    String item = withoutComment(stripCr(lines[i]).strip().substring(1), i + 1).strip();
                    items.add(scalar(item, i + 1));
                }
                out.put(key, new Entry(String.join(",", items), n));
            } else if (rest.startsWith("[")) {
                out.put(key, new Entry(String.join(",", flowList(rest, n)), n));
            } else {
                out.put(key, new Entry(scalar(rest, n), n));
            }
        }
        return out;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static boolean isListItem(String line) {
        String s = line.stripLeading();
        return !s.equals(line) && (s.equals("-") || s.startsWith("- "));
    }

    /** The text before a comment: a {@code #} outside quotes that starts the text or follows whitespace. */
    private static String withoutComment(String s, int line) throws Malformed {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && (i == 0 || s.substring(0, i).isBlank() || s.charAt(i - 1) == '['
                || s.charAt(i - 1) == ',' || s.charAt(i - 1) == ' ')) {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
                return s.substring(0, i);
            }
        }
        if (quote != 0) {
            throw new Malformed(line, "an unterminated " + (quote == '"' ? "double" : "single") + " quote");
        }
        return s;
    }

    /** One scalar: quoted (quotes removed, escapes applied) or plain (no YAML indicator in front). */
    private static String scalar(String s, int line) throws Malformed {
        if (s.startsWith("\"")) {
            StringBuilder b = new StringBuilder();
            int i = 1;
            for (; i < s.length() && s.charAt(i) != '"'; i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    char e = s.charAt(++i);
                    b.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case '"', '\\', '/' -> e;
                        default -> throw new Malformed(line, "unsupported escape '\\" + e + "' in a quoted value");
                    });
                } else {
                    b.append(c);
                }
            }
            return closed(s, i, b.toString(), line);
        }
        if (s.startsWith("'")) {
            StringBuilder b = new StringBuilder();
            int i = 1;
            for (; i < s.length(); i++) {
                if (s.charAt(i) == '\'') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                        b.append('\'');
                        i++;
                    } else {
                        break;
                    }
                } else {
                    b.append(s.charAt(i));
                }
            }
            return closed(s, i, b.toString(), line);
        }
        if (!s.isEmpty() && "{}[]&*!|>%@`".indexOf(s.charAt(0)) >= 0) {
            throw new Malformed(line, "'" + s + "' is not a plain value (YAML maps, anchors, tags and block scalars are"
                + " not supported); quote it");
        }
        if (s.contains(": ")) {
            throw new Malformed(line, "'" + s + "' holds ': ', which would start a nested map; quote the value");
        }
        return s;
    }

    private static String closed(String s, int end, String value, int line) throws Malformed {
        if (end >= s.length()) {
            throw new Malformed(line, "an unterminated quote in " + s);
        }
        if (!s.substring(end + 1).isBlank()) {
            throw new Malformed(line, "text after the closing quote: '" + s.substring(end + 1).strip() + "'");
        }
        return value;
    }

    /** {@code [a, "b", c]}: items split at commas outside quotes. */
    private static List<String> flowList(String s, int line) throws Malformed {
        if (!s.endsWith("]")) {
            throw new Malformed(line, "a list that does not end with ']': " + s);
        }
        List<String> items = new ArrayList<>();
        String inner = s.substring(1, s.length() - 1);
        if (inner.isBlank()) {
            return items;
        }
        StringBuilder item = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (quote == 0 && c == ',') {
                items.add(listItem(item.toString(), line));
                item.setLength(0);
                continue;
            }
            if (quote == 0 && (c == '"' || c == '\'') && item.toString().isBlank()) {
                quote = c;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            }
            item.append(c);
        }
        items.add(listItem(item.toString(), line));
        return items;
    }

    private static String listItem(String raw, int line) throws Malformed {
        String s = raw.strip();
        if (s.isEmpty()) {
            throw new Malformed(line, "an empty item in a list");
        }
        return scalar(s, line);
    }
}
