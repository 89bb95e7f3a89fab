package io.canopy.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.canopy.frame.RejectReason;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One simulated round through every tier's meters, then a real scrape over HTTP: the exact sample lines, the
 * pre-created zero series, the histogram buckets, the privacy gauges and the JVM meters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsScrapeTest {

    private static final long ROUND = 7;

    private static PrometheusMeterRegistry registry;
    private static JvmMeters jvm;
    private static MetricsEndpoint endpoint;
    private static List<CanopyMeters.Registration> registrations;
    private static HttpResponse<String> scrape;
    private static List<String> lines;

    @BeforeAll
    static void recordOneRoundAndScrape() throws Exception {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        jvm = new JvmMeters();
        jvm.bindTo(registry);
        final CanopyMeters meters = CanopyMeters.create(registry);

        final TierMeters cluster = meters.forTier(Tier.CLUSTER);
        cluster.roundOpened(ROUND);
        cluster.inputRejected(IngestRejection.DUPLICATE.ordinal());
        cluster.krumRejected.increment(2);
        cluster.roundClosed(ROUND, QuorumOutcome.QUORUM_AT_DEADLINE.ordinal(), 1_500_000_000L, 10, 12);
        // The cluster's data plane: 10 frames accepted and 2 with a bad checksum, 12,000 bytes in; one aggregate of
        // 4,000 bytes out after two back-pressured offers.
        meters.bindTraffic(Tier.CLUSTER, new FixedTraffic(10, RejectReason.BAD_CHECKSUM.ordinal(), 2, 12_000, 1, 4_000, 2));

        final TierMeters continental = meters.forTier(Tier.CONTINENTAL);
        continental.roundOpened(ROUND);
        meters.bindTraffic(Tier.CONTINENTAL, new FixedTraffic(3, 0, 0, 12_000, 0, 0, 0));
        continental.krumRejected.increment(5);
        continental.trimDropped.increment(2);
        continental.roundClosed(ROUND, QuorumOutcome.COMPLETE.ordinal(), 2_000_000_000L, 3, 3);
        meters.bindTraffic(Tier.GLOBAL, TrafficSource.NONE);

        final TierMeters global = meters.forTier(Tier.GLOBAL);
        global.roundOpened(ROUND);
        global.roundOpened(ROUND + 1);
        global.roundClosed(ROUND, QuorumOutcome.COMPLETE.ordinal(), 3_000_000_000L, 1, 1);
        meters.privacy().epsilonBudget(8.0);
        meters.privacy().epsilonSpent(1.25);
        meters.privacy().delta(0.5);

        registrations = List.of(
            meters.publicationPosition(Tier.CLUSTER, 1001, () -> 4_096L),
            meters.subscriptionPosition(Tier.CONTINENTAL, 1001, () -> 2_048L),
            meters.mailboxSize("global-coordinator", () -> 3L));

        endpoint = MetricsEndpoint.start("127.0.0.1", MetricsEndpoint.PORT_ANY, registry);
        scrape = Http.get(endpoint.url());
        lines = scrape.body().lines().toList();
    }

    @AfterAll
    static void stop() {
        registrations.forEach(CanopyMeters.Registration::close);
        endpoint.close();
        jvm.close();
        registry.close();
    }

    @Test
    void scrape_answers_200_in_the_prometheus_text_format() {
        assertEquals(200, scrape.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
            scrape.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void frame_counters_show_their_totals_with_tier_and_continent_tags() {
        assertLine("canopy_frames_received_total{continent=\"all\",tier=\"cluster\"} 12.0");
        assertLine("canopy_frames_accepted_total{continent=\"all\",tier=\"cluster\"} 10.0");
        assertLine("canopy_frames_sent_total{continent=\"all\",tier=\"cluster\"} 1.0");
        assertLine("canopy_traffic_in_bytes_total{continent=\"all\",tier=\"cluster\"} 12000.0");
        assertLine("canopy_traffic_out_bytes_total{continent=\"all\",tier=\"cluster\"} 4000.0");
        assertLine("canopy_frames_received_total{continent=\"all\",tier=\"continental\"} 3.0");
        assertLine("canopy_traffic_in_bytes_total{continent=\"all\",tier=\"continental\"} 12000.0");
    }

    @Test
    void rejections_are_counted_by_reason_and_every_other_reason_is_already_there_at_zero() {
        assertLine("canopy_frames_rejected_total{continent=\"all\",reason=\"bad_checksum\",tier=\"cluster\"} 2.0");
        assertLine("canopy_frames_rejected_total{continent=\"all\",reason=\"truncated\",tier=\"cluster\"} 0.0");
        assertLine("canopy_frames_rejected_total{continent=\"all\",reason=\"handler_error\",tier=\"global\"} 0.0");
        assertLine("canopy_inputs_rejected_total{continent=\"all\",reason=\"duplicate\",tier=\"cluster\"} 1.0");
        assertLine("canopy_inputs_rejected_total{continent=\"all\",reason=\"norm_exceeded\",tier=\"continental\"} 0.0");
        final int tiers = Tier.values().length;
        assertEquals(tiers * RejectReason.count(), count("canopy_frames_rejected_total{"));
        assertEquals(tiers * IngestRejection.count(), count("canopy_inputs_rejected_total{"));
        assertEquals(tiers * QuorumOutcome.values().length, count("canopy_quorum_outcomes_total{"));
    }

    @Test
    void quorum_outcomes_and_round_gauges_show_the_round() {
        assertLine("canopy_quorum_outcomes_total{continent=\"all\",outcome=\"quorum_at_deadline\",tier=\"cluster\"} 1.0");
        assertLine("canopy_quorum_outcomes_total{continent=\"all\",outcome=\"complete\",tier=\"cluster\"} 0.0");
        assertLine("canopy_quorum_outcomes_total{continent=\"all\",outcome=\"complete\",tier=\"continental\"} 1.0");
        assertLine("canopy_round_open{continent=\"all\",tier=\"cluster\"} 7.0");
        assertLine("canopy_round_last_closed{continent=\"all\",tier=\"cluster\"} 7.0");
        assertLine("canopy_round_open{continent=\"all\",tier=\"global\"} 8.0");
        assertLine("canopy_round_last_closed{continent=\"all\",tier=\"global\"} 7.0");
        assertLine("canopy_round_inputs_sum{continent=\"all\",tier=\"cluster\"} 10.0");
        assertLine("canopy_round_participation_count{continent=\"all\",tier=\"cluster\"} 1");
        assertLine("canopy_round_participation_sum{continent=\"all\",tier=\"cluster\"} " + (10.0 / 12));
    }

    @Test
    void round_duration_is_a_histogram_with_the_fixed_buckets() {
        final String tags = "continent=\"all\",tier=\"cluster\"";
        assertLine("canopy_round_duration_seconds_bucket{" + tags + ",le=\"1.0\"} 0");
        assertLine("canopy_round_duration_seconds_bucket{" + tags + ",le=\"2.5\"} 1");
        assertLine("canopy_round_duration_seconds_bucket{" + tags + ",le=\"+Inf\"} 1");
        assertLine("canopy_round_duration_seconds_count{" + tags + "} 1");
        assertLine("canopy_round_duration_seconds_sum{" + tags + "} 1.5");
        assertLine("canopy_round_duration_seconds_max{" + tags + "} 1.5");
        assertLine("canopy_round_duration_seconds_bucket{continent=\"all\",tier=\"global\",le=\"5.0\"} 1");
        assertEquals(MeterCatalogue.ROUND_DURATION_BUCKETS.size() + 1,
            count("canopy_round_duration_seconds_bucket{" + tags + ","));
    }

    @Test
    void krum_counts_only_at_the_cluster_tier_and_trimming_only_above_it() {
        assertLine("canopy_krum_rejected_total{continent=\"all\",tier=\"cluster\"} 2.0");
        assertEquals(1, count("canopy_krum_rejected_total{"));
        assertLine("canopy_trim_dropped_total{continent=\"all\",tier=\"continental\"} 2.0");
        assertLine("canopy_trim_dropped_total{continent=\"all\",tier=\"global\"} 0.0");
        assertEquals(2, count("canopy_trim_dropped_total{"));
    }

    @Test
    void privacy_aeron_and_mailbox_gauges_show_what_was_set() {
        assertLine("canopy_privacy_epsilon_spent 1.25");
        assertLine("canopy_privacy_epsilon_budget 8.0");
        assertLine("canopy_privacy_delta 0.5");
        assertLine("canopy_aeron_offers_failed_total{continent=\"all\",reason=\"back_pressured\",tier=\"cluster\"} 2.0");
        assertLine("canopy_aeron_offers_failed_total{continent=\"all\",reason=\"not_connected\",tier=\"cluster\"} 0.0");
        assertLine("canopy_aeron_publication_position{stream=\"1001\",tier=\"cluster\"} 4096.0");
        assertLine("canopy_aeron_subscription_position{stream=\"1001\",tier=\"continental\"} 2048.0");
        assertLine("canopy_actor_mailbox_size{actor=\"global-coordinator\"} 3.0");
    }

    @Test
    void jvm_and_process_meters_are_there_with_sane_values() {
        assertTrue(value("jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"\\}") > 0, "heap used");
        assertTrue(value("jvm_threads_live_threads") >= 2, "live threads");
        assertTrue(value("jvm_classes_loaded_classes") > 1_000, "loaded classes");
        assertEquals(Runtime.getRuntime().availableProcessors(), value("system_cpu_count"));
        assertTrue(value("process_uptime_seconds") > 0, "uptime");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("jvm_gc_")), "no jvm_gc_ meter in the scrape");
    }

    @Test
    void every_catalogue_name_is_scraped_and_nothing_undeclared_is() {
        final Set<String> families = new TreeSet<>();
        final Set<String> samples = new TreeSet<>();
        for (final String l : lines) {
            if (l.startsWith("# TYPE canopy_")) {
                families.add(l.split(" ")[2]);
            } else if (l.startsWith("canopy_")) {
                samples.add(l.split("[{ ]")[0]);
            }
        }
        assertEquals(new TreeSet<>(MeterCatalogue.prometheusNames()),
            families.stream().filter(f -> !f.endsWith("_max")).collect(TreeSet::new, Set::add, Set::addAll));
        assertEquals(new TreeSet<>(MeterCatalogue.prometheusSeries()), samples);
    }

    private static void assertLine(final String expected) {
        if (!lines.contains(expected)) {
            final String name = expected.split("[{ ]")[0];
            fail("no line '" + expected + "' in the scrape; lines of " + name + ":\n"
                + String.join("\n", lines.stream().filter(l -> l.startsWith(name)).toList()));
        }
    }

    /** A data plane's counts, fixed: accepted, one rejection reason's count, bytes in, frames and bytes out, back pressure. */
    private record FixedTraffic(long accepted, int reason, long rejected, long bytesIn, long sent, long bytesOut,
                                long backPressured) implements TrafficSource {
        @Override
        public long framesAccepted() {
            return accepted;
        }

        @Override
        public long framesRejected(final int r) {
            return r == reason ? rejected : 0;
        }

        @Override
        public long framesSent() {
            return sent;
        }

        @Override
        public long offersFailed(final int failure) {
            return failure == OfferFailure.BACK_PRESSURED.ordinal() ? backPressured : 0;
        }
    }

    private static long count(final String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).count();
    }

    private static double value(final String nameRegex) {
        final Pattern p = Pattern.compile("^" + nameRegex + " (\\S+)$");
        for (final String l : lines) {
            final Matcher m = p.matcher(l);
            if (m.matches()) {
                return Double.parseDouble(m.group(1));
            }
        }
        fail("no sample matching " + nameRegex);
        return Double.NaN;
    }

    @Test
    void scraping_again_changes_no_canopy_sample() throws Exception {
        final List<String> again = Http.get(endpoint.url()).body().lines().toList();
        assertEquals(lines.stream().filter(l -> l.startsWith("canopy_")).toList(),
            again.stream().filter(l -> l.startsWith("canopy_")).toList());
    }
}
