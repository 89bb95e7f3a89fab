package io.canopy.ops.plan;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.frame.FrameLayout;
import io.canopy.ingest.IngestBlock;
import io.canopy.random.NormalQuantile;

/**
 * The planner's cost model, one formula a term. Sizes are exact byte counts; times are seconds of one core
 * (CPU) or of one NIC (network), from the {@link KernelRates}. Assumptions, stated once:
 * <ul>
 *   <li>Counts are expectations: a cluster of c leaves is sent round(q·c) invitations and expects
 *       E = round(invited / over-selection) of them (as {@code Invitations.clusterPolicy}); p·invited answer,
 *       and every answer crosses the NIC even when it arrives after the cluster closed.</li>
 *   <li>A tier's inputs stream in while it collects, so collecting, receiving and decoding overlap: the
 *       stage takes the longest of the three. Decoding (per value, by codec) and the fixed per-frame work
 *       (checks, signature, transport; per answer) run on the node's one receive thread (TierIngest's agent); the rules run one block
 *       per core, so A aggregators on P cores take ceil(A/P) rule times.</li>
 *   <li>Tiers run one after the other: round time = stage 1 + stage 2 + stage 3. The model download to the
 *       leaves, the server optimizer step and the control plane are not counted.</li>
 *   <li>Embedded (one node, {@code ./canopy demo}): every tier and the synthetic swarm share the node's cores,
 *       frames move over Aeron IPC at {@link #IPC_BYTES_PER_S}, and the clusters' collection runs on the
 *       swarm's simulated clock, so the round takes total CPU / cores.</li>
 * </ul>
 */
public final class CostModel {

    /**
     * Live heap a node holds besides update blocks and d-sized vectors (classes' statics, Pekko, the layout, metrics):
     * 20 MiB. The demo's live heap (largest occupancy after a G1 collection) was 18–21 MiB at 10^4 leaves, d = 1,000,
     * and 55 MiB at 10^5 leaves, d = 1,000, of which 36 MiB were the gated release's copies and blocks (docs/planner.md).
     */
    public static final long HEAP_BASELINE_BYTES = 20L << 20;
    /**
     * Outside the heap: metaspace, code cache, thread stacks, Aeron's term buffers (3 terms a publication, in
     * /dev/shm), and the collector's headroom: 492 MiB, the rest of the planner's earlier 512 MiB baseline. An
     * allowance, not a measurement.
     */
    public static final long OFF_HEAP_BYTES = 492L << 20;
    /**
     * Embedded: core-ns of fixed work per cluster per round whatever d (its actor's messages, opening the round,
     * the swarm's per-cluster invitations, the report, the aggregates published): 55.5 µs, fitted to the demo's
     * steady round at 10^7 leaves, d = 100 (10,000 clusters), where it weighs most (docs/planner.md). It was 8.6 ms,
     * fitted to a second round at 10^5 leaves, whose time was mostly code not yet compiled.
     */
    public static final double CLUSTER_ROUND_NS = 5.55e4;
    /**
     * Embedded: wall seconds each pass of a round takes whatever its size (a pass goes down and up the tiers through
     * the actors and the coordinator; the round's ledger and checkpoint writes are durable): 0.081 s, fitted to the
     * demo's steady round at 10^4 leaves, d = 100 (gated: two passes), where it is nearly all of the round; the fixed
     * release at 10^4 leaves, d = 10^4 (one pass) is a check (docs/planner.md).
     */
    public static final double PASS_FIXED_S = 0.081;

    /** The passes a round of {@code rule} makes through the tiers: two for the gated release, one otherwise. */
    public static int passes(final ReleaseRule rule) {
        return rule == ReleaseRule.GATED ? 2 : 1;
    }
    /** Baseline of a node's memory: heap baseline plus off-heap allowance, 512 MiB. */
    public static final long NODE_BASELINE_BYTES = HEAP_BASELINE_BYTES + OFF_HEAP_BYTES;
    /** Aeron IPC throughput for 64 KiB–1 MiB messages, lower end of PERF-NOTES.md's 4–8 GB/s. */
    public static final double IPC_BYTES_PER_S = 4e9;
    /** The largest Java array: a block of rows × d floats must fit one (IngestBlock's limit). */
    public static final long MAX_BLOCK_FLOATS = Integer.MAX_VALUE - 16;

    private CostModel() {
    }

    /** One leaf frame: the 64-byte header, the codec's payload for d values, the signature. */
    public static long leafFrameBytes(final CodecId codec, final int d, final int signatureBytes) {
        return FrameLayout.HEADER_LENGTH + Codecs.payloadLength(codec, d, codecParameter(codec, d)) + signatureBytes;
    }

