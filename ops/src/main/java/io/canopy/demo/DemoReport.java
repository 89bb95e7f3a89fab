package io.canopy.demo;

import io.canopy.ops.format.Figures;
import io.canopy.ops.json.JsonWriter;
import io.canopy.privacy.plan.TierPlan;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;

/**
 * The demo's report. Rates that flatter us (precision, recall, throughput) are rounded down; rates
 * that count against us (errors, false positives, ε) are rounded up.
 */
final class DemoReport {
    private DemoReport() {
    }

    static String text(DemoRun.Outcome o) {
        DemoSettings s = o.settings();
        StringBuilder b = new StringBuilder();
        b.append(String.format("Canopy demo: %,d leaves in %,d clusters of %,d, %,d continents; d=%,d; %d round(s)%n",
            s.leaves(), s.layout().clusters(), s.clusterSize(), s.continents(), s.dimension(), s.rounds()));
        b.append(String.format("swarm: %s of leaves Byzantine (%s), dropout %s, codec %s, sampling rate %s, seed %d%n",
            s.byzantine(), s.attack().cliName(), s.dropout(), s.codec().label(), s.samplingRate(), s.seed()));
        b.append(s.firstRound(o.privacy()).release().planned()
            ? "accountant (one subsampled-Gaussian step per round at the global z; the multikrum path's tier sigmas, not used here:"
            : "privacy plan (tier: z, sigma):");
        for (TierPlan t : o.privacy().tiers()) {
            b.append(String.format(" %s z=%s sigma=%s;", t.name(), up(t.z(), 4), up(t.sigma(), 4)));
        }
        b.append(String.format(" target epsilon=%s, delta=%s over %d rounds%s%n", s.epsilon(), s.delta(), s.rounds(),
            s.firstRound(o.privacy()).release().planned() ? ")" : ""));
        b.append(release(s, o));
        b.append(String.format("startup (driver, actors, %,d cluster actors): %.2f s%n%n", s.layout().clusters(),
            o.startupNanos() / 1e9));
        for (DemoRun.RoundFigures f : o.rounds()) {
            RoundStats st = f.stats();
            var r = f.result();
            double wall = f.wallNanos() / 1e9;
            b.append(String.format("round %d: global %s (%s), model v%d%n", r.roundId(), r.outcome(), r.closeReason(),
                r.modelVersion()));
            b.append(String.format("  leaves    invited %,d  dropped %,d  sent %,d (Byzantine %,d)  accepted %,d  late %,d  rejected %s%n",
                st.invited, st.dropped, st.sent, st.sentByzantine, st.accepted, st.late + f.lateAfterClose(),
                rejections(st.rejected)));
            b.append(String.format("  clusters  %s%n", outcomes(st.clusterOutcomes)));
            b.append(String.format("  continents %s%n", outcomes(st.continentOutcomes)));
            b.append(String.format("  global    %d of %d continents in, %d failed, %d trimmed per end%n",
                r.continentsAccepted(), r.continentsExpected(), r.continentsFailed(), r.trimmed()));
            io.canopy.round.ReleaseSpec release = s.firstRound(o.privacy()).release();
            String sampled = release.detectorSample() < 1 ? String.format(" in the %,d of %,d reporting clusters the detector"
                + " sample (%s) picked", st.clustersDetected, st.clustersReported, release.detectorSample()) : "";
            b.append(String.format("  Multi-Krum vs ground truth%s: precision %s  recall %s  false-positive rate %s"
                    + "  (TP %,d FP %,d FN %,d TN %,d)%n", sampled, down(st.precision(), 4), down(st.recall(), 4),
                up(st.falsePositiveRate(), 4), st.truePositives, st.falsePositives, st.falseNegatives, st.trueNegatives));
            if (r.gatedCount() >= 0) {
                b.append(String.format("  gated release: W = %,d leaves inside the gate (operator's view, not released),"
                        + " W~ = %s released with the update, W_min = %s: %s; rows held between the passes as %s%n",
                    r.gatedCount(), up(r.gatedNoisyCount(), 1), up(release.minCount(), 1),
                    r.gatedNoisyCount() >= release.minCount() ? "published" : "not published", release.heldCodec().label()));
            }
            if (release.rule() != io.canopy.round.ReleaseSpec.Rule.MULTIKRUM) {
                b.append(String.format("  robustness: Multi-Krum ran as a detector only (the %s release does not use its"
                    + " selection); %,d cluster(s) held more Byzantine updates than its f=%d%n",
                    release.rule().name().toLowerCase(java.util.Locale.ROOT), st.clustersOverKrumF, Math.max(st.krumF, 0)));
            } else if (st.clustersOverKrumF > 0) {
                b.append(String.format("  robustness: NOT GUARANTEED this round: %,d cluster(s) took in more Byzantine updates"
                    + " than Multi-Krum's f=%d (up to %,d in one cluster); the bound below holds only where b <= f%n",
                    st.clustersOverKrumF, st.krumF, st.mostByzantineInOneCluster));
            } else if (st.krumF >= 0) {
                b.append(String.format("  robustness: every cluster within Multi-Krum's bound (at most %,d Byzantine"
                    + " updates in one cluster, f=%d)%n", st.mostByzantineInOneCluster, st.krumF));
            }
            b.append(String.format("  global update vs honest mean: relative L2 error %s before tier-3 noise, %s%n",
                up(f.robustError(), 4), Double.isNaN(f.relativeError())
                    ? "not published (the round released no update: below its quorum or its noisy count W_min)"
                    : up(f.relativeError(), 4) + " as published"));
            b.append(String.format("  epsilon spent so far: %s (Balle et al. 2020; classic %s) at delta=%s, noise: %s%n",
                up(r.epsilon(), 4), up(r.epsilonClassic(), 4), r.delta(), r.sampler()));
            b.append(String.format("  wall %.3f s; Multi-Krum %.3f s CPU over all clusters (%s of the compute threads' time);"
                    + " tier-2 %.4f s, tier-3 %.4f s CPU%n", wall, st.clusterAggregateNanos / 1e9,
                percentDown(st.clusterAggregateNanos / (wall * 1e9 * s.threads())), st.continentAggregateNanos / 1e9,
                r.aggregateNanos() / 1e9));
            double busy = st.clusterAggregateNanos + f.clusterIngestNanos() + st.leafSendNanos + st.swarmSynthNanos;
            b.append(String.format("  where the time went (busy thread time): Multi-Krum %s, cluster ingest (validate,"
                    + " decode, copy) %s, leaf send (clip, encode, Aeron offer incl. back-pressure waits) %s, synthetic swarm %s%n",
                percentDown(st.clusterAggregateNanos / busy), percentDown(f.clusterIngestNanos() / busy),
                percentDown(st.leafSendNanos / busy), percentDown(st.swarmSynthNanos / busy)));
            b.append(afterClose(f, release.planned()));
            b.append(floor(st, s.dimension(), o.floorRates(), wall));
            b.append(String.format("  throughput %s updates aggregated per second%n%n",
                down(st.accepted / wall, 0)));
        }
        DemoRun.ClusterBlocks cb = o.clusterBlocks();
        long rowBytes = 4L * s.dimension();
        b.append(String.format("cluster blocks: at most %,d accepted rows held at once (%,d MiB at d=%,d); the pool of %d"
                + " blocks allocated %,d rows (%,d MiB), grown mid-round %d times%n", cb.peakRowsHeld(),
            cb.peakRowsHeld() * rowBytes >> 20, s.dimension(), cb.pool(), cb.allocatedRows(), cb.allocatedRows() * rowBytes >> 20,
            cb.grownMidRound()));
        b.append(String.format("peak heap %,d MiB (the most in use at once: before a collection, or at the end)%n",
            o.peakHeapBytes() >> 20));
        String journal = o.rounds().isEmpty() ? null : o.rounds().getLast().result().journal();
        if (journal != null) {
            b.append(String.format("round ledger, privacy ledger and model checkpoints: %s (./canopy privacy replay"
                + " %s/privacy.yaml recomputes epsilon)%n", journal, journal));
        }
        return b.toString();
    }

