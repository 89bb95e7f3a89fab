package io.canopy.bench;

import io.canopy.kernel.Ceilings;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.json.JsonWriter;
import io.canopy.transport.TransportContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * {@code ./canopy bench kernels|transport|codecs}: see {@link KernelBench}, {@link TransportBench}
 * and {@link CodecBench}.
 */
public final class BenchCommand implements CliCommand {

    private static final List<Spec> SPECS = List.of(
        Spec.flag("json", "print the results as one JSON object on stdout (progress stays on stderr)"),
        Spec.value("runs", "N", "measured runs per case after the warm-up; the median is reported (default 5)"),
        Spec.flag("quick", "smaller sizes (kernels: 10x, transport: 1/8 of the bytes, codecs: d=1e5): a smoke test in"
            + " seconds, not the figures to quote"),
        Spec.value("mtu", "BYTES", "transport only: the UDP channel's MTU, a multiple of 32 in 64..65504 (default 65504, the"
            + " transport's choice for a loopback endpoint; 8192 is its default between hosts: docs/data-plane.md)"),
        Spec.flag("peers", "kernels only: also time the NumPy peers (shared/peers/numpy_aggregators.py) at the same sizes; needs"
            + " python3 with NumPy; flower-krum at n=1000 takes several minutes"),
        Spec.value("peers-script", "FILE", "the peer script (default ../shared/peers/numpy_aggregators.py beside the"
            + " checkout)"));

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmark kernels against this machine's ceilings, the data plane against raw Aeron, the codecs"
            + " (bench kernels|transport|codecs [--json])";
    }

    @Override
    public String help() {
        return Options.help("./canopy bench kernels|transport|codecs [--json] [--runs N] [--quick] [--mtu BYTES] [--peers]",
            """
                bench kernels runs in one process: this machine's FMA (1 and all threads, register-resident) and
                memory-read ceilings; the Gram kernel and Multi-Krum at (n=1000, d=100000, f=300) and
                (n=100, d=1000000, f=30); the trimmed mean (beta=0.1) and median at (n=100, d=1000000);
                and each Vector API kernel against its scalar reference at d=1000000. Reports the median
                milliseconds, GFLOP/s or GB/s, and the fraction of the measured ceiling. Needs ~1.5 GB heap.

                bench transport starts an embedded Aeron media driver (in /dev/shm) and, in one run, sends
                the same frame bytes through raw Aeron (no framing) and as Canopy frames (encode, Aeron,
                reassemble, validate, decode), over IPC and UDP loopback (one JVM, one driver), for
                d = 1e4, 1e5, 1e6 at fp32 and int8. Reports frames/s, GB/s and the Canopy/raw ratio.
                Takes about a minute; uses both cores. The figures move a lot on a busy machine: compare
                the ratio within one run.

                bench codecs measures each codec (fp32, fp16, bf16, int8, topk with k = d/100) on Gaussian
                and Student-t(3) vectors at d = 1e6: bytes per value, encode and decode GB/s, relative L2
                error, and the relative bias of the mean of 100 decodings.""",
            SPECS);
    }

    @Override
    public int run(final List<String> args, final PrintStream out, final PrintStream err) throws Exception {
        final Options o = Options.parse(SPECS, args);
        final List<String> which = List.of("kernels", "transport", "codecs");
        if (o.positional().size() != 1 || !which.contains(o.positional().get(0))) {
            throw new UsageException(o.positional().isEmpty() ? "which benchmark? (expected: kernels, transport or codecs)"
                : "unknown benchmark '" + String.join(" ", o.positional()) + "' (expected: kernels, transport or codecs)");
        }
        final String bench = o.positional().get(0);
        final boolean quick = o.has("quick");
        if (!bench.equals("kernels") && (o.has("peers") || o.has("peers-script"))) {
            throw new UsageException("--peers and --peers-script apply to bench kernels only");
        }
        if (!bench.equals("transport") && o.has("mtu")) {
            throw new UsageException("--mtu applies to bench transport only");
        }
        if (bench.equals("transport")) {
            final int runs = o.intValue("runs", 5, 1, 1000);
            final int mtu = o.intValue("mtu", TransportContext.UDP_MTU_LOOPBACK_BYTES, 64, TransportContext.UDP_MTU_MAX_BYTES);
            if (mtu % 32 != 0) {
                throw new UsageException("--mtu must be a multiple of 32, got " + mtu);
            }
            final TransportBench tb = new TransportBench(runs, quick, err, mtu);
            final List<TransportBench.Case> cases = tb.run();
            out.print(o.has("json") ? DataPlaneOutput.transportJson(cases, runs, quick, tb.udpMtu()) + "\n"
                : DataPlaneOutput.transportTable(cases, runs, quick, tb.udpMtu()));
            return OK;
        }
        if (bench.equals("codecs")) {
            final int runs = o.intValue("runs", 5, 1, 1000);
            final List<CodecBench.Row> rows = new CodecBench(runs, quick, err).run();
            out.print(o.has("json") ? DataPlaneOutput.codecJson(rows, runs, quick) + "\n"
                : DataPlaneOutput.codecTable(rows, runs, quick));
            return OK;
        }
        final int runs = o.intValue("runs", 5, 1, 1000);
        final PeerBaselines peers = new PeerBaselines(
            o.has("peers-script") ? Path.of(o.get("peers-script")) : PeerBaselines.defaultScript());
        if (o.has("peers") && !peers.available()) {
            throw new UsageException("peer script not found: " + (o.has("peers-script") ? o.get("peers-script")
                : PeerBaselines.defaultScript()) + " (give --peers-script FILE)");
        }
        final KernelBench.Report report = new KernelBench(runs, quick, err).run();
        final List<PeerResult> peerResults = o.has("peers") ? runPeers(peers, report, err) : List.of();
        out.print(o.has("json") ? json(report, peerResults, runs, quick) + "\n" : table(report, peerResults, runs, quick));
        return OK;
    }

    /** A NumPy peer's median time beside ours at the same size. */
    record PeerResult(String peer, String ours, int n, int d, double peerMs, double oursMs) {
        double speedup() {
            return peerMs / oursMs;
        }
    }

    private static List<PeerResult> runPeers(final PeerBaselines peers, final KernelBench.Report r, final PrintStream err)
        throws IOException, InterruptedException {
        final List<PeerResult> out = new ArrayList<>();
        for (final KernelBench.Case c : r.cases()) {
            final String peer = switch (c.name()) {
                case "multikrum" -> "gram-krum";
                case "trimmed-mean" -> "trimmed-mean";
                default -> null;
            };
            if (peer == null) {
                continue;
            }
            err.printf("bench: NumPy peer %s at n=%d, d=%d ...%n", peer, c.n(), c.d());
            out.add(new PeerResult(peer, c.name(), c.n(), c.d(), 1e3 * peers.medianSeconds(peer, c.n(), c.d(), 3),
                c.samples().median()));
            if (peer.equals("gram-krum") && c.n() >= 1000) {
                err.printf("bench: NumPy peer flower-krum at n=%d, d=%d (one run after one warm-up; minutes) ...%n",
                    c.n(), c.d());
                out.add(new PeerResult("flower-krum", c.name(), c.n(), c.d(),
                    1e3 * peers.medianSeconds("flower-krum", c.n(), c.d(), 1), c.samples().median()));
            }
        }
        return out;
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (final IOException | RuntimeException ignored) {
            // Not Linux: the CPU name is only a label.
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, JDK " + Runtime.version()
            + ", " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors";
    }

    static String table(final KernelBench.Report r, final List<PeerResult> peers, final int runs, final boolean quick) {
        final StringBuilder sb = new StringBuilder();
        final Ceilings.Figures c = r.ceilings();
        sb.append(String.format("machine: %s%nmedian of %d runs each%s%n%n", machine(), runs,
            quick ? " (--quick: reduced sizes)" : ""));
        sb.append(String.format("ceilings (fastest of >= 7 runs): FMA %.1f GFLOP/s (1 thread), %.1f GFLOP/s (%d threads);"
            + " memory read %.1f GB/s (1 thread), %.1f GB/s (%d threads)%n%n", c.fma1(), c.fmaAll(), c.threads(), c.stream1(),
            c.streamAll(), c.threads()));
        sb.append(String.format("%-14s %6s %9s %11s %11s %11s %10s  %s%n", "kernel", "n", "d", "median ms", "min ms",
            "max ms", "rate", "of ceiling"));
        for (final KernelBench.Case k : r.cases()) {
            sb.append(String.format("%-14s %6d %9d %11.1f %11.1f %11.1f %10s  %.0f%% (%s)%n", k.name(), k.n(), k.d(),
                k.samples().median(), k.samples().min(), k.samples().max(),
                String.format("%.1f %s", k.rate(), k.unit().equals("GB/s") ? "GB/s" : "GF/s"),
                Math.floor(100 * k.fractionOfCeiling()), k.ceilingName()));
        }
        sb.append(String.format("%n%-16s %9s %12s %12s %9s%n", "Vector API", "d", "vector ns", "scalar ns", "speedup"));
        for (final KernelBench.KernelRatio k : r.kernels()) {
            sb.append(String.format("%-16s %9d %12.0f %12.0f %8.1fx%n", k.kernel(), k.d(), k.vectorNs(), k.scalarNs(),
                k.speedup()));
        }
        if (!peers.isEmpty()) {
            sb.append(String.format("%n%-14s %-14s %6s %9s %11s %11s %9s%n", "NumPy peer", "ours", "n", "d", "peer ms",
                "ours ms", "speedup"));
            for (final PeerResult p : peers) {
                sb.append(String.format("%-14s %-14s %6d %9d %11.1f %11.1f %8.2fx%n", p.peer(), p.ours(), p.n(), p.d(),
                    p.peerMs(), p.oursMs(), p.speedup()));
            }
        }
        return sb.toString();
    }

    static String json(final KernelBench.Report r, final List<PeerResult> peers, final int runs, final boolean quick) {
        final Ceilings.Figures c = r.ceilings();
        final JsonWriter j = new JsonWriter().beginObject()
            .field("machine", machine())
            .field("runs", runs)
            .field("quick", quick)
            .name("ceilings").beginObject()
            .field("threads", c.threads())
            .field("fma_gflops_1_thread", c.fma1())
            .field("fma_gflops_all_threads", c.fmaAll())
            .field("memory_read_gbps_1_thread", c.stream1())
            .field("memory_read_gbps_all_threads", c.streamAll())
            .endObject()
            .name("cases").beginArray();
        for (final KernelBench.Case k : r.cases()) {
            j.beginObject().field("name", k.name()).field("n", k.n()).field("d", k.d())
                .field("median_ms", k.samples().median()).field("min_ms", k.samples().min())
                .field("max_ms", k.samples().max()).field("rate", k.rate()).field("unit", k.unit())
                .field("ceiling", k.ceiling()).field("ceiling_name", k.ceilingName())
                .field("fraction_of_ceiling", k.fractionOfCeiling()).endObject();
        }
        j.endArray().name("vector_vs_scalar").beginArray();
        for (final KernelBench.KernelRatio k : r.kernels()) {
            j.beginObject().field("kernel", k.kernel()).field("d", k.d()).field("vector_ns", k.vectorNs())
                .field("scalar_ns", k.scalarNs()).field("speedup", k.speedup()).endObject();
        }
        j.endArray().name("peers").beginArray();
        for (final PeerResult p : peers) {
            j.beginObject().field("peer", p.peer()).field("ours", p.ours()).field("n", p.n()).field("d", p.d())
                .field("peer_ms", p.peerMs()).field("ours_ms", p.oursMs()).field("speedup", p.speedup()).endObject();
        }
        return j.endArray().endObject().toString();
    }
}
