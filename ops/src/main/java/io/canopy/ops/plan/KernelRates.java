package io.canopy.ops.plan;

import io.canopy.codec.CodecId;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The costs of the kernels a round runs, in nanoseconds of one core per unit of work; the {@link CostModel}
 * multiplies them by the work of each tier. Either the built-in {@link #defaults()} or figures measured on
 * this machine by {@link Calibration} and stored as a properties file.
 *
 * @param gramNsPerFma           Multi-Krum's centred Gram matrix: per multiply-add of n(n+1)/2·d
 * @param krumNsPerPair          Multi-Krum's distances and per-row quickselect scores: per ordered pair, n²
 * @param trimmedMeanNsPerValue  coordinate-wise trimmed mean: per input value, n·d (SIMD selection path, n ≤ 256)
 * @param noiseNsPerValue        the secure Gaussian sampler adding noise: per coordinate
 * @param swarmNsPerValue        embedded mode only: a synthetic leaf making, clipping and encoding its update, per
 *                               value (not calibrated: it lives in tier0-leaf; backed out of demo runs)
 * @param frameNsPerUpdate       the fixed cost of one leaf frame whatever d: signing, checksum, signature check,
 *                               validation, transport; counted on the receiving node (not calibrated; backed out of
 *                               demo runs)
 * @param decodeNsPerValue       decoding a payload into a block row, per decoded value, by codec
 * @param source                 where the figures come from, printed with every plan
 */
public record KernelRates(double gramNsPerFma, double krumNsPerPair, double trimmedMeanNsPerValue,
                          double noiseNsPerValue, double swarmNsPerValue, double frameNsPerUpdate,
                          Map<CodecId, Double> decodeNsPerValue,
                          String source) {

    public KernelRates {
        decodeNsPerValue = Map.copyOf(decodeNsPerValue);
        for (final CodecId c : CodecId.values()) {
            if (!decodeNsPerValue.containsKey(c)) {
                throw new IllegalArgumentException("decode rate of " + c.label() + " is missing");
            }
        }
    }

    /**
     * Figures measured with {@code ./canopy plan --calibrate} on the 2-vCPU AMD EPYC (Zen 4, AVX-512) machine Canopy
     * is developed on, JDK 25, 2026-11-23, the median of three calibrations (the other engineer's build shared the
     * cores), rounded up: Gram 0.0333/0.0336/0.0342 ns per multiply-add (≈ 59 GFLOP/s, half the 1-core ceiling),
     * Multi-Krum pairs 20.1/20.2/20.4 ns (writing the n×n distance matrix and a quickselect per row), trimmed mean
     * 0.59/0.62/0.84 ns, secure noise 267/268/352 ns a coordinate, decoders per value fp32 0.073/0.077/0.089,
     * fp16 0.113/0.118/0.119, bf16 0.063/0.067/12.8 (a run where C2 had not yet compiled it), int8
     * 0.091/0.092/0.093, top-k 0.047/0.047/0.064. The swarm and frame figures are backed out of
     * {@code ./canopy demo --leaves 1000000} second rounds on the same machine (at 10^5 leaves a round's fixed costs
     * still show, and a first round carries JIT warm-up): 7.779 s at d = 100 (median of three, 769,000 updates) and
     * 60,164 updates/s at d = 1000 (one run), that is 20.2 and 33.2 µs of CPU an update on 2 cores; less this
     * model's Multi-Krum (14.5 and 24.5 µs an update for clusters of 769 of 900 answers), a + 100·b = 5.7 µs and
     * a + 1000·b = 8.7 µs, so a ≈ 5.4 µs a frame and b ≈ 3.3 ns a value. (An earlier fit to first-round 10^5
     * throughputs, a = 19.8 µs, overestimated 10^6- and 10^7-leaf rounds by 2×; see docs/planner.md, validation.)
     */
    public static KernelRates defaults() {
        final Map<CodecId, Double> decode = new EnumMap<>(CodecId.class);
        decode.put(CodecId.FP32, 0.078);
        decode.put(CodecId.FP16, 0.12);
        decode.put(CodecId.BF16, 0.068);
        decode.put(CodecId.INT8, 0.092);
        decode.put(CodecId.TOPK, 0.047);
        return new KernelRates(0.034, 20.3, 0.62, 268, 3.3, 5_400, decode, "built-in defaults (measured on a 2-vCPU EPYC"
            + " Zen 4, JDK 25; ./canopy plan --calibrate measures this machine)");
    }

    public double decode(final CodecId codec) {
        return decodeNsPerValue.get(codec);
    }

    public KernelRates withSource(final String newSource) {
        return new KernelRates(gramNsPerFma, krumNsPerPair, trimmedMeanNsPerValue, noiseNsPerValue, swarmNsPerValue,
            frameNsPerUpdate, decodeNsPerValue, newSource);
    }

    /** Reads a calibration file written by {@link #store}. */
    public static KernelRates load(final Path file) throws IOException {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        final KernelRates d = defaults();
        final Map<CodecId, Double> decode = new EnumMap<>(CodecId.class);
        for (final CodecId c : CodecId.values()) {
            decode.put(c, rate(p, file, "decode." + c.label() + ".ns-per-value", d.decode(c)));
        }
        final String when = p.getProperty("measured", "unknown time");
        return new KernelRates(rate(p, file, "gram.ns-per-fma", d.gramNsPerFma()),
            rate(p, file, "krum.ns-per-pair", d.krumNsPerPair()),
            rate(p, file, "trimmed-mean.ns-per-value", d.trimmedMeanNsPerValue()),
            rate(p, file, "noise.ns-per-value", d.noiseNsPerValue()),
            rate(p, file, "swarm.ns-per-value", d.swarmNsPerValue()),
            rate(p, file, "frame.ns-per-update", d.frameNsPerUpdate()), decode,
            "calibration " + file + " (measured " + when + ")");
    }

    /** The properties text of these rates, {@code measured} naming when. */
    public String store(final String measured) {
        final Properties p = new Properties();
        p.setProperty("measured", measured);
        p.setProperty("gram.ns-per-fma", Double.toString(gramNsPerFma));
        p.setProperty("krum.ns-per-pair", Double.toString(krumNsPerPair));
        p.setProperty("trimmed-mean.ns-per-value", Double.toString(trimmedMeanNsPerValue));
        p.setProperty("noise.ns-per-value", Double.toString(noiseNsPerValue));
        p.setProperty("swarm.ns-per-value", Double.toString(swarmNsPerValue));
        p.setProperty("frame.ns-per-update", Double.toString(frameNsPerUpdate));
        for (final CodecId c : CodecId.values()) {
            p.setProperty("decode." + c.label() + ".ns-per-value", Double.toString(decode(c)));
        }
        final StringWriter w = new StringWriter();
        try {
            p.store(w, "Canopy capacity planner: kernel costs, ns of one core per unit (./canopy plan --calibrate)");
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    private static double rate(final Properties p, final Path file, final String key, final double dflt) throws IOException {
        final String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        try {
            final double x = Double.parseDouble(v.trim());
            if (!(x > 0 && Double.isFinite(x))) {
                throw new NumberFormatException();
            }
            return x;
        } catch (final NumberFormatException e) {
            throw new IOException(file + ": " + key + " must be a positive number, got '" + v.trim().toLowerCase(Locale.ROOT)
                + "'");
        }
    }
}