    /** One aggregate frame between tiers: header plus d fp32 values, unsigned (TierRuntime.publish). */
    public static long aggregateFrameBytes(final int d) {
        return FrameLayout.HEADER_LENGTH + 4L * d;
    }

    /** The codec parameter {@code UpdateEncoder.of} uses: int8 blocks of 256, top-k with k = d/100. */
    public static int codecParameter(final CodecId codec, final int d) {
        return switch (codec) {
            case INT8 -> Codecs.INT8_DEFAULT_BLOCK;
            case TOPK -> Math.max(1, d / 100);
            default -> 0;
        };
    }

    /**
     * Rows {@code IngestBlock} allocates for a group planned to send {@code planned} inputs: ceil(planned × margin)
     * ({@link IngestBlock#PLANNED_MARGIN_DEFAULT}) rounded up to whole chunks of {@link IngestBlock#CHUNK_ROWS} rows,
     * between 1 and {@code maxRows} (the hard maximum: the cluster size).
     */
    public static int plannedRows(final int planned, final int maxRows) {
        final long wanted = (long) Math.ceil(planned * IngestBlock.PLANNED_MARGIN_DEFAULT);
        final long chunks = (wanted + IngestBlock.CHUNK_ROWS - 1) / IngestBlock.CHUNK_ROWS;
        return (int) Math.max(1, Math.min(maxRows, chunks * IngestBlock.CHUNK_ROWS));
    }

    /**
     * Rows of one pooled cluster block on a node serving {@code served} clusters: a pooled block keeps the largest
     * plan it served, so the planned count of the largest of those clusters. Invitations per cluster are
     * Binomial(c, q) (divided by the over-selection under Multi-Krum); the largest of {@code served} is taken as
     * mean + z·sd with z = Φ⁻¹((n − 0.375)/(n + 0.25)), Blom's approximation of the expected maximum of n normals
     * (Blom 1958). Then {@link #plannedRows}.
     */
    public static int blockRows(final Fleet f, final ClusterRound c, final int served) {
        double sd = Math.sqrt(f.clusterSize() * f.samplingRate() * (1 - f.samplingRate()));
        if (!c.rule().plansEveryInvitation()) {
            sd /= f.overSelection();
        }
        final double z = served <= 1 ? 0 : NormalQuantile.of((served - 0.375) / (served + 0.25));
        return plannedRows((int) Math.ceil(c.expected() + z * sd), f.clusterSize());
    }

    /**
     * The gated release's pass-1 copies on a node with {@code clusters} clusters: each keeps its accepted rows
     * until the round's centre comes back ({@code ClusterAggregator.onGatedClosed}), so all of a round's are held at
     * once: n·d values a cluster at the held codec's bytes ({@code HeldRows.bytes}: 4 for fp32, 2 for bf16, 1 plus a
     * 4-byte scale per 256 for int8). 0 under the other releases.
     */
    public static long gatedCopyBytes(final ClusterRound c, final long clusters, final int d, final CodecId held) {
        return c.rule() == ReleaseRule.GATED ? clusters * io.canopy.privacy.release.HeldRows.bytes(held, c.accepted(), d) : 0;
    }

    /**
     * The d-sized working vectors a node holds besides blocks, 4 or 8 bytes a coordinate: per compute core a cluster
     * aggregation's double sums and float output (12d); embedded also per swarm thread (one per core) its float
     * update and double honest sum (12d), and the demo's round statistics, the model and the global output (24d).
     */
    public static long vectorBytes(final int d, final int cores, final boolean embedded) {
        return (long) d * (12L * cores + (embedded ? 12L * cores + 24 : 0));
    }

    /** The last-level cache the blocks in flight compete for: 32 MiB, one Zen 4 CCX's L3. */
    public static final long LLC_BYTES = 32L << 20;
    /**
     * Embedded: core-ns per accepted value that every pass over a value costs once the blocks in flight (and the gated
     * release's rows held for pass 2) no longer fit the last-level cache: the swarm's write, clip and encode, the IPC
     * copy and reassembly, the decode, the norm check, the Gram and the release passes then stream from main memory
     * at a few GB/s a core, where the kernel rates were measured in cache. 4.5 ns, fitted to the demo's steady round
     * at 10^4 leaves, d = 10^6 (`ops/plan/validate-demo.sh`, case d6); the scale curve's cells are the checks
     * (docs/planner.md).
     */
    public static final double SPILL_NS_PER_VALUE = 4.5;