    /**
     * The clusters' work once their blocks had closed, the part of the round that cannot overlap arrival (issue 17):
     * under a planned release pass 1's sums were taken as the updates arrived, so it is Multi-Krum where the detector
     * ran and pass 1's division. The sends are printed apart, as they include waiting out back pressure; pass 2 follows
     * the released centre.
     */
    static String afterClose(DemoRun.RoundFigures f, boolean planned) {
        return String.format("  clusters after their deadlines: %.3f s thread CPU over all clusters (Multi-Krum where it ran,"
                + " %s)%s; sending the aggregates up %.3f s (incl. waiting out back pressure)%n",
            f.clusterAfterCloseNanos() / 1e9,
            planned ? "pass 1's division: its sums were taken as the updates arrived, on the ingest thread" : "the noise",
            planned ? String.format("; pass 2, after the released centre, %.3f s", f.clusterSecondPassNanos() / 1e9) : "",
            f.clusterSendNanos() / 1e9);
    }

    /**
     * The round's physical floor beside its wall time ({@link PhysicalFloor}); the floor is rounded down and the
     * ratio up, so neither flatters the round.
     */
    static String floor(RoundStats st, int dimension, PhysicalFloor.Rates rates, double wall) {
        if (rates == null) {
            return "";
        }
        long floats = st.sent * (long) dimension;
        PhysicalFloor.Floor f = PhysicalFloor.of(floats, st.gramPairs, dimension, rates);
        return String.format("  physical floor on this machine (%d threads): %s s = generate %,d floats at %s M/s (%s s)"
                + " + Gram %s GFLOP at %s GFLOP/s (%s s); moving %s GB at %s GB/s (%s s) may overlap; wall is %sx the floor%n",
            rates.threads(), down(f.seconds(), 3), floats, up(rates.floatsPerSecond() / 1e6, 0),
            down(f.generateSeconds(), 3), down(2.0 * st.gramPairs * dimension / 1e9, 1),
            up(rates.flopsPerSecond() / 1e9, 0), down(f.gramSeconds(), 3),
            down((double) PhysicalFloor.BYTES_MOVED_PER_FLOAT * floats / 1e9, 2), up(rates.bytesPerSecond() / 1e9, 1),
            down(f.moveSeconds(), 3), f.seconds() > 0 ? up(wall / f.seconds(), 1) : "n/a");
    }

