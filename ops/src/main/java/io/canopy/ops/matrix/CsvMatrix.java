package io.canopy.ops.matrix;

import io.canopy.io.FileFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A matrix as comma-separated text: one row per line, blank lines and lines starting with
 * {@code #} ignored. Values are parsed as doubles and must fit in float32.
 */
public final class CsvMatrix {

    private CsvMatrix() {
    }

    public static Matrix read(final Path file) throws IOException {
        float[] data = new float[1024];
        int size = 0;
        int cols = -1;
        int rows = 0;
        int firstLine = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                final String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                final String[] fields = t.split(",", -1);
                if (cols < 0) {
                    cols = fields.length;
                    firstLine = lineNo;
                } else if (fields.length != cols) {
                    throw new FileFormatException(file, "line " + lineNo + " has " + fields.length
                        + " values, expected " + cols + " (as on line " + firstLine + ")");
                }
                if (size + cols > data.length) {
                    final long grown = Math.max((long) data.length * 2, (long) size + cols);
                    if (grown > Integer.MAX_VALUE - 16) {
                        throw new FileFormatException(file, "more values than one Java array can hold (2^31 - 16)");
                    }
                    data = Arrays.copyOf(data, (int) grown);
                }
                for (int c = 0; c < cols; c++) {
                    data[size++] = parse(file, lineNo, c, fields[c].strip());
                }
                rows++;
            }
        } catch (final java.nio.charset.MalformedInputException e) {
            throw new FileFormatException(file, "not UTF-8 text (is it a binary file?)");
        }
        if (rows == 0) {
            throw new FileFormatException(file, "no rows (the file is empty or only comments)");
        }
        return new Matrix(size == data.length ? data : Arrays.copyOf(data, size), rows, cols);
    }

    private static float parse(final Path file, final int line, final int col, final String s)
        throws FileFormatException {
        double v;
        try {
            v = switch (s.toLowerCase(java.util.Locale.ROOT)) {
                // NumPy's savetxt spellings; the rules then reject them with row and column.
                case "nan", "+nan", "-nan" -> Double.NaN;
                case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
                case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(s);
            };
        } catch (final NumberFormatException e) {
            throw new FileFormatException(file, "line " + line + ", field " + (col + 1) + ": '" + s
                + "' is not a number");
        }
        final float x = (float) v;
        if (Double.isFinite(v) && Float.isInfinite(x)) {
            throw new FileFormatException(file, "line " + line + ", field " + (col + 1) + ": " + s
                + " does not fit in float32");
        }
        return x;
    }

    /** Writes {@code rows} rows of {@code cols} values, shortest round-tripping decimal per value. */
    public static void write(final Writer w, final float[] values, final int rows, final int cols) throws IOException {
        final StringBuilder sb = new StringBuilder(cols * 12);
        for (int i = 0; i < rows; i++) {
            sb.setLength(0);
            for (int k = 0; k < cols; k++) {
                if (k > 0) {
                    sb.append(',');
                }
                sb.append(values[i * cols + k]);
            }
            sb.append('\n');
            w.write(sb.toString());
        }
    }
}
