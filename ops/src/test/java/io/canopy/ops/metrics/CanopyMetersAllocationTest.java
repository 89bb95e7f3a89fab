package io.canopy.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handles tiers call per frame allocate nothing once the JIT has settled, measured with the thread's allocation
 * counter against the Prometheus registry the nodes use. (shared-protocol's {@code AllocationMeter} is a test class
 * there, not published as a test jar, so its minimum-over-attempts loop is repeated here.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CanopyMetersAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CanopyMeters meters = CanopyMeters.create(registry);
    private final TierMeters cluster = meters.forTier(Tier.CLUSTER);

    @AfterEach
    void close() {
        registry.close();
    }

    /** Where allocations go in the control test, so the JIT cannot remove them. */
    private static volatile Object sink;

    @Test
    void the_measurement_sees_an_allocation_when_there_is_one() {
        assertTrue(bytesPerCall(() -> sink = new long[4]) >= 32, "a long[4] per call went unseen");
    }

    @Test
    void counting_a_refusal_by_ordinal_allocates_nothing() {
        final int refusal = IngestRejection.LATE.ordinal();
        assertEquals(0, bytesPerCall(() -> cluster.inputRejected(refusal)));
    }

    @Test
    void closing_a_round_and_setting_epsilon_allocate_nothing() {
        final int outcome = QuorumOutcome.QUORUM_AT_DEADLINE.ordinal();
        final long[] round = {0};
        assertEquals(0, bytesPerCall(() -> {
            cluster.roundOpened(++round[0]);
            cluster.roundClosed(round[0], outcome, 1_250_000_000L, 9, 12);
            meters.privacy().epsilonSpent(round[0] * 1e-3);
        }));
    }

    /** The least bytes per call over up to 50 runs of 20,000 calls: allocating code never reaches zero. */
    private static long bytesPerCall(final Runnable body) {
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 50 && best > 0; attempt++) {
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                body.run();
            }
            best = Math.min(best, (THREADS.getCurrentThreadAllocatedBytes() - before) / 20_000);
        }
        return best;
    }
}