    /** Five significant digits, rounded up (a sigma is never printed smaller than it is). */
    private static String sci(double x) {
        return new java.math.BigDecimal(x).round(new java.math.MathContext(5, java.math.RoundingMode.CEILING))
            .stripTrailingZeros().toString();
    }

    static String release(DemoSettings s, DemoRun.Outcome o) {
        io.canopy.round.RoundPlan plan = s.firstRound(o.privacy());
        double z = plan.global().noiseMultiplier();
        double fedAvg = z * plan.clipNorm() / (plan.samplingRate() * s.leaves());
        String why = s.release().equals("auto") ? "auto: " + s.design().choice(plan, s.gateFactor()).reason() + "\n" : "";
        if (plan.release().rule() == io.canopy.round.ReleaseSpec.Rule.MULTIKRUM) {
            return String.format("release: multikrum (Multi-Krum, then trimmed means; tier-3 sigma above); DP-FedAvg's"
                + " z*C/(qN) for the same z: %s per coordinate%n", sci(fedAvg));
        }
        if (!plan.release().gated()) {
            double sigma = io.canopy.global.GatedRelease.firstSigma(plan);
            return why + String.format("release: fixed (DP-FedAvg's fixed-denominator clipped mean through time-closed"
                    + " tiers; Multi-Krum runs as a detector only): k=%d per continent, planned m_c=%s; z=%s sigma=%s per"
                    + " coordinate; DP-FedAvg's z*C/(qN): %s, ratio %s%n", plan.release().trim(),
                plan.release().plannedCount(), up(z, 4), sci(sigma), sci(fedAvg), fedAvg > 0 ? sci(sigma / fedAvg) : "n/a");
        }
        io.canopy.round.ReleaseSpec r = plan.release();
        double s2 = io.canopy.global.GatedRelease.secondSigma(plan);
        return why + String.format("release: gated (two-pass gated centred clipping; Multi-Krum runs as a detector only): rho=%s"
                + " (%s), k=%d per continent, planned m_c=%s; pass 1 z1=%s sigma1=%s, pass 2 z2=%s sigma2=%s per"
                + " coordinate (z_eff=%s); DP-FedAvg's z*C/(qN) for the same z: %s, ratio %s%n",
            r.gateRadius(), r.gateSource(), r.trim(), r.plannedCount(), up(r.z1(), 4),
            sci(io.canopy.global.GatedRelease.firstSigma(plan)), up(r.z2(), 4), sci(s2), up(z, 4), sci(fedAvg),
            fedAvg > 0 ? sci(s2 / fedAvg) : "n/a");
    }