    /**
     * The gated release's own passes, core-ns per accepted value, from PERF-NOTES' bandwidths rather than fitted: the
     * pass-1 copy of the accepted rows (4 bytes read and written at ~10 GB/s, 0.8 ns) and pass 2's read of the copy
     * (4 bytes at ~20 GB/s, 0.2 ns).
     */
    public static final double GATED_NS_PER_VALUE = 1.0;

    /**
     * {@link #SPILL_NS_PER_VALUE} × the share of a working set of {@code bytes} that misses the last-level cache,
     * max(0, 1 − LLC / bytes): 0 while the blocks in flight fit it.
     */
    public static double spillNsPerValue(final double bytes) {
        return bytes <= LLC_BYTES ? 0 : SPILL_NS_PER_VALUE * (1 - LLC_BYTES / bytes);
    }

    /** A preallocated block of rows × d floats: 4·rows·d bytes (decoded, whatever the codec). */
    public static long blockBytes(final long rows, final int d) {
        return 4L * rows * d;
    }

    /**
     * Multi-Krum's scratch for n rows (MultiKrum.Workspace, one per worker core): the n×n distance matrix in
     * doubles, 8n², plus the Gram kernel's lower-triangle accumulator, 8·n(n+1)/2.
     */
    public static long gramBytes(final long n) {
        return 8 * n * n + 8 * (n * (n + 1) / 2);
    }

    /** Multi-Krum of n updates of d values on one core: n(n+1)/2·d multiply-adds plus n² distance/score pairs. */
    public static double krumSeconds(final int n, final int d, final KernelRates r) {
        return ((double) n * (n + 1) / 2 * d * r.gramNsPerFma() + (double) n * n * r.krumNsPerPair()) * 1e-9;
    }

    /** Coordinate-wise trimmed mean of n inputs of d values on one core: n·d selection work. */
    public static double trimmedMeanSeconds(final int n, final int d, final KernelRates r) {
        return (double) n * d * r.trimmedMeanNsPerValue() * 1e-9;
    }

    /** Decoding {@code values} values of {@code codec} on one core. */
    public static double decodeSeconds(final double values, final CodecId codec, final KernelRates r) {
        return values * r.decode(codec) * 1e-9;
    }

    /**
     * The fixed per-frame costs of {@code frames} leaf frames (checks, transport) plus {@code verifyUs} µs each to verify
     * its signature, on one core: with signatures on, verification is thousands of times the rest of the checks.
     */
    public static double frameSeconds(final double frames, final KernelRates r, final double verifyUs) {
        return frames * (r.frameNsPerUpdate() + verifyUs * 1e3) * 1e-9;
    }

    /** Adding Gaussian noise to d coordinates (0 when the tier adds none). */
    public static double noiseSeconds(final int d, final boolean noisy, final KernelRates r) {
        return noisy ? d * r.noiseNsPerValue() * 1e-9 : 0;
    }

    /** Seconds to move {@code bytes} through a link of {@code bytesPerSecond}. */
    public static double transferSeconds(final double bytes, final double bytesPerSecond) {
        return bytes / bytesPerSecond;
    }

    /**
     * P[an invited leaf's answer arrives by the deadline] = p·Φ((ln deadline − ln median)/σ), answer times
     * log-normal with the given median and σ (σ = 0: every answer takes the median).
     */
    public static double answerInTime(final double p, final double medianMs, final double sigma, final double deadlineMs) {
        if (sigma == 0) {
            return medianMs <= deadlineMs ? p : 0;
        }
        return p * normalCdf((Math.log(deadlineMs) - Math.log(medianMs)) / sigma);
    }

    /**
     * When a cluster closes, in seconds after it opened: the time of its E-th answer, the u = E/(p·invited)
     * quantile of the answer time, median·exp(σ·Φ⁻¹(u)), if E answers are expected before the deadline;
     * otherwise the deadline.
     */
    public static double collectSeconds(final int expected, final int invited, final double p, final double inTime,
                                        final double medianMs, final double sigma, final double deadlineMs) {
        if (expected > invited * inTime) {
            return deadlineMs / 1e3;
        }
        final double u = expected / (invited * p);
        if (u >= 1) {
            return deadlineMs / 1e3;
        }
        return Math.min(deadlineMs, medianMs * Math.exp(sigma * NormalQuantile.of(u))) / 1e3;
    }

    /** Φ(x), from erfc by the Chebyshev fit of Numerical Recipes' erfcc (fractional error below 1.2e-7). */
    static double normalCdf(final double x) {
        final double z = Math.abs(x) / Math.sqrt(2);
        final double t = 1 / (1 + 0.5 * z);
        final double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
            + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc / 2 : erfc / 2;
    }
}
