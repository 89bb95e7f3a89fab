package io.canopy.bench;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.codec.Segments;
import io.canopy.codec.UpdateEncoder;
import io.canopy.kernel.Timing;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code ./canopy bench codecs}: every compression codec on realistic update vectors — Gaussian,
 * and heavy-tailed (Student's t with 3 degrees of freedom) — at d = 1e6: bytes per value, encode
 * and decode speed, relative L2 reconstruction error, and the bias left after averaging many
 * independent encodings of the same vector.
 *
 * <p>Speeds are GB/s of fp32 values (4·d bytes per call) on one thread, so codecs compare on the
 * work they replace. Bias is ‖mean of n decodings − x‖₂ / ‖x‖₂: an unbiased codec's falls like
 * (relative error)/√n; a deterministic codec's stays at its rounding error. For top-k the n draws
 * run through one sender's error feedback, whose running mean approaches x as the residual is sent.
 */
public final class CodecBench {

    /** One codec on one distribution. */
    public record Row(String codec, String distribution, int d, double bytesPerValue, double encodeGBps,
                      double decodeGBps, double relativeError, int draws, double relativeBias) {
    }

    private final int runs;
    private final boolean quick;
    private final PrintStream progress;

    public CodecBench(final int runs, final boolean quick, final PrintStream progress) {
        this.runs = runs;
        this.quick = quick;
        this.progress = progress;
    }

    public List<Row> run() {
        final int d = quick ? 100_000 : 1_000_000;
        final int draws = quick ? 20 : 100;
        final List<Row> rows = new ArrayList<>();
        for (final String dist : List.of("gaussian", "student-t3")) {
            final float[] x = vector(d, dist, 17);
            for (final CodecId codec : CodecId.values()) {
                progress.printf("bench: codec %s on %s, d=%d ...%n", codec.label(), dist, d);
                rows.add(measure(codec, dist, x, draws));
            }
        }
        return rows;
    }

    static float[] vector(final int d, final String distribution, final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            final double z = rnd.nextGaussian();
            if (distribution.equals("gaussian")) {
                x[i] = (float) (1e-3 * z);
            } else {
                // Student's t, 3 dof: z / sqrt(chi²₃ / 3) — a few coordinates dominate, as in real gradients.
                final double a = rnd.nextGaussian();
                final double b = rnd.nextGaussian();
                final double c = rnd.nextGaussian();
                x[i] = (float) (1e-3 * z / Math.sqrt((a * a + b * b + c * c) / 3));
            }
        }
        return x;
    }

    private Row measure(final CodecId codec, final String dist, final float[] x, final int draws) {
        final int d = x.length;
        final UpdateEncoder enc = UpdateEncoder.of(codec, d, 99);
        final long bytes = enc.payloadLength(d);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment seg = arena.allocate(bytes, 64);
            final MemorySegment buf = Segments.NATIVE;
            final long at = seg.address();
            final float[] y = new float[d];
            // Enough calls per sample to take tens of milliseconds.
            final int calls = Math.max(1, 20_000_000 / d);
            final Timing.Samples encode = Timing.measure(3, runs, () -> {
                for (int c = 0; c < calls; c++) {
                    enc.encode(x, 0, d, buf, at);
                }
            });
            final Timing.Samples decode = Timing.measure(3, runs, () -> {
                for (int c = 0; c < calls; c++) {
                    Codecs.decode(codec, enc.parameter(), buf, at, d, y, 0);
                }
            });
            // Error and bias from a fresh sender, so top-k's residual starts at zero.
            final UpdateEncoder fresh = UpdateEncoder.of(codec, d, 12345);
            final double[] mean = new double[d];
            double err = 0;
            for (int n = 0; n < draws; n++) {
                fresh.encode(x, 0, d, buf, at);
                Codecs.decode(codec, fresh.parameter(), buf, at, d, y, 0);
                double e2 = 0;
                for (int i = 0; i < d; i++) {
                    mean[i] += y[i];
                    final double e = y[i] - x[i];
                    e2 += e * e;
                }
                if (n == 0) {
                    err = Math.sqrt(e2);
                }
            }
            double b2 = 0;
            double x2 = 0;
            for (int i = 0; i < d; i++) {
                final double b = mean[i] / draws - x[i];
                b2 += b * b;
                x2 += (double) x[i] * x[i];
            }
            final double gb = 4.0 * d * calls / 1e6;
            return new Row(codec.label(), dist, d, (double) bytes / d, gb / encode.median(), gb / decode.median(),
                err / Math.sqrt(x2), draws, Math.sqrt(b2 / x2));
        }
    }
}
