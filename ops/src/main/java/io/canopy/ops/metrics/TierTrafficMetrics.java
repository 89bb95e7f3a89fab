package io.canopy.ops.metrics;

import io.canopy.frame.RejectReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds one tier's traffic meters ({@code canopy.frames.*}, {@code canopy.traffic.*}, {@code canopy.aeron.offers.failed})
 * to the counts its data plane keeps, the way Micrometer's {@code ExecutorServiceMetrics} binds an executor: each is a
 * {@link FunctionCounter} that reads its {@link TrafficSource} when scraped, so nothing increments a meter per frame and
 * nothing copies deltas on a timer. Every reason and failure series exists from binding, at zero until counted.
 *
 * <p>Micrometer holds a function counter's object weakly; this binder holds the source strongly, and
 * {@link CanopyMeters#bindTraffic} holds the binder for the registry's life.
 */
public final class TierTrafficMetrics implements MeterBinder {

    private final Tier tier;
    private final TrafficSource source;

    public TierTrafficMetrics(final Tier tier, final TrafficSource source) {
        this.tier = tier;
        this.source = source;
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        final Tags tags = Tags.of(MeterCatalogue.TAG_TIER, tier.tagValue(), MeterCatalogue.TAG_CONTINENT, MeterCatalogue.ALL);
        counter(registry, MeterCatalogue.FRAMES_ACCEPTED, tags, s -> s.framesAccepted());
        counter(registry, MeterCatalogue.FRAMES_RECEIVED, tags, TierTrafficMetrics::framesReceived);
        counter(registry, MeterCatalogue.TRAFFIC_IN, tags, s -> s.bytesIn());
        counter(registry, MeterCatalogue.FRAMES_SENT, tags, s -> s.framesSent());
        counter(registry, MeterCatalogue.TRAFFIC_OUT, tags, s -> s.bytesOut());
        for (int r = 0; r < RejectReason.count(); r++) {
            final int reason = r;
            counter(registry, MeterCatalogue.FRAMES_REJECTED, tags.and(MeterCatalogue.TAG_REASON,
                MeterCatalogue.tagValue(RejectReason.fromOrdinal(r))), s -> s.framesRejected(reason));
        }
        for (int f = 0; f < OfferFailure.count(); f++) {
            final int failure = f;
            counter(registry, MeterCatalogue.OFFERS_FAILED, tags.and(MeterCatalogue.TAG_REASON,
                OfferFailure.of(f).tagValue()), s -> s.offersFailed(failure));
        }
    }

    /** Every frame that reached the decoder: accepted or rejected for one of the reasons. */
    static long framesReceived(final TrafficSource s) {
        long received = s.framesAccepted();
        for (int r = 0; r < RejectReason.count(); r++) {
            received += s.framesRejected(r);
        }
        return received;
    }

    private void counter(final MeterRegistry registry, final MeterDef def, final Tags tags,
                         final java.util.function.ToLongFunction<TrafficSource> value) {
        FunctionCounter.builder(def.name(), source, s -> value.applyAsLong(s)).description(def.description())
            .baseUnit(def.baseUnit()).tags(tags).register(registry);
    }
}
