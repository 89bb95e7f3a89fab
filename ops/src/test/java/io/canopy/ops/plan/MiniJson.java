package io.canopy.ops.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON reader for tests: objects to maps, arrays to lists, numbers to doubles; whitespace between
 * tokens allowed; fails on anything else.
 */
public final class MiniJson {

    private final String s;
    private int i;

    private MiniJson(final String s) {
        this.s = s;
    }

    public static Object parse(final String text) {
        final MiniJson p = new MiniJson(text.trim());
        final Object v = p.value();
        if (p.i != p.s.length()) {
            throw new IllegalArgumentException("trailing text at " + p.i);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    public static Object at(final Object root, final Object... path) {
        Object v = root;
        for (final Object key : path) {
            v = key instanceof Integer n ? ((List<Object>) v).get(n) : ((Map<String, Object>) v).get(key);
        }
        return v;
    }

    private Object value() {
        final Object v = bareValue();
        whitespace();
        return v;
    }

    private void whitespace() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private Object bareValue() {
        whitespace();
        final char c = s.charAt(i);
        if (c == '{') {
            final Map<String, Object> m = new LinkedHashMap<>();
            i++;
            whitespace();
            if (s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                final String key = string();
                expect(':');
                if (m.put(key, value()) != null) {
                    throw new IllegalArgumentException("duplicate key " + key);
                }
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                expect(',');
            }
        }
        if (c == '[') {
            final List<Object> l = new ArrayList<>();
            i++;
            whitespace();
            if (s.charAt(i) == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                expect(',');
            }
        }
        if (c == '"') {
            return string();
        }
        for (final String word : new String[] {"true", "false", "null"}) {
            if (s.startsWith(word, i)) {
                i += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        final int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return Double.parseDouble(s.substring(start, i));
    }

    private String string() {
        expect('"');
        final StringBuilder b = new StringBuilder();
        while (s.charAt(i) != '"') {
            char c = s.charAt(i++);
            if (c == '\\') {
                c = s.charAt(i++);
                switch (c) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(c);
                }
            } else {
                b.append(c);
            }
        }
        i++;
        return b.toString();
    }

    private void expect(final char c) {
        whitespace();
        if (s.charAt(i) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + i + ", got '" + s.charAt(i) + "'");
        }
        i++;
    }
}
