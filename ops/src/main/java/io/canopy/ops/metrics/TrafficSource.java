package io.canopy.ops.metrics;

/**
 * What one tier's data plane has counted since it started: monotonic totals its own threads keep, read by
 * {@link TierTrafficMetrics} at scrape time from the scraping thread. Implementations read counters; they never
 * count anything themselves, so the data plane touches no meter.
 */
public interface TrafficSource {

    /** A tier this process does not host: its series exist and stay at zero. */
    TrafficSource NONE = new TrafficSource() {
        @Override
        public long framesAccepted() {
            return 0;
        }

        @Override
        public long framesRejected(final int reason) {
            return 0;
        }

        @Override
        public long bytesIn() {
            return 0;
        }

        @Override
        public long framesSent() {
            return 0;
        }

        @Override
        public long bytesOut() {
            return 0;
        }

        @Override
        public long offersFailed(final int failure) {
            return 0;
        }
    };

    /** Frames that passed the decoder and were handed to the tier's ingest. */
    long framesAccepted();

    /** Frames the decoder dropped for {@code io.canopy.frame.RejectReason} ordinal {@code reason}. */
    long framesRejected(int reason);

    /** Bytes of frames received, valid or not. */
    long bytesIn();

    /** Aggregate frames sent one hop up. */
    long framesSent();

    /** Bytes of frames sent. */
    long bytesOut();

    /** Offers that did not take a frame, for {@link OfferFailure} ordinal {@code failure} (0 where not counted). */
    long offersFailed(int failure);
}
