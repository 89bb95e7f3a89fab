package io.canopy.ops.plan;

import io.canopy.ops.json.JsonWriter;
import io.canopy.privacy.plan.TierPlan;
import java.util.Map;

/** {@code ./canopy plan --json}: every figure of the plan, unrounded, as one JSON object. */
final class PlanJson {

    private PlanJson() {
    }

    static String of(final CapacityPlan p) {
        final Fleet f = p.fleet();
        final JsonWriter j = new JsonWriter().beginObject().name("fleet").beginObject();
        for (final Map.Entry<String, String> e : f.toMap().entrySet()) {
            j.field(e.getKey(), e.getValue());
        }
        j.field("clusters", f.clusters()).field("continents", f.continents()).endObject();
        final KernelRates r = p.rates();
        j.name("rates").beginObject().field("source", r.source()).field("gram_ns_per_fma", r.gramNsPerFma())
            .field("krum_ns_per_pair", r.krumNsPerPair()).field("trimmed_mean_ns_per_value", r.trimmedMeanNsPerValue())
            .field("noise_ns_per_value", r.noiseNsPerValue()).field("swarm_ns_per_value", r.swarmNsPerValue())
            .field("frame_ns_per_update", r.frameNsPerUpdate())
            .name("decode_ns_per_value").beginObject();
        r.decodeNsPerValue().entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> j.field(e.getKey().label(), e.getValue()));
        j.endObject().endObject();
        final ClusterRound c = p.cluster();
        j.name("cluster_round").beginObject().field("release", c.rule().label())
            .field("block_rows", f.clusterBlockRows(c, p.model().tier(1).perNode())).field("invited", c.invited())
            .field("expected", c.expected())
            .field("quorum", c.quorum()).field("answering", c.answering()).field("in_time_probability", c.inTime())
            .field("accepted", c.accepted()).field("collect_s", c.collectS())
            .field("leaf_frame_bytes", CostModel.leafFrameBytes(f.codec(), f.dimension(), f.signatureBytes()))
            .field("aggregate_frame_bytes", CostModel.aggregateFrameBytes(f.dimension())).endObject();
        j.name("tiers").beginArray();
        for (final TierLoad t : p.model().tiers()) {
            j.beginObject().field("tier", t.tier()).field("name", t.name()).field("aggregators", t.aggregators())
                .field("nodes", t.nodes()).field("aggregators_per_node", t.perNode()).field("inputs", t.inputs())
                .field("memory_per_aggregator_bytes", t.memoryPerAggregator()).field("memory_per_node_bytes", t.memoryPerNode())
                .field("bytes_in_per_node", t.bytesInPerNode()).field("bytes_out_per_node", t.bytesOutPerNode())
                .field("bytes_in_tier", t.bytesInTier()).field("network_s", t.networkS()).field("decode_s", t.decodeS())
                .field("rule_s_per_aggregator", t.ruleS()).field("cpu_per_node_core_s", t.cpuPerNodeS())
                .field("cpu_tier_core_s", t.cpuTierS()).field("wait_s", t.waitS()).field("wait_bound", t.waitBound())
                .field("stage_s", t.stageS()).endObject();
        }
        j.endArray().field("round_s", p.model().roundS()).field("heap_bytes", p.model().heapBytes())
            .field("updates_per_s", p.updatesPerSecond());
        final QuorumRisk q = p.quorum();
        j.name("quorum").beginObject().field("cluster_miss", q.clusterMiss())
            .field("cluster_miss_chernoff", q.clusterMissChernoff()).field("fleet_miss", q.fleetMiss())
            .field("fleet_miss_chernoff", q.fleetMissChernoff()).field("cluster_complete", q.clusterComplete())
            .field("continent_miss", q.continentMiss()).field("round_miss", q.roundMiss())
            .field("over_selection_complete", q.overSelectionComplete())
            .field("over_selection_quorum", q.overSelectionQuorum()).endObject();
        final PrivacyFigures pf = p.privacy();
        j.name("privacy").beginObject().field("z", pf.z()).field("sigma", pf.sigma())
            .field("noise_to_signal", pf.noiseToSignal()).name("tiers").beginArray();
        for (final TierPlan t : pf.plan().tiers()) {
            j.beginObject().field("tier", t.tier()).field("z", t.z()).field("sensitivity", t.sensitivity())
                .field("sigma", t.sigma()).endObject();
        }
        j.endArray().endObject().name("checks").beginArray();
        for (final Check k : p.checks()) {
            j.beginObject().field("resource", k.resource()).field("where", k.where()).field("used", k.used())
                .field("available", k.available()).field("unit", k.unit()).field("ratio", k.ratio())
                .field("breaks", k.breaks()).endObject();
        }
        return j.endArray().field("verdict", Verdict.headline(p)).field("suggestion", Verdict.suggestion(p))
            .endObject().toString();
    }
}
