package io.canopy.demo;

import io.canopy.round.IngestRejection;
import java.util.function.LongPredicate;
import io.canopy.round.ClusterReport;
import io.canopy.round.ContinentReport;
import io.canopy.straggler.QuorumOutcome;

/**
 * One round as the demo measures it: participation, quorum outcomes per tier, and Multi-Krum's
 * detections scored against the swarm's ground truth. Filled from many threads; every method is
 * synchronized (a few thousand calls a round).
 */
public final class RoundStats {
    /** What the swarm knows about one cluster it sent: who was invited, dropped, and when its attackers arrived. */
    record ClusterTruth(int invited, int dropped, int sent, long[] byzantineLatencies) {
    }

    final long round;
    long invited;
    long dropped;
    long sent;
    long sentByzantine;
    long failedSends;
    long accepted;
    long late;
    final long[] rejected = new long[IngestRejection.count()];
    final int[] clusterOutcomes = new int[QuorumOutcome.values().length];
    final int[] continentOutcomes = new int[QuorumOutcome.values().length];
    long truePositives;
    long falsePositives;
    long falseNegatives;
    long trueNegatives;
    long clusterAggregateNanos;
    /** Sum over the clusters whose Multi-Krum ran of n(n+1)/2, its Gram matrix's lower triangle (the physical floor). */
    long gramPairs;
    long clusterNoiseNanos;
    long continentAggregateNanos;
    long swarmSynthNanos;
    long leafSendNanos;
    int clustersReported;
    /** Clusters whose Multi-Krum ran this round (all that released, unless a detector sample picks fewer). */
    int clustersDetected;
    /** Clusters whose Multi-Krum took in more Byzantine updates than the f it assumed: no bound holds there. */
    int clustersOverKrumF;
    int mostByzantineInOneCluster;
    int krumF = -1;
    int continentsReported;
    final double[] honestSum;
    long honestCount;

    RoundStats(long round, int dimension) {
        this.round = round;
        this.honestSum = new double[dimension];
    }

    synchronized void cluster(ClusterReport report, ClusterTruth truth, LongPredicate byzantine) {
        clustersReported++;
        invited += truth.invited();
        dropped += truth.dropped();
        sent += truth.sent();
        sentByzantine += truth.byzantineLatencies().length;
        accepted += report.accepted();
        late += report.late();
        for (int r = 0; r < rejected.length && r < report.rejectedByReason().length; r++) {
            rejected[r] += report.rejectedByReason()[r];
        }
        clusterOutcomes[report.outcome().ordinal()]++;
        clusterAggregateNanos += report.aggregateNanos();
        clusterNoiseNanos += report.noiseNanos();
        if (!report.detectorRan()) {
            return; // no Multi-Krum ran (nothing released, or the detector sample left this cluster out): nothing to score
        }
        clustersDetected++;
        gramPairs += PhysicalFloor.gramPairs(report.accepted());
        int tp = 0;
        for (long leaf : report.krumRejected()) {
            tp += byzantine.test(leaf) ? 1 : 0;
        }
        int fp = report.krumRejected().length - tp;
        // An attacker's update reached Multi-Krum iff it arrived by the close (the swarm clips, so none is refused).
        int byzantineIn = 0;
        for (long latency : truth.byzantineLatencies()) {
            byzantineIn += latency <= report.closedAfterNs() ? 1 : 0;
        }
        mostByzantineInOneCluster = Math.max(mostByzantineInOneCluster, byzantineIn);
        krumF = krumF < 0 ? report.krumF() : Math.min(krumF, report.krumF());
        if (byzantineIn > report.krumF()) {
            clustersOverKrumF++;
        }
        truePositives += tp;
        falsePositives += fp;
        falseNegatives += Math.max(0, byzantineIn - tp);
        trueNegatives += Math.max(0, report.accepted() - byzantineIn - fp);
    }

    synchronized void continent(ContinentReport report) {
        continentsReported++;
        continentOutcomes[report.outcome().ordinal()]++;
        continentAggregateNanos += report.aggregateNanos();
    }

    synchronized void addSwarmTime(long synthNanos, long sendNanos) {
        swarmSynthNanos += synthNanos;
        leafSendNanos += sendNanos;
    }

    synchronized void addHonest(double[] sum, long count) {
        for (int j = 0; j < honestSum.length; j++) {
            honestSum[j] += sum[j];
        }
        honestCount += count;
    }

    /** Continental reports seen this round. */
    public synchronized int continentsReported() {
        return continentsReported;
    }

    /** Updates the clusters aggregated this round. */
    public synchronized long accepted() {
        return accepted;
    }

    /** Updates the swarm sent this round (invited leaves that did not drop out). */
    public synchronized long sent() {
        return sent;
    }

    /** Time the swarm's threads spent making updates (training them, for a training swarm), summed over threads. */
    public synchronized long updateNanos() {
        return swarmSynthNanos;
    }

    /** ‖update − honest mean‖ / ‖honest mean‖; NaN without an update or honest leaves. */
    public synchronized double relativeError(float[] update) {
        if (update == null || honestCount == 0) {
            return Double.NaN;
        }
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < honestSum.length; j++) {
            double mean = honestSum[j] / honestCount;
            diff += (update[j] - mean) * (update[j] - mean);
            norm += mean * mean;
        }
        return Math.sqrt(diff / norm);
    }

    /** Share of Multi-Krum's rejections that were attackers; NaN when it rejected nothing. */
    public synchronized double precision() {
        long rejectedTotal = truePositives + falsePositives;
        return rejectedTotal == 0 ? Double.NaN : (double) truePositives / rejectedTotal;
    }

    /** Share of the attackers that reached Multi-Krum and were rejected; NaN when none reached it. */
    public synchronized double recall() {
        long attackers = truePositives + falseNegatives;
        return attackers == 0 ? Double.NaN : (double) truePositives / attackers;
    }

    /** Share of the honest updates that reached Multi-Krum and were rejected. */
    synchronized double falsePositiveRate() {
        long honest = falsePositives + trueNegatives;
        return honest == 0 ? Double.NaN : (double) falsePositives / honest;
    }
}
