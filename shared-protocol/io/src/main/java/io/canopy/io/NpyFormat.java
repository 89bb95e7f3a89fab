package io.canopy.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (numpy/lib/format.py, versions 1.0, 2.0 and 3.0): the magic
 * {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in 1.0, 4 in later versions),
 * an ASCII Python dict with {@code descr}, {@code fortran_order} and {@code shape}, then the raw data.
 *
 * <p>Reads float32 or float64 arrays of a given rank in C order, either byte order; writes float32
 * little-endian (NumPy's {@code '<f4'}). Data is streamed through a small direct buffer, so a 400 MB file
 * costs no second 400 MB copy. Every refusal is a {@link FileFormatException} naming the file and the
 * problem; bytes after the data are refused too, since NumPy never writes them and they mean the file is
 * not what it claims. Nothing is allocated from a declared length before it is checked: the header length against
 * the file (and 1 MiB), the shape's bytes against what the file holds after the header.
 */
public final class NpyFormat {

    /** An array as read: the values as float32, the shape, and the dtype as the header spelled it. */
    public record Array(float[] data, int[] shape, String descr) {
    }

    /** The magic every {@code .npy} file starts with. */
    public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int CHUNK_BYTES = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])?([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFormat() {
    }

    /**
     * Reads a float32/float64 C-order array of {@code rank} dimensions (1 or 2).
     *
     * @throws FileFormatException when the file is not such an array, naming the file and the problem
     */
    public static Array read(final Path file, final int rank) throws IOException {
        if (rank != 1 && rank != 2) {
            throw new IllegalArgumentException("rank=" + rank + " (supported: 1, 2)");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = ch.size();
            final ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, 0);
            if (pre.position() < 10) {
                throw new FileFormatException(file, "too short to be a .npy file (" + size + " bytes)");
            }
            for (int i = 0; i < MAGIC.length; i++) {
                if (pre.get(i) != MAGIC[i]) {
                    throw new FileFormatException(file, "not a .npy file (bad magic; expected \\x93NUMPY)");
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
                    throw new FileFormatException(file, "truncated .npy header");
                }
                headerLen = pre.getInt(8) & 0xffffffffL;
                prefix = 12;
            } else {
                throw new FileFormatException(file, "unsupported .npy version " + major + "." + (pre.get(7) & 0xff)
                    + " (supported: 1.0, 2.0, 3.0)");
            }
            if (prefix + headerLen > size || headerLen > 1 << 20) {
                throw new FileFormatException(file, "header length " + headerLen + " exceeds the file (" + size
                    + " bytes)");
            }
            final ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, prefix);
            final String header = new String(hb.array(), 0, hb.position(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            final Header h = parseHeader(file, header, rank);
            final long dataBytes = (long) h.count() * h.itemSize;
            final long offset = prefix + headerLen;
            if (size - offset < dataBytes) {
                throw new FileFormatException(file, "truncated data: shape " + shapeText(h.shape) + " of "
                    + h.itemSize + "-byte values needs " + dataBytes + " bytes, file has " + (size - offset));
            }
            if (size - offset > dataBytes) {
                throw new FileFormatException(file, (size - offset - dataBytes) + " bytes after the data of shape "
                    + shapeText(h.shape) + " (" + dataBytes + " bytes expected)");
            }
            final float[] data = new float[h.count()];
            readData(file, ch, offset, h, data);
            return new Array(data, h.shape, h.descr);
        }
    }

    private record Header(ByteOrder order, int itemSize, int[] shape, String descr) {
        int count() {
            int n = 1;
            for (final int s : shape) {
                n *= s;
            }
            return n;
        }

        int cols() {
            return shape[shape.length - 1];
        }
    }

    /** Python's spelling of a shape tuple: {@code (6,)}, {@code (2, 3)}. */
    static String shapeText(final int[] shape) {
        return shapeText(Arrays.stream(shape).asLongStream().toArray());
    }

    static String shapeText(final long[] shape) {
        final StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static Header parseHeader(final Path file, final String header, final int rank)
        throws FileFormatException {
        final Matcher d = DESCR.matcher(header);
        final Matcher f = FORTRAN.matcher(header);
        final Matcher s = SHAPE.matcher(header);
        if (!header.trim().startsWith("{") || !d.find() || !f.find() || !s.find()) {
            throw new FileFormatException(file, "malformed .npy header: " + header.trim());
        }
        final String kind = d.group(2);
        // Any digits match the pattern; only 4 and 8 are read, so a longer number is just another unsupported dtype.
        final int item = d.group(3).length() > 2 ? -1 : Integer.parseInt(d.group(3));
        if (!kind.equals("f") || (item != 4 && item != 8)) {
            throw new FileFormatException(file, "dtype '" + (d.group(1) == null ? "" : d.group(1)) + kind + d.group(3)
                + "' is not supported; save the array as float32 or float64");
        }
        if (f.group(1).equals("True")) {
            throw new FileFormatException(file,
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
                    throw new FileFormatException(file, "malformed shape (" + s.group(1) + ")");
                }
            }
        }
        if (count != rank) {
            throw new FileFormatException(file, "expected a " + rank + "-D array of shape "
                + (rank == 1 ? "(d,)" : "(n, d)") + ", got shape (" + s.group(1).trim() + ")");
        }
        final long[] extent = Arrays.copyOf(shape, rank);
        double values = 1;
        for (final long dim : extent) {
            if (dim < 1) {
                throw new FileFormatException(file, "empty array of shape " + shapeText(extent));
            }
            values *= dim;
        }
        if (values > Integer.MAX_VALUE - 16) {
            throw new FileFormatException(file, "shape " + shapeText(extent)
                + " holds more values than one Java array can (2^31 - 16)");
        }
        final ByteOrder order = ">".equals(d.group(1)) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        final int[] dims32 = Arrays.stream(extent).mapToInt(Math::toIntExact).toArray();
        return new Header(order, item, dims32, (d.group(1) == null ? "" : d.group(1)) + kind + item);
    }

    private static void readData(final Path file, final FileChannel ch, final long offset, final Header h,
                                 final float[] out) throws IOException {
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
                        throw new FileFormatException(file, "row " + at / h.cols() + ", column " + at % h.cols() + ": "
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
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
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
