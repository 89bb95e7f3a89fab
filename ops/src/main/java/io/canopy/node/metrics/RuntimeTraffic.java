package io.canopy.node.metrics;

import io.canopy.frame.RejectReason;
import io.canopy.ingest.TierRuntime;
import io.canopy.ops.metrics.OfferFailure;
import io.canopy.ops.metrics.TrafficSource;

/**
 * One tier runtime's own frame counts as a {@link TrafficSource}: its subscriber's accepted, rejected and received
 * bytes, and its upstream publishers' sent frames, bytes and back-pressure events (the only offer failure the
 * publishers count; the other failure series stay at zero). Read at scrape time; allocates a little per read, off
 * the data plane.
 */
final class RuntimeTraffic implements TrafficSource {
    private final TierRuntime runtime;

    private RuntimeTraffic(TierRuntime runtime) {
        this.runtime = runtime;
    }

    /** The runtime's counts, or {@link TrafficSource#NONE} where this process hosts no such tier. */
    static TrafficSource of(TierRuntime runtime) {
        return runtime == null ? NONE : new RuntimeTraffic(runtime);
    }

    @Override
    public long framesAccepted() {
        return runtime.subscriber().accepted();
    }

    @Override
    public long framesRejected(int reason) {
        return runtime.subscriber().rejected(RejectReason.fromOrdinal(reason));
    }

    @Override
    public long bytesIn() {
        return runtime.subscriber().bytesReceived();
    }

    @Override
    public long framesSent() {
        return runtime.sentTotals()[0];
    }

    @Override
    public long bytesOut() {
        return runtime.sentTotals()[1];
    }

    @Override
    public long offersFailed(int failure) {
        return failure == OfferFailure.BACK_PRESSURED.ordinal() ? runtime.sentTotals()[2] : 0;
    }
}
