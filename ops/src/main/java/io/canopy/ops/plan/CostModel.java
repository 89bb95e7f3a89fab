package io.canopy.ops.plan;

import io.canopy.codec.CodecId;
import io.canopy.codec.Codecs;
import io.canopy.frame.FrameLayout;
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

    /** JVM, Pekko, Aeron term buffers and the rest a node holds besides update blocks: 512 MiB. */
    public static final long NODE_BASELINE_BYTES = 512L << 20;
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