    static String json(DemoRun.Outcome o) {
        DemoSettings s = o.settings();
        JsonWriter w = new JsonWriter().beginObject()
            .field("leaves", s.leaves()).field("clusterSize", (long) s.clusterSize())
            .field("clustersPerContinent", (long) s.clustersPerContinent()).field("dimension", (long) s.dimension())
            .field("rounds", (long) s.rounds()).field("byzantine", s.byzantine()).field("attack", s.attack().cliName())
            .field("dropout", s.dropout()).field("codec", s.codec().label()).field("seed", s.seed())
            .field("release", s.release());
        io.canopy.round.RoundPlan plan = s.firstRound(o.privacy());
        if (plan.release().gated()) {
            w.field("rho", (double) plan.release().gateRadius()).field("rhoSource", plan.release().gateSource())
                .field("sigmaPass1", io.canopy.global.GatedRelease.firstSigma(plan))
                .field("sigmaPass2", io.canopy.global.GatedRelease.secondSigma(plan))
                .field("heldCodec", plan.release().heldCodec().label());
        }
        w.field("dpFedAvgSigma", plan.global().noiseMultiplier() * plan.clipNorm() / (plan.samplingRate() * s.leaves()))
            .field("ledger", o.rounds().isEmpty() || o.rounds().getLast().result().journal() == null ? null
                : o.rounds().getLast().result().journal())
            .field("peakHeapBytes", o.peakHeapBytes()).field("startupSeconds", o.startupNanos() / 1e9)
            .field("clusterPeakRowsHeld", o.clusterBlocks().peakRowsHeld())
            .field("clusterAllocatedRows", o.clusterBlocks().allocatedRows())
            .field("clusterBlocksGrownMidRound", o.clusterBlocks().grownMidRound());
        w.name("roundResults").beginArray();
        for (DemoRun.RoundFigures f : o.rounds()) {
            RoundStats st = f.stats();
            var r = f.result();
            w.beginObject().field("round", r.roundId()).field("outcome", r.outcome().name())
                .field("invited", st.invited).field("dropped", st.dropped).field("sent", st.sent)
                .field("accepted", st.accepted).field("late", st.late + f.lateAfterClose())
                .field("clustersComplete", (long) st.clusterOutcomes[QuorumOutcome.COMPLETE.ordinal()])
                .field("clustersQuorumAtDeadline", (long) st.clusterOutcomes[QuorumOutcome.QUORUM_AT_DEADLINE.ordinal()])
                .field("clustersFailed", (long) st.clusterOutcomes[QuorumOutcome.FAILED_NO_QUORUM.ordinal()])
                .field("continentsAccepted", (long) r.continentsAccepted()).field("continentsFailed", (long) r.continentsFailed())
                .field("krumTruePositives", st.truePositives).field("krumFalsePositives", st.falsePositives)
                .field("krumFalseNegatives", st.falseNegatives).field("krumTrueNegatives", st.trueNegatives)
                .field("clustersOverKrumF", (long) st.clustersOverKrumF)
                .field("mostByzantineInOneCluster", (long) st.mostByzantineInOneCluster)
                .field("precision", st.precision()).field("recall", st.recall())
                .field("gatedCount", r.gatedCount()).field("gatedNoisyCount", r.gatedNoisyCount())
                .field("falsePositiveRate", st.falsePositiveRate()).field("relativeError", f.relativeError())
                    .field("relativeErrorBeforeNoise", f.robustError())
                .field("epsilon", r.epsilon()).field("epsilonClassic", r.epsilonClassic()).field("delta", r.delta())
                .field("sampler", r.sampler()).field("wallSeconds", f.wallNanos() / 1e9)
                .field("multiKrumCpuSeconds", st.clusterAggregateNanos / 1e9)
                .field("clusterIngestBusySeconds", f.clusterIngestNanos() / 1e9)
                .field("clusterAfterCloseSeconds", f.clusterAfterCloseNanos() / 1e9)
                .field("clusterSecondPassSeconds", f.clusterSecondPassNanos() / 1e9)
                .field("clusterSendSeconds", f.clusterSendNanos() / 1e9)
                .field("leafSendSeconds", st.leafSendNanos / 1e9).field("swarmSynthSeconds", st.swarmSynthNanos / 1e9)
                .field("leavesInvitedPerLedger", r.leaves().invited()).field("leavesAcceptedPerLedger", r.leaves().accepted())
                .field("updatesPerSecond", st.accepted / (f.wallNanos() / 1e9));
            if (o.floorRates() != null) {
                PhysicalFloor.Floor floor = PhysicalFloor.of(st.sent * (long) s.dimension(), st.gramPairs, s.dimension(),
                    o.floorRates());
                w.field("floorSeconds", floor.seconds()).field("floorGenerateSeconds", floor.generateSeconds())
                    .field("floorGramSeconds", floor.gramSeconds()).field("floorMoveSeconds", floor.moveSeconds());
            }
            w.endObject();
        }
        w.endArray().endObject();
        return w.toString() + "\n";
    }

    private static String outcomes(int[] counts) {
        return String.format("COMPLETE %,d  QUORUM_AT_DEADLINE %,d  FAILED_NO_QUORUM %,d",
            counts[QuorumOutcome.COMPLETE.ordinal()], counts[QuorumOutcome.QUORUM_AT_DEADLINE.ordinal()],
            counts[QuorumOutcome.FAILED_NO_QUORUM.ordinal()]);
    }

    private static String rejections(long[] byReason) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < byReason.length; i++) {
            if (byReason[i] > 0) {
                b.append(b.isEmpty() ? "" : ", ").append(IngestRejection.of(i)).append(' ').append(byReason[i]);
            }
        }
        return b.isEmpty() ? "none" : b.toString();
    }

    private static String down(double v, int digits) {
        return Figures.down(v, digits);
    }

    private static String up(double v, int digits) {
        return Figures.up(v, digits);
    }

    private static String percentDown(double share) {
        return down(100 * share, 1) + "%";
    }
}
