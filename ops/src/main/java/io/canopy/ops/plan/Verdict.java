package io.canopy.ops.plan;

import io.canopy.ops.format.Figures;

/**
 * What breaks first and what to do about it, in words, from the plan's busiest {@link Check}. Ratios of demand
 * to limit are rounded up; headroom (its inverse) down.
 */
public final class Verdict {

    private Verdict() {
    }

    /** One line: what breaks first and by how much, or what is closest to its limit. */
    public static String headline(final CapacityPlan plan) {
        final Check c = plan.first();
        final String what = c.resource() + " of the " + c.where() + ": " + amount(c.used(), c.unit()) + " needed, "
            + amount(c.available(), c.unit()) + " available";
        return c.breaks()
            ? "BREAKS FIRST: " + what + " (" + Figures.up(c.ratio(), 2) + "x over)"
            : "Nothing breaks. Closest to its limit: " + what + " (" + Figures.up(100 * c.ratio(), 1) + "%; headroom "
            + Figures.down(1 / c.ratio(), 2) + "x)";
    }

    /** What to change, for the busiest check. */
    public static String suggestion(final CapacityPlan plan) {
        final Check c = plan.first();
        final Fleet f = plan.fleet();
        final RoundModel m = plan.model();
        final double ratio = c.ratio();
        return switch (c.resource()) {
            case "array" -> "a block of rows x d floats must fit one Java array (" + CostModel.MAX_BLOCK_FLOATS
                + " floats): keep " + c.where() + " rows <= " + CostModel.MAX_BLOCK_FLOATS / f.dimension()
                + (c.where().startsWith("cluster") ? "; size cluster blocks by invitations (block-rows "
                + blockRowsHint(plan) + ") rather than by cluster-size" : "; use fewer inputs per aggregator");
            case "memory" -> memory(plan, c);
            case "network", "cpu" -> f.embedded()
                ? "the one node is short of " + c.resource() + ": run the tiers on separate nodes (drop embedded)"
                : "run at least " + scaled(nodes(m, c.where()), ratio) + " " + c.where() + "s" + (c.resource().equals(
                "network") && c.where().startsWith("cluster") ? ", or a smaller codec (fp16/bf16 halve leaf frames,"
                + " int8 about quarters them)" : "");
            default -> deadline(plan, c);
        };
    }

    private static String memory(final CapacityPlan plan, final Check c) {
        final Fleet f = plan.fleet();
        if (f.embedded()) {
            return "lower open-clusters (cluster blocks held at once) or the dimension, or use a node with at least "
                + amount(c.used(), "bytes");
        }
        if (c.where().startsWith("cluster")) {
            final long fit = CapacityPlan.clustersFitting(plan.fleet(), plan.cluster(),
                f.memoryPerNodeBytes() - CostModel.NODE_BASELINE_BYTES);
            if (fit < 1) {
                return "one cluster does not fit a node: set block-rows to the invitations plus slack (" + blockRowsHint(plan)
                    + ") instead of cluster-size " + f.clusterSize() + ", or use nodes of at least " + amount(
                    CostModel.NODE_BASELINE_BYTES + plan.model().tier(1).memoryPerAggregator(), "bytes");
            }
            return "run at least " + RoundModel.ceilDiv(f.clusters(), (int) Math.min(fit, f.clusters()))
                + " cluster nodes (" + fit + " clusters each), or set block-rows to " + blockRowsHint(plan);
        }
        return "use nodes of at least " + amount(c.used(), "bytes") + " for the " + c.where()
            + (c.where().startsWith("continental") ? ", or more continental nodes" : "");
    }

    private static String deadline(final CapacityPlan plan, final Check c) {
        TierLoad worst = plan.model().tier(1);
        for (final TierLoad t : plan.model().tiers()) {
            if (t.stageS() > worst.stageS()) {
                worst = t;
            }
        }
        final boolean waiting = worst.waitS() >= worst.ruleWavesS();
        final String term = waiting ? worst.waitBound() : worst.tier() == 1 ? "Multi-Krum" : "trimmed mean";
        final String advice = switch (term) {
            case "collection" -> "lower cluster-deadline-ms or the over-selection, or raise target-round-s";
            case "Multi-Krum" -> "more cluster nodes, or smaller clusters (Multi-Krum grows as n^2 d)";
            case "swarm+decode" -> "the one node is short of cores: a smaller run, or the tiers on separate nodes";
            default -> "more " + worst.name() + " nodes, or a smaller codec";
        };
        return "the round is " + Figures.up(c.used() - c.available(), 3) + " s over; its largest term is " + term
            + " in the " + worst.name() + " tier (" + Figures.up(worst.stageS(), 3) + " s): " + advice;
    }

    private static int nodes(final RoundModel m, final String where) {
        for (final TierLoad t : m.tiers()) {
            if (where.startsWith(t.name())) {
                return t.nodes();
            }
        }
        return 1;
    }

    private static long scaled(final int nodes, final double ratio) {
        return (long) Math.ceil(nodes * ratio);
    }

    /** Invitations plus 20% slack: how many answers a cluster block must hold. */
    static int blockRowsHint(final CapacityPlan plan) {
        return (int) Math.min(plan.fleet().clusterSize(), Math.ceil(plan.cluster().invited() * 1.2));
    }

    /** A figure with its unit, rounded up: bytes as GiB/MiB, seconds, core-seconds, floats. */
    static String amount(final double x, final String unit) {
        return switch (unit) {
            case "bytes" -> x >= (1L << 30) ? Figures.up(x / (1L << 30), 2) + " GiB" : Figures.up(x / (1L << 20), 2)
                + " MiB";
            case "s" -> Figures.up(x, 3) + " s";
            case "core-s" -> Figures.up(x, 3) + " core-s";
            default -> Figures.up(x, 0) + " " + unit;
        };
    }
}
