package io.canopy.ops.plan;

import io.canopy.codec.CodecId;
import io.canopy.ops.format.Figures;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the capacity planner plans for: the fleet, the round, the hardware and the targets. Every field has a
 * key (the flag without its dashes, and the key of a {@code --fleet} file) and a default; the defaults are the
 * 10M-leaf tree of DESIGN.md and of {@code ./canopy privacy plan} ({@code TreeShape.defaults()}): 10^7 leaves,
 * clusters of 1,000, 100 clusters per continent, so 10^4 clusters and 100 continents, q = 0.1, d = 10^6,
 * quorum 0.6, over-selection 1.3, target (ε, δ) = (2, 1e-5) over 1,000 rounds.
 *
 * @param leaves               N, a multiple of clusterSize·clustersPerContinent
 * @param dimension            d, values per update
 * @param samplingRate         q, the probability a leaf is invited in a round
 * @param clusterSize          leaves assigned to one cluster aggregator
 * @param clustersPerContinent K, clusters feeding one continental aggregator
 * @param responseProbability  p, the probability an invited leaf answers at all
 * @param latencyMedianMs      median of the log-normal time an answering leaf takes
 * @param latencySigma         σ of ln(latency)
 * @param clusterDeadlineMs    the cluster's hard deadline: answers later than this are lost
 * @param quorum               quorum fraction of every tier, in (0, 1]
 * @param overSelection        invitations per expected input (a cluster expects invited / overSelection)
 * @param codec                leaf update codec (aggregates between tiers are always fp32)
 * @param signatureBytes       signature bytes per leaf frame (64: Ed25519; 0: unsigned)
 * @param verifyUs             µs of a cluster node's receive thread to verify one leaf frame's signature (0: signatures
 *                             off, as the demo and fleet nodes run by default; Ed25519 ≈ 550, SignatureBenchmark)
 * @param blockRows            rows of a cluster's block; 0 for what the ingest allocates: the largest planned count
 *                             among the node's clusters × margin 1, in chunks of 8 rows ({@code IngestBlock})
 * @param krumF                f of the clusters' Multi-Krum
 * @param release              auto, gated, fixed or multikrum, as the nodes' and demo's {@code release} ({@link ReleaseRule})
 * @param detectorSample       under a planned release, the share of clusters running Multi-Krum as a detector each
 *                             round (the demo's {@code --detector-sample}); 1 under multikrum
 * @param heldCodec            how the gated release's clusters hold their accepted rows between the passes (the demo's
 *                             {@code --held-codec}): fp32, bf16 or int8
 * @param beta                 trimmed-mean trim fraction at tiers 2 and 3
 * @param clip                 C, the L2 clip norm
 * @param coresPerNode         cores of one node
 * @param memoryPerNodeGib     memory of one node, GiB
 * @param nicGbps              NIC bandwidth of one node, Gbit/s (each direction)
 * @param targetRoundS         the round time to meet, seconds
 * @param targetCompletion     the probability of completion the over-selection is sized for
 * @param epsilon              target ε of the published model after {@code rounds} rounds
 * @param delta                target δ
 * @param rounds               T
 * @param clusterNodes         nodes of tier 1; 0 for the fewest that meet the target
 * @param continentalNodes     nodes of tier 2; 0 for the fewest that meet the target
 * @param openClusters         cluster blocks in memory at once per node; 0 for all of the node's clusters (one
 *                             node embedded: the demo's window 4 + cores + 1)
 * @param embedded             one node runs every tier and the synthetic swarm, as {@code ./canopy demo} does
 */
