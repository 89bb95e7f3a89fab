package io.canopy.bench;

import io.canopy.ops.json.JsonWriter;
import java.util.List;

/** Tables and JSON for {@code bench transport} and {@code bench codecs}. */
final class DataPlaneOutput {

    static String udpNote(final int mtu) {
        return "UDP is loopback in one JVM: publisher and subscriber share one embedded media driver over"
            + " aeron:udp?endpoint=localhost:PORT, MTU " + mtu;
    }
    static final String TARGET_NOTE = "target: Canopy frames >= 80% of raw Aeron's bytes/s at d >= 1e5";

    private DataPlaneOutput() {
    }

    static String transportTable(final List<TransportBench.Case> cases, final int runs, final boolean quick,
                                 final int mtu) {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("machine: %s%nmedian of %d runs each after one warm-up%s; %s%n%s%n%n",
            BenchCommand.machine(), runs, quick ? " (--quick: 1/8 of the bytes per run)" : "", TARGET_NOTE, udpNote(mtu)));
        sb.append(String.format("%-6s %9s %-6s %11s %8s %12s %12s %10s %10s %7s %14s%n", "medium", "d", "codec",
            "frame bytes", "frames", "raw frm/s", "canopy frm/s", "raw GB/s", "can GB/s", "ratio", "can Mvalues/s"));
        for (final TransportBench.Case c : cases) {
            sb.append(String.format("%-6s %9d %-6s %11d %8d %12.0f %12.0f %10.2f %10.2f %6.0f%% %14.0f%n", c.medium(),
                c.d(), c.codec(), c.frameBytes(), c.frames(), c.rawFramesPerSecond(), c.canopyFramesPerSecond(),
                c.rawGBps(), c.canopyGBps(), 100 * c.ratio(), c.canopyFramesPerSecond() * c.d() / 1e6));
        }
        sb.append(String.format("%nratio = Canopy GB/s / raw GB/s for the same frame bytes; Mvalues/s = update values"
            + " delivered per second (an int8 frame carries ~4x the values per byte of an fp32 one)%n"));
        return sb.toString();
    }

    static String transportJson(final List<TransportBench.Case> cases, final int runs, final boolean quick,
                                final int mtu) {
        final JsonWriter j = new JsonWriter().beginObject()
            .field("machine", BenchCommand.machine())
            .field("runs", runs)
            .field("quick", quick)
            .field("note", udpNote(mtu))
            .field("udpMtu", mtu)
            .field("target", TARGET_NOTE)
            .name("cases").beginArray();
        for (final TransportBench.Case c : cases) {
            j.beginObject().field("medium", c.medium()).field("d", c.d()).field("codec", c.codec())
                .field("frame_bytes", c.frameBytes()).field("frames_per_run", c.frames())
                .field("raw_frames_per_s", c.rawFramesPerSecond()).field("canopy_frames_per_s", c.canopyFramesPerSecond())
                .field("raw_gbps", c.rawGBps()).field("canopy_gbps", c.canopyGBps()).field("ratio", c.ratio())
                .field("canopy_values_per_s", c.canopyFramesPerSecond() * c.d())
                .endObject();
        }
        return j.endArray().endObject().toString();
    }

    static String codecTable(final List<CodecBench.Row> rows, final int runs, final boolean quick) {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("machine: %s%nmedian of %d runs each%s; GB/s of fp32 values on one thread;"
            + " bias = ||mean of n decodings - x|| / ||x||%n%n", BenchCommand.machine(), runs,
            quick ? " (--quick: d=1e5)" : ""));
        sb.append(String.format("%-6s %-11s %9s %11s %11s %11s %10s %6s %10s%n", "codec", "vector", "d", "bytes/value",
            "encode GB/s", "decode GB/s", "rel. error", "draws", "rel. bias"));
        for (final CodecBench.Row r : rows) {
            sb.append(String.format("%-6s %-11s %9d %11.3f %11.2f %11.2f %10.2e %6d %10.2e%n", r.codec(), r.distribution(),
                r.d(), r.bytesPerValue(), r.encodeGBps(), r.decodeGBps(), r.relativeError(), r.draws(),
                r.relativeBias()));
        }
        return sb.toString();
    }

    static String codecJson(final List<CodecBench.Row> rows, final int runs, final boolean quick) {
        final JsonWriter j = new JsonWriter().beginObject()
            .field("machine", BenchCommand.machine())
            .field("runs", runs)
            .field("quick", quick)
            .name("codecs").beginArray();
        for (final CodecBench.Row r : rows) {
            j.beginObject().field("codec", r.codec()).field("distribution", r.distribution()).field("d", r.d())
                .field("bytes_per_value", r.bytesPerValue()).field("encode_gbps", r.encodeGBps())
                .field("decode_gbps", r.decodeGBps()).field("relative_l2_error", r.relativeError())
                .field("draws", r.draws()).field("relative_bias", r.relativeBias()).endObject();
        }
        return j.endArray().endObject().toString();
    }
}
