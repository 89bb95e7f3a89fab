package io.canopy.report;

import java.util.BitSet;

import io.canopy.ingest.IngestBlock;
import io.canopy.round.LeafTally;

/**
 * Which inputs of a tier have reported on the control plane this round, and whether every input whose
 * aggregate the tier accepted has. An aggregate travels on the data plane and its report on the control
 * plane, so either can arrive first; a tier holds its own report (and the tallies it sums) until the
 * reports of the inputs it used are in, or a grace period ends.
 */
public final class AwaitedReports {
    private final BitSet reported = new BitSet();
    private long round = Long.MIN_VALUE;
    private LeafTally tally = LeafTally.none();

    /** Starts counting for {@code roundId}, forgetting the previous round. */
    public void begin(long roundId) {
        if (roundId != round) {
            round = roundId;
            reported.clear();
            tally = LeafTally.none();
        }
    }

    /**
     * Counts {@code input}'s report once.
     *
     * @return false if this input had already reported this round (the duplicate is not counted)
     */
    public boolean report(int input, LeafTally part) {
        if (reported.get(input)) {
            return false;
        }
        reported.set(input);
        tally = tally.plus(part);
        return true;
    }

    /** The senders whose inputs {@code block} accepted (none for a null block), read before it goes back to its pool. */
    public static long[] acceptedSenders(IngestBlock block) {
        if (block == null) {
            return new long[0];
        }
        long[] senders = new long[block.acceptedCount()];
        for (int i = 0; i < senders.length; i++) {
            senders[i] = block.sender(i);
        }
        return senders;
    }

    /** The senders in {@code senders} that have not reported yet. */
    public BitSet outstanding(long[] senders) {
        BitSet out = new BitSet();
        for (long s : senders) {
            if (!reported.get((int) s)) {
                out.set((int) s);
            }
        }
        return out;
    }

    /** Inputs that have reported this round. */
    public int reportedCount() {
        return reported.cardinality();
    }

    public long round() {
        return round;
    }

    public LeafTally tally() {
        return tally;
    }
}
