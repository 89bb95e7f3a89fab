package io.canopy.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLongArray;

import io.canopy.frame.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class TierTrafficMetricsTest {

    /** A data plane whose counts the test moves: accepted, bytes in, sent, bytes out, then one slot per reason. */
    private static final class MovingTraffic implements TrafficSource {
        final AtomicLongArray counts = new AtomicLongArray(4 + RejectReason.count() + OfferFailure.count());

        @Override
        public long framesAccepted() {
            return counts.get(0);
        }

        @Override
        public long bytesIn() {
            return counts.get(1);
        }

        @Override
        public long framesSent() {
            return counts.get(2);
        }

        @Override
        public long bytesOut() {
            return counts.get(3);
        }

        @Override
        public long framesRejected(final int reason) {
            return counts.get(4 + reason);
        }

        @Override
        public long offersFailed(final int failure) {
            return counts.get(4 + RejectReason.count() + failure);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double count(final String name, final String tier) {
        return registry.get(name).tag("tier", tier).functionCounter().count();
    }

    private double count(final String name, final String tier, final String reason) {
        return registry.get(name).tag("tier", tier).tag("reason", reason).functionCounter().count();
    }

    @Test
    void the_meters_read_the_data_planes_counts_when_scraped_without_anyone_copying_them() {
        final MovingTraffic cluster = new MovingTraffic();
        CanopyMeters.create(registry).bindTraffic(Tier.CLUSTER, cluster);
        assertEquals(0.0, count("canopy.frames.received", "cluster"));
        cluster.counts.set(0, 40);
        cluster.counts.set(1, 40 * 128 + 3 * 64);
        cluster.counts.set(4 + RejectReason.BAD_CHECKSUM.ordinal(), 2);
        cluster.counts.set(4 + RejectReason.BAD_SIGNATURE.ordinal(), 1);
        cluster.counts.set(2, 1);
        cluster.counts.set(3, 4_064);
        cluster.counts.set(4 + RejectReason.count() + OfferFailure.BACK_PRESSURED.ordinal(), 5);
        assertEquals(40.0, count("canopy.frames.accepted", "cluster"));
        assertEquals(43.0, count("canopy.frames.received", "cluster")); // accepted plus every rejection
        assertEquals(5_312.0, count("canopy.traffic.in.bytes", "cluster"));
        assertEquals(2.0, count("canopy.frames.rejected", "cluster", "bad_checksum"));
        assertEquals(1.0, count("canopy.frames.rejected", "cluster", "bad_signature"));
        assertEquals(0.0, count("canopy.frames.rejected", "cluster", "truncated"));
        assertEquals(1.0, count("canopy.frames.sent", "cluster"));
        assertEquals(4_064.0, count("canopy.traffic.out.bytes", "cluster"));
        assertEquals(5.0, count("canopy.aeron.offers.failed", "cluster", "back_pressured"));
        assertEquals(0.0, count("canopy.aeron.offers.failed", "cluster", "not_connected"));
    }

    @Test
    void a_tier_bound_to_none_has_every_series_at_zero() {
        CanopyMeters.create(registry).bindTraffic(Tier.GLOBAL, TrafficSource.NONE);
        assertEquals(RejectReason.count(), registry.find("canopy.frames.rejected").tag("tier", "global")
            .functionCounters().size());
        assertEquals(OfferFailure.count(), registry.find("canopy.aeron.offers.failed").tag("tier", "global")
            .functionCounters().size());
        registry.find("canopy.frames.rejected").functionCounters().forEach(c -> assertEquals(0.0, c.count()));
        assertEquals(0.0, count("canopy.frames.received", "global"));
    }

    @Test
    void a_tier_cannot_be_bound_twice_because_the_second_source_would_never_be_read() {
        final CanopyMeters meters = CanopyMeters.create(registry);
        meters.bindTraffic(Tier.CONTINENTAL, new MovingTraffic());
        assertEquals("tier=continental's traffic meters are bound already", assertThrows(IllegalStateException.class,
            () -> meters.bindTraffic(Tier.CONTINENTAL, TrafficSource.NONE)).getMessage());
    }
}
