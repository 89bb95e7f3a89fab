package io.canopy.ops.matrix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (numpy/lib/format.py, versions 1.0, 2.0 and 3.0): the magic
 * {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in 1.0, 4 in later versions),
 * an ASCII Python dict with {@code descr}, {@code fortran_order} and {@code shape}, then the raw data.
 *
 * <p>Reads 2-D float32 or float64 arrays in C order, either byte order; writes float32 little-endian.
 * Data is streamed through a small direct buffer, so a 400 MB file costs no second 400 MB copy.
 */
public final class NpyFormat {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int CHUNK_BYTES = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])?([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFormat() {
    }

    /** Reads a 2-D float32/float64 C-order array. */
    public static Matrix read(final Path file) throws IOException, MatrixFormatException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = ch.size();
            final ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, 0);
            if (pre.position() < 10) {
                throw new MatrixFormatException(file, "too short to be a .npy file (" + size + " bytes)");
            }
            for (int i = 0; i < MAGIC.length; i++) {
                if (pre.get(i) != MAGIC[i]) {
                    throw new MatrixFormatException(file, "not a .npy file (bad magic; expected \\x93NUMPY)");
                }
            }
            final int major = pre.get(6) & 0xff;
            final long headerLen;
            final int prefix;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xffff;
                prefix = 10;
            } else if (major == 2 || major == 3) {
                if (pre.position() < 12) {
                    throw new MatrixFormatException(file, "truncated .npy header");
                }
                headerLen = pre.getInt(8) & 0xffffffffL;
                prefix = 12;
            } else {
                throw new MatrixFormatException(file, "unsupported .npy version " + major + "." + (pre.get(7) & 0xff)
                    + " (supported: 1.0, 2.0, 3.0)");
            }
            if (prefix + headerLen > size || headerLen > 1 << 20) {
                throw new MatrixFormatException(file, "header length " + headerLen + " exceeds the file (" + size
                    + " bytes)");
            }
            final ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, prefix);
            final String header = new String(hb.array(), 0, hb.position(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            final Header h = parseHeader(file, header);
            final long dataBytes = (long) h.rows * h.cols * h.itemSize;
            final long offset = prefix + headerLen;
            if (size - offset < dataBytes) {
                throw new MatrixFormatException(file, "truncated data: shape (" + h.rows + ", " + h.cols + ") of "
                    + h.itemSize + "-byte values needs " + dataBytes + " bytes, file has " + (size - offset));
            }
            final float[] data = new float[h.rows * h.cols];
            readData(file, ch, offset, h, data);
            return new Matrix(data, h.rows, h.cols);
        }
    }

    private record Header(ByteOrder order, int itemSize, int rows, int cols) {
    }

    private static Header parseHeader(final Path file, final String header) throws MatrixFormatException {
        final Matcher d = DESCR.matcher(header);
        final Matcher f = FORTRAN.matcher(header);
        final Matcher s = SHAPE.matcher(header);
        if (!header.trim().startsWith("{") || !d.find() || !f.find() || !s.find()) {
            throw new MatrixFormatException(file, "malformed .npy header: " + header.trim());
        }
        final String kind = d.group(2);
        final int item = Integer.parseInt(d.group(3));
        if (!kind.equals("f") || (item != 4 && item != 8)) {
            throw new MatrixFormatException(file, "dtype '" + (d.group(1) == null ? "" : d.group(1)) + kind + item
                + "' is not supported; save the array as float32 or float64");
        }
        if (f.group(1).equals("True")) {
            throw new MatrixFormatException(file,
                "Fortran-order arrays are not supported; save np.ascontiguousarray(a) instead");
        }
        final String[] dims = s.group(1).split(",");
        final long[] shape = new long[dims.length];
        int count = 0;
        for (final String dim : dims) {
            if (!dim.isBlank()) {
                try {
                    shape[count++] = Long.parseLong(dim.trim());
                } catch (final NumberFormatException e) {
                    throw new MatrixFormatException(file, "malformed shape (" + s.group(1) + ")");
                }
            }
        }
        if (count != 2) {
            throw new MatrixFormatException(file, "expected a 2-D array of shape (n, d), got shape (" + s.group(1).trim()
                + ")");
        }
        if (shape[0] < 1 || shape[1] < 1) {
            throw new MatrixFormatException(file, "empty array of shape (" + shape[0] + ", " + shape[1] + ")");
        }
        if (shape[0] * shape[1] > Integer.MAX_VALUE - 16) {
            throw new MatrixFormatException(file, "shape (" + shape[0] + ", " + shape[1]
                + ") holds more values than one Java array can (2^31 - 16)");
        }
        final ByteOrder order = ">".equals(d.group(1)) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return new Header(order, item, (int) shape[0], (int) shape[1]);
    }

    private static void readData(final Path file, final FileChannel ch, final long offset, final Header h,
                                 final float[] out) throws IOException, MatrixFormatException {
        final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES).order(h.order);
        long pos = offset;
        int filled = 0;
        while (filled < out.length) {
            buf.clear();
            final long remaining = (long) (out.length - filled) * h.itemSize;
            buf.limit((int) Math.min(CHUNK_BYTES, remaining));
            readFully(ch, buf, pos);
            pos += buf.position();
            buf.flip();
            if (h.itemSize == 4) {
                final int n = buf.remaining() / 4;
                buf.asFloatBuffer().get(out, filled, n);
                filled += n;
            } else {
                final int n = buf.remaining() / 8;
                for (int i = 0; i < n; i++) {
                    final double v = buf.getDouble(i * 8);
                    final float x = (float) v;
                    if (Double.isFinite(v) && Float.isInfinite(x)) {
                        final int at = filled + i;
                        throw new MatrixFormatException(file, "row " + at / h.cols + ", column " + at % h.cols + ": "
                            + v + " does not fit in float32");
                    }
                    out[filled + i] = x;
                }
                filled += n;
            }
        }
    }

    private static void readFully(final FileChannel ch, final ByteBuffer buf, final long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            final int r = ch.read(buf, pos);
            if (r < 0) {
                return;
            }
            pos += r;
        }
    }

    /** Writes {@code values} as a float32 little-endian array of {@code shape}. */
    public static void write(final FileChannel ch, final float[] values, final int... shape) throws IOException {
        final StringBuilder sh = new StringBuilder();
        for (final int s : shape) {
            sh.append(s).append(", ");
        }
        final String shapeText = shape.length == 1 ? shape[0] + "," : sh.substring(0, sh.length() - 2);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        // numpy pads the header with spaces and a newline so the data starts on a 64-byte boundary.
        final int unpadded = 10 + dict.length() + 1;
        dict = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        final ByteBuffer head = ByteBuffer.allocate(10 + dict.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length());
        head.put(dict.getBytes(StandardCharsets.ISO_8859_1)).flip();
        writeFully(ch, head);
        final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < values.length) {
            buf.clear();
            final int n = Math.min(CHUNK_BYTES / 4, values.length - done);
            buf.asFloatBuffer().put(values, done, n);
            buf.limit(n * 4);
            writeFully(ch, buf);
            done += n;
        }
    }

    private static void writeFully(final FileChannel ch, final ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
