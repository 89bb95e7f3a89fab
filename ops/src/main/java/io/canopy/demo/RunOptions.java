package io.canopy.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.canopy.codec.CodecId;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.UsageException;

/**
 * The range checks the run commands ({@code demo}, {@code train}, {@code experiment}) share for their flags, and their
 * output files ({@code --json}, {@code --csv}, ...).
 */
public final class RunOptions {

    private RunOptions() {
    }

    public static long longValue(Options o, String name, long dflt, long min, long max) throws UsageException {
        String v = o.get(name);
        if (v == null) {
            return dflt;
        }
        long x;
        try {
            x = Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
        if (x < min || x > max) {
            throw new UsageException("--" + name + " must be in " + min + ".." + max + ", got " + x);
        }
        return x;
    }

    public static double probability(Options o, String name, double dflt, boolean zeroAllowed) throws UsageException {
        double x = o.doubleValue(name, dflt);
        if (!(zeroAllowed ? x >= 0 : x > 0) || x > 1) {
            throw new UsageException("--" + name + " must be in " + (zeroAllowed ? "[0, 1]" : "(0, 1]") + ", got " + x);
        }
        return x;
    }

    public static double fraction(Options o, String name, double dflt) throws UsageException {
        double x = o.doubleValue(name, dflt);
        if (!(x >= 0 && x < 1)) {
            throw new UsageException("--" + name + " must be in [0, 1), got " + x);
        }
        return x;
    }

    public static double positive(Options o, String name, double dflt) throws UsageException {
        double x = o.doubleValue(name, dflt);
        if (!(x > 0)) {
            throw new UsageException("--" + name + " must be positive, got " + x);
        }
        return x;
    }

    public static double delta(Options o) throws UsageException {
        double x = o.doubleValue("delta", 1e-5);
        if (!(x > 0 && x < 1)) {
            throw new UsageException("--delta must be in (0, 1), got " + x);
        }
        return x;
    }

    public static CodecId codec(Options o) throws UsageException {
        return codecNamed(o, "codec", "--codec must be one of fp32, fp16, bf16, int8, topk; got '");
    }

    /** {@code --held-codec}: fp32 (default), bf16 or int8; DemoSettings refuses a known codec that cannot hold rows. */
    public static CodecId heldCodec(Options o) throws UsageException {
        return codecNamed(o, "held-codec", "--held-codec must be fp32, bf16 or int8, got '");
    }

    /** The codec flag {@code key} names, fp32 when absent; an unknown label is refused with {@code refusal} + it + "'". */
    private static CodecId codecNamed(Options o, String key, String refusal) throws UsageException {
        if (!o.has(key)) {
            return CodecId.FP32;
        }
        CodecId codec = CodecId.fromLabel(o.get(key));
        if (codec == null) {
            throw new UsageException(refusal + o.get(key) + "'");
        }
        return codec;
    }

    /** {@code --signatures}: off (NONE), ed25519, ml-dsa-44 or ml-dsa-65. */
    public static io.canopy.frame.SignatureScheme signatures(Options o) throws UsageException {
        String v = o.has("signatures") ? o.get("signatures") : "off";
        io.canopy.frame.SignatureScheme scheme = v.equals("off") ? io.canopy.frame.SignatureScheme.NONE
            : io.canopy.enroll.PublicKeyList.schemeNamed(v);
        if (scheme == null) {
            throw new UsageException("--signatures must be off, ed25519, ml-dsa-44 or ml-dsa-65, got '" + v + "'");
        }
        return scheme;
    }

    /** An output file's path, refused up front when its directory is missing (so no run ends unwritten). */
    public static Path output(Options o, String flag) throws UsageException {
        if (!o.has(flag)) {
            return null;
        }
        Path file = Path.of(o.get(flag)).toAbsolutePath();
        if (!Files.isDirectory(file.getParent())) {
            throw new UsageException("--" + flag + " " + o.get(flag) + ": directory " + file.getParent() + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException("--" + flag + " " + o.get(flag) + " is a directory; give a file name");
        }
        return file;
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    public static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
