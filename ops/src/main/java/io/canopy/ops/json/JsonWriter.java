package io.canopy.ops.json;

/**
 * A small streaming JSON writer for the CLI's {@code --json} output: objects, arrays, strings and
 * numbers, with commas placed automatically. Non-finite doubles are written as {@code null}, since
 * JSON has no NaN or Infinity.
 */
public final class JsonWriter {

    private final StringBuilder sb = new StringBuilder();
    // One flag per open container: has it received an element yet?
    private boolean[] nonEmpty = new boolean[16];
    private int depth;
    private boolean afterName;

    public JsonWriter beginObject() {
        return open('{');
    }

    public JsonWriter endObject() {
        return close('}');
    }

    public JsonWriter beginArray() {
        return open('[');
    }

    public JsonWriter endArray() {
        return close(']');
    }

    public JsonWriter name(final String name) {
        separate();
        string(name);
        sb.append(':');
        afterName = true;
        return this;
    }

    public JsonWriter value(final String v) {
        separate();
        if (v == null) {
            sb.append("null");
        } else {
            string(v);
        }
        return this;
    }

    public JsonWriter value(final long v) {
        separate();
        sb.append(v);
        return this;
    }

    public JsonWriter value(final double v) {
        separate();
        if (Double.isFinite(v)) {
            sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
        } else {
            sb.append("null");
        }
        return this;
    }

    public JsonWriter value(final boolean v) {
        separate();
        sb.append(v);
        return this;
    }

    public JsonWriter field(final String name, final String v) {
        return name(name).value(v);
    }

    public JsonWriter field(final String name, final long v) {
        return name(name).value(v);
    }

    public JsonWriter field(final String name, final double v) {
        return name(name).value(v);
    }

    public JsonWriter field(final String name, final boolean v) {
        return name(name).value(v);
    }

    public JsonWriter field(final String name, final int[] v) {
        name(name).beginArray();
        for (final int x : v) {
            value(x);
        }
        return endArray();
    }

    public JsonWriter field(final String name, final double[] v) {
        name(name).beginArray();
        for (final double x : v) {
            value(x);
        }
        return endArray();
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    private JsonWriter open(final char c) {
        separate();
        sb.append(c);
        if (++depth == nonEmpty.length) {
            nonEmpty = java.util.Arrays.copyOf(nonEmpty, depth * 2);
        }
        nonEmpty[depth] = false;
        return this;
    }

    private JsonWriter close(final char c) {
        sb.append(c);
        depth--;
        return this;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (nonEmpty[depth]) {
                sb.append(',');
            }
            nonEmpty[depth] = true;
        }
    }

    private void string(final String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
