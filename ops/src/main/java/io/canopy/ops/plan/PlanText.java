package io.canopy.ops.plan;

import static io.canopy.ops.plan.Verdict.amount;

import io.canopy.ops.format.Figures;
import java.io.PrintStream;

/** The readable table of {@code ./canopy plan}. Costs, times and failure rates rounded up; rates we are proud of down. */
final class PlanText {

    private PlanText() {
    }

    static void print(final CapacityPlan p, final PrintStream out) {
        final Fleet f = p.fleet();
        final ClusterRound c = p.cluster();
        final RoundModel m = p.model();
        out.printf("Capacity plan: %d leaves, d=%d, q=%s, codec %s; clusters of %d, %d per continent: %d clusters,"
                + " %d continents, 1 global%n", f.leaves(), f.dimension(), Figures.exact(f.samplingRate()),
            f.codec().label(), f.clusterSize(), f.clustersPerContinent(), f.clusters(), f.continents());
        out.printf("%s: %d cores, %s GiB, %s; target round %s s%n", f.embedded() ? "Embedded, one node" : "Nodes",
            f.coresPerNode(), Figures.exact(f.memoryPerNodeGib()),
            f.embedded() ? "Aeron IPC at " + Figures.exact(CostModel.IPC_BYTES_PER_S / 1e9) + " GB/s"
                : Figures.exact(f.nicGbps()) + " Gbit/s NIC", Figures.exact(f.targetRoundS()));
        out.printf("Kernel rates: %s%n%n", p.rates().source());

        out.printf("A cluster's round: %d invited, expects %d (over-selection %s), quorum %d; %s answer, %s in time"
                + " (p=%s, deadline %s ms); Multi-Krum on %d; closes after %s s%s%n%n", c.invited(), c.expected(),
            Figures.exact(f.overSelection()), c.quorum(), Figures.down(c.answering(), 1),
            Figures.down(c.inTime() * c.invited(), 1), Figures.exact(f.responseProbability()),
            Figures.exact(f.clusterDeadlineMs()), c.accepted(), Figures.up(c.collectS(), 3),
            f.embedded() ? " (simulated clock)" : "");

        out.printf("Release %s (release %s); a cluster block holds %d rows; heap of the %s: %s (plus %s off the heap"
                + " allowed for)%n%n", c.rule().label(), f.release(), f.clusterBlockRows(c, m.tier(1).perNode()),
            f.embedded() ? "node" : "busiest cluster node", amount(m.heapBytes(), "bytes"),
            amount(CostModel.OFF_HEAP_BYTES, "bytes"));
        final String fmt = "%-13s %7s %6s %6s %11s %11s %11s %11s %9s %9s %10s %11s %9s%n";
        out.printf(fmt, "tier", "aggs", "nodes", "/node", "mem/agg", "mem/node", "in/node", "out/node", "net s",
            "decode s", "rule s/agg", "cpu/node s", "stage s");
        for (final TierLoad t : m.tiers()) {
            out.printf(fmt, t.tier() + " " + t.name(), t.aggregators(), t.nodes(), t.perNode(),
                amount(t.memoryPerAggregator(), "bytes"), amount(t.memoryPerNode(), "bytes"),
                amount(t.bytesInPerNode(), "bytes"), amount(t.bytesOutPerNode(), "bytes"), Figures.up(t.networkS(), 3),
                Figures.up(t.decodeS(), 3), Figures.up(t.ruleS(), 4), Figures.up(t.cpuPerNodeS(), 2),
                Figures.up(t.stageS(), 3));
        }
        out.printf("Leaf frame %d bytes, aggregate frame %d bytes. Whole tiers per round: in %s / %s / %s;"
                + " CPU %s / %s / %s core-s.%n%n", CostModel.leafFrameBytes(f.codec(), f.dimension(), f.signatureBytes()),
            CostModel.aggregateFrameBytes(f.dimension()), amount(m.tier(1).bytesInTier(), "bytes"),
            amount(m.tier(2).bytesInTier(), "bytes"), amount(m.tier(3).bytesInTier(), "bytes"),
            Figures.up(m.tier(1).cpuTierS(), 1), Figures.up(m.tier(2).cpuTierS(), 2), Figures.up(m.tier(3).cpuTierS(), 3));

        out.println("Critical path:");
        for (final TierLoad t : m.tiers()) {
            if (f.embedded()) {
                out.printf("  stage %d %-12s %s core-s / %d cores = %s s%n", t.tier(), t.name(), Figures.up(t.cpuPerNodeS(), 3),
                    f.coresPerNode(), Figures.up(t.stageS(), 3));
            } else {
                out.printf("  stage %d %-12s wait %s s (%s) + %d wave(s) x %s s %s = %s s%n", t.tier(), t.name(),
                    Figures.up(t.waitS(), 3), t.waitBound(), t.tier() == 3 ? 1 : RoundModel.ceilDiv(t.perNode(),
                        f.coresPerNode()), Figures.up(t.ruleS(), 4), t.tier() == 1 ? "Multi-Krum" : "trimmed mean",
                    Figures.up(t.stageS(), 3));
            }
        }
        out.printf("  predicted round time %s s (target %s s); %s accepted updates/s%n%n", Figures.up(m.roundS(), 3),
            Figures.exact(f.targetRoundS()), Figures.down(p.updatesPerSecond(), 0));

        final QuorumRisk q = p.quorum();
        out.printf("Quorum (a cluster: %d invitations, each in time with probability %s, quorum %d):%n", c.invited(),
            Figures.down(c.inTime(), 4), c.quorum());
        out.printf("  a cluster misses its quorum     exact %s   Chernoff bound %s%n", Figures.up(q.clusterMiss()),
            Figures.up(q.clusterMissChernoff()));
        out.printf("  any of the %d clusters misses  exact %s   Chernoff bound %s%n", f.clusters(), Figures.up(q.fleetMiss()),
            Figures.up(q.fleetMissChernoff()));
        out.printf("  a cluster completes (%d answers) %s; a continent misses %s; the round fails %s%n", c.expected(),
            Figures.down(q.clusterComplete(), 4), Figures.up(q.continentMiss()), Figures.up(q.roundMiss()));
        out.printf("  over-selection for P[a cluster completes] >= %s: %s; for P[every cluster meets quorum] >= %s: %s%n%n",
            Figures.exact(f.targetCompletion()), Figures.up(q.overSelectionComplete(), 3), Figures.exact(f.targetCompletion()),
            Figures.up(q.overSelectionQuorum(), 3));

        final PrivacyFigures pf = p.privacy();
        out.printf("Privacy (epsilon=%s, delta=%s after %d rounds at q=%s; global noise only, as ./canopy privacy plan):%n",
            Figures.exact(f.epsilon()), Figures.exact(f.delta()), f.rounds(), Figures.exact(f.samplingRate()));
        out.printf("  noise multiplier z = %s, sigma = z x sensitivity = %s per coordinate;"
            + " noise-to-signal at the global tier sigma x sqrt(d) / C = %s%n%n", Figures.up(pf.z()), Figures.up(pf.sigma()),
            Figures.up(pf.noiseToSignal()));

        out.println("Limits (busiest first):");
        for (final Check k : p.checks()) {
            out.printf("  %-9s %-18s %18s of %-18s %s%n", k.resource(), k.where(), amount(k.used(), k.unit()),
                amount(k.available(), k.unit()), Figures.up(100 * k.ratio(), 1) + "%" + (k.breaks() ? "  BREAKS" : ""));
        }
        out.println();
        out.println(Verdict.headline(p));
        out.println("Suggestion: " + Verdict.suggestion(p));
    }
}