public record Fleet(long leaves, int dimension, double samplingRate, int clusterSize, int clustersPerContinent,
                    double responseProbability, double latencyMedianMs, double latencySigma, double clusterDeadlineMs,
                    double quorum, double overSelection, CodecId codec, int signatureBytes, double verifyUs, int blockRows, int krumF,
                    String release, double detectorSample, CodecId heldCodec,
                    double beta, double clip, int coresPerNode, double memoryPerNodeGib, double nicGbps,
                    double targetRoundS, double targetCompletion, double epsilon, double delta, long rounds,
                    int clusterNodes, int continentalNodes, int openClusters, boolean embedded) {

    /** Every key with its default (as text) and its help line, in the order of {@code --help}. */
    public static final Map<String, String[]> KEYS = keys();

    /** The demo's clusters in flight ({@code ./canopy demo --window}), used for {@code open-clusters} when embedded. */
    static final int DEMO_WINDOW = 4;

    public Fleet {
        require(leaves >= 1, "leaves", leaves, ">= 1");
        require(dimension >= 1, "dimension", dimension, ">= 1");
        require(samplingRate > 0 && samplingRate <= 1, "q", samplingRate, "in (0, 1]");
        require(clusterSize >= 1, "cluster-size", clusterSize, ">= 1");
        require(clusterSize <= leaves, "cluster-size", clusterSize, "at most leaves (" + leaves + ")");
        require(clustersPerContinent >= 1, "clusters-per-continent", clustersPerContinent, ">= 1");
        require(responseProbability > 0 && responseProbability <= 1, "response-probability", responseProbability,
            "in (0, 1]");
        require(latencyMedianMs > 0 && Double.isFinite(latencyMedianMs), "latency-median-ms", latencyMedianMs, "> 0");
        require(latencySigma >= 0 && Double.isFinite(latencySigma), "latency-sigma", latencySigma, ">= 0");
        require(clusterDeadlineMs > 0 && Double.isFinite(clusterDeadlineMs), "cluster-deadline-ms", clusterDeadlineMs,
            "> 0");
        require(quorum > 0 && quorum <= 1, "quorum", quorum, "in (0, 1]");
        require(overSelection >= 1 && Double.isFinite(overSelection), "over-selection", overSelection, ">= 1");
        require(codec != null, "codec", codec, "one of fp32, fp16, bf16, int8, topk");
        require(signatureBytes >= 0, "signature-bytes", signatureBytes, ">= 0");
        require(verifyUs >= 0 && Double.isFinite(verifyUs), "verify-us", verifyUs, ">= 0");
        require(blockRows >= 0, "block-rows", blockRows, ">= 0 (0: cluster-size)");
        require(krumF >= 0, "krum-f", krumF, ">= 0");
        require(io.canopy.global.plan.RoundDesign.RELEASES.contains(release), "release", release,
            "one of " + String.join(", ", io.canopy.global.plan.RoundDesign.RELEASES));
        require(detectorSample > 0 && detectorSample <= 1, "detector-sample", detectorSample, "in (0, 1]");
        require(detectorSample == 1 || !"multikrum".equals(release), "detector-sample", detectorSample,
            "1 under release multikrum (Multi-Krum is the release there)");
        require(io.canopy.round.ReleaseSpec.HELD_CODECS.contains(heldCodec), "held-codec", heldCodec == null ? null
            : heldCodec.label(), "one of fp32, bf16, int8");
        require(heldCodec == CodecId.FP32 || "gated".equals(release) || "auto".equals(release), "held-codec",
            heldCodec.label(), "fp32 under release " + release + " (only the gated release holds rows between two passes)");
        require(beta >= 0 && beta < 0.5, "beta", beta, "in [0, 0.5)");
        require(clip > 0 && Double.isFinite(clip), "clip", clip, "> 0");
        require(coresPerNode >= 1, "cores-per-node", coresPerNode, ">= 1");
        require(memoryPerNodeGib > 0 && Double.isFinite(memoryPerNodeGib), "memory-per-node-gib", memoryPerNodeGib, "> 0");
        require(nicGbps > 0 && Double.isFinite(nicGbps), "nic-gbps", nicGbps, "> 0");
        require(targetRoundS > 0 && Double.isFinite(targetRoundS), "target-round-s", targetRoundS, "> 0");
        require(targetCompletion > 0 && targetCompletion < 1, "target-completion", targetCompletion, "in (0, 1)");
        require(epsilon > 0 && Double.isFinite(epsilon), "epsilon", epsilon, "> 0");
        require(delta > 0 && delta < 1, "delta", delta, "in (0, 1)");
        require(rounds >= 1, "rounds", rounds, ">= 1");
        require(clusterNodes >= 0, "cluster-nodes", clusterNodes, ">= 0 (0: auto)");
        require(continentalNodes >= 0, "continental-nodes", continentalNodes, ">= 0 (0: auto)");
        require(openClusters >= 0, "open-clusters", openClusters, ">= 0 (0: auto)");
        final long perContinent = (long) clusterSize * clustersPerContinent;
        if (leaves % perContinent != 0) {
            throw new IllegalArgumentException("leaves must be a multiple of cluster-size x clusters-per-continent = "
                + perContinent + ", got " + leaves);
        }
        require(leaves / clusterSize <= Integer.MAX_VALUE, "leaves", leaves, "at most 2^31-1 clusters' worth");
        require(clusterNodes <= clusters(leaves, clusterSize), "cluster-nodes", clusterNodes,
            "at most the clusters (" + clusters(leaves, clusterSize) + ")");
        require(continentalNodes <= clusters(leaves, clusterSize) / clustersPerContinent, "continental-nodes",
            continentalNodes, "at most the continents (" + clusters(leaves, clusterSize) / clustersPerContinent + ")");
        require(!embedded || clusterNodes <= 1 && continentalNodes <= 1, "embedded", embedded,
            "false when cluster-nodes or continental-nodes is above 1");
    }

    /** The default 10M-leaf tree on 16-core, 64 GiB, 10 Gbit/s nodes. */
    public static Fleet defaults() {
        return parse(Map.of());
    }

    /** A fleet from key → value text; keys not given take their defaults. Errors name the key. */
    public static Fleet parse(final Map<String, String> given) {
        for (final String key : given.keySet()) {
            if (!KEYS.containsKey(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: " + String.join(", ", KEYS.keySet())
                    + ")");
            }
        }
        final Values v = new Values(given);
        return new Fleet(v.lng("leaves"), v.integer("dimension"), v.dbl("q"), v.integer("cluster-size"),
            v.integer("clusters-per-continent"), v.dbl("response-probability"), v.dbl("latency-median-ms"),
            v.dbl("latency-sigma"), v.dbl("cluster-deadline-ms"), v.dbl("quorum"), v.dbl("over-selection"),
            v.codec("codec"), v.integer("signature-bytes"), v.dbl("verify-us"), v.integer("block-rows"), v.integer("krum-f"),
            v.text("release").toLowerCase(Locale.ROOT), v.dbl("detector-sample"), v.codec("held-codec"), v.dbl("beta"),
            v.dbl("clip"), v.integer("cores-per-node"), v.dbl("memory-per-node-gib"), v.dbl("nic-gbps"),
            v.dbl("target-round-s"), v.dbl("target-completion"), v.dbl("epsilon"), v.dbl("delta"), v.lng("rounds"),
            v.integer("cluster-nodes"), v.integer("continental-nodes"), v.integer("open-clusters"), v.bool("embedded"));
    }

    /** Every key with this fleet's value as text: {@link #parse} of it gives this fleet back. */
    public Map<String, String> toMap() {
        final Object[] values = {leaves, dimension, samplingRate, clusterSize, clustersPerContinent, responseProbability,
            latencyMedianMs, latencySigma, clusterDeadlineMs, quorum, overSelection, codec.label(), signatureBytes,
            verifyUs, blockRows, krumF, release, detectorSample, heldCodec.label(), beta, clip, coresPerNode, memoryPerNodeGib, nicGbps,
            targetRoundS, targetCompletion, epsilon, delta, rounds, clusterNodes, continentalNodes, openClusters, embedded};
        final Map<String, String> m = new LinkedHashMap<>();
        int i = 0;
        for (final String key : KEYS.keySet()) {
            final Object v = values[i++];
            m.put(key, v instanceof Double x ? Figures.exact(x) : String.valueOf(v));
        }
        return m;
    }

    /** This fleet with some keys changed. */
    public Fleet with(final Map<String, String> changes) {
        final Map<String, String> m = new LinkedHashMap<>(toMap());
        m.putAll(changes);
        return parse(m);
    }

    public int clusters() {
        return (int) clusters(leaves, clusterSize);
    }

    public int continents() {
        return clusters() / clustersPerContinent;
    }

    /**
     * Rows of one cluster's block: {@code block-rows}, or what the ingest allocates for {@code c}'s plans
     * ({@link CostModel#blockRows}) on a node serving {@code clustersServed} clusters.
     */
    public int clusterBlockRows(final ClusterRound c, final int clustersServed) {
        return blockRows == 0 ? CostModel.blockRows(this, c, clustersServed) : blockRows;
    }

    /** Node memory in bytes. */
    public long memoryPerNodeBytes() {
        return (long) Math.floor(memoryPerNodeGib * (1L << 30));
    }

    /** NIC bandwidth in bytes per second. */
    public double nicBytesPerSecond() {
        return nicGbps * 1e9 / 8;
    }

    private static long clusters(final long leaves, final int clusterSize) {
        return leaves / clusterSize;
    }

    private static void require(final boolean ok, final String key, final Object value, final String what) {
        if (!ok) {
            final String shown = value instanceof Double x ? Figures.exact(x) : String.valueOf(value);
            throw new IllegalArgumentException(key + " must be " + what + ", got " + shown);
        }
    }

    /** Reads typed values from the given text, falling back on each key's default. */
    private record Values(Map<String, String> given) {
        String text(final String key) {
            final String v = given.get(key);
            return (v == null ? KEYS.get(key)[0] : v).trim().replace("_", "");
        }

        long lng(final String key) {
            try {
                return Long.parseLong(text(key));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer, got '" + text(key) + "'");
            }
        }

        int integer(final String key) {
            final long x = lng(key);
            if (x != (int) x) {
                throw new IllegalArgumentException(key + " must be at most " + Integer.MAX_VALUE + ", got " + x);
            }
            return (int) x;
        }

        double dbl(final String key) {
            final double x;
            try {
                x = Double.parseDouble(text(key));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, got '" + text(key) + "'");
            }
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException(key + " must be finite, got '" + text(key) + "'");
            }
            return x;
        }

        CodecId codec(final String key) {
            final CodecId c = CodecId.fromLabel(text(key).toLowerCase(Locale.ROOT));
            if (c == null) {
                throw new IllegalArgumentException(key + " must be one of fp32, fp16, bf16, int8, topk, got '"
                    + text(key) + "'");
            }
            return c;
        }

        boolean bool(final String key) {
            return switch (text(key).toLowerCase(Locale.ROOT)) {
                case "true", "yes" -> true;
                case "false", "no" -> false;
                default -> throw new IllegalArgumentException(key + " must be true or false, got '" + text(key) + "'");
            };
        }
    }

    private static Map<String, String[]> keys() {
        final Map<String, String[]> m = new LinkedHashMap<>();
        m.put("leaves", new String[] {"10000000", "fleet size N, a multiple of cluster-size x clusters-per-continent"});
        m.put("dimension", new String[] {"1000000", "model dimension d: values per update"});
        m.put("q", new String[] {"0.1", "probability each leaf is invited in a round (Poisson sampling), in (0, 1]"});
        m.put("cluster-size", new String[] {"1000", "leaves per cluster aggregator (tier 1)"});
        m.put("clusters-per-continent", new String[] {"100", "K, clusters per continental aggregator (tier 2)"});
        m.put("response-probability", new String[] {"0.9", "p, chance an invited leaf answers at all, in (0, 1]"});
        m.put("latency-median-ms", new String[] {"200", "median answer time of a leaf (log-normal), ms"});
        m.put("latency-sigma", new String[] {"0.5", "sigma of ln(answer time); 0 = every leaf takes the median"});
        m.put("cluster-deadline-ms", new String[] {"4000", "cluster hard deadline: later answers are lost, ms"});
        m.put("quorum", new String[] {"0.6", "quorum fraction of the expected inputs, every tier, in (0, 1]"});
        m.put("over-selection", new String[] {"1.3", "invitations per expected update: a cluster expects invited/this"});
        m.put("codec", new String[] {"fp32", "leaf update codec: fp32, fp16, bf16, int8 (blocks of 256), topk (k=d/100)"});
        m.put("signature-bytes", new String[] {"64", "signature per leaf frame, bytes (64 Ed25519, 0 unsigned)"});
        m.put("verify-us", new String[] {"0", "microseconds to verify one leaf frame's signature on a cluster node's"
            + " receive thread; 0 = signatures off (the default in the demo and fleet nodes); Ed25519 measured about 550"
            + " (docs/security.md); embedded, the synthetic swarm signs at the same cost"});
        m.put("block-rows", new String[] {"0", "rows of a cluster's update block; 0 = what the ingest allocates: the largest"
            + " planned count among a node's clusters (invited leaves, or invited/over-selection under multikrum) x margin 1,"
            + " in chunks of 8 rows, at most cluster-size"});
        m.put("krum-f", new String[] {"20", "f of the clusters' Multi-Krum (as privacy plan's multikrum-f)"});
        m.put("release", new String[] {"auto", "how the update is released, as the nodes' and demo's release: auto (gated,"
            + " or fixed when the centre's noise would shut the gate), gated (keeps every cluster's accepted rows for"
            + " pass 2), fixed, multikrum"});
        m.put("detector-sample", new String[] {"1", "under a planned release (auto, gated, fixed), the share of clusters"
            + " that run Multi-Krum as a detector each round, as the demo's --detector-sample: the clusters' Multi-Krum"
            + " time scales with it"});
        m.put("held-codec", new String[] {"fp32", "how the gated release's clusters hold their accepted rows between pass 1"
            + " and pass 2, as the demo's --held-codec: fp32 (4 bytes a value), bf16 (2) or int8 (1 plus a 4-byte scale"
            + " per 256); the memory those rows take scales with it"});
        m.put("beta", new String[] {"0.1", "trimmed-mean trim fraction at tiers 2 and 3, in [0, 0.5)"});
        m.put("clip", new String[] {"1.0", "C, L2 clip norm of a leaf update"});
        m.put("cores-per-node", new String[] {"16", "cores of one aggregator node"});
        m.put("memory-per-node-gib", new String[] {"64", "memory of one node, GiB"});
        m.put("nic-gbps", new String[] {"10", "NIC bandwidth of one node, Gbit/s each way"});
        m.put("target-round-s", new String[] {"60", "round time to meet, seconds"});
        m.put("target-completion", new String[] {"0.99", "probability the over-selection is sized for, in (0, 1)"});
        m.put("epsilon", new String[] {"2.0", "target epsilon of the published model after all rounds"});
        m.put("delta", new String[] {"1e-5", "target delta"});
        m.put("rounds", new String[] {"1000", "T, rounds the privacy target covers"});
        m.put("cluster-nodes", new String[] {"0", "nodes running tier 1; 0 = the fewest that fit memory and the target"});
        m.put("continental-nodes", new String[] {"0", "nodes running tier 2; 0 = the fewest that fit"});
        m.put("open-clusters", new String[] {"0", "cluster blocks held at once per node; 0 = all the node's clusters"
            + " (embedded: 4 + cores + 1, as the demo)"});
        m.put("embedded", new String[] {"false", "one node runs every tier and the synthetic swarm (./canopy demo)"});
        return Collections.unmodifiableMap(m);
    }
}
