package io.canopy.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.canopy.straggler.QuorumOutcome;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CanopyMetersTest {

    /** The registry nodes use (a SimpleMeterRegistry would add its own histogram gauges with an le tag). */
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void every_meter_is_created_up_front_and_none_on_use() {
        final CanopyMeters meters = CanopyMeters.create(registry);
        final int before = registry.getMeters().size();
        final TierMeters cluster = meters.forTier(Tier.CLUSTER);
        cluster.inputRejected(3);
        cluster.roundClosed(1, QuorumOutcome.FAILED_NO_QUORUM.ordinal(), 1_000, 1, 2);
        meters.privacy().epsilonSpent(0.1);
        assertEquals(before, registry.getMeters().size());
        assertSame(cluster, meters.forTier(Tier.CLUSTER));
    }

    @Test
    void tag_values_stay_within_the_declared_sets() {
        CanopyMeters.create(registry).bindTraffic(Tier.CLUSTER, TrafficSource.NONE);
        for (final Meter m : registry.getMeters()) {
            m.getId().getTags().forEach(t -> assertTrue(MeterCatalogue.isPossibleTagValue(t.getKey(), t.getValue()),
                m.getId() + " has " + t));
        }
    }

    @Test
    void every_registered_name_is_declared_with_the_declared_tag_keys() {
        CanopyMeters.create(registry).bindTraffic(Tier.CONTINENTAL, TrafficSource.NONE);
        final Set<String> declared = new TreeSet<>();
        MeterCatalogue.all().forEach(d -> declared.add(d.name()));
        for (final Meter m : registry.getMeters()) {
            final MeterDef def = MeterCatalogue.all().stream().filter(d -> d.name().equals(m.getId().getName()))
                .findFirst().orElseThrow(() -> new AssertionError(m.getId().getName() + " is not in the catalogue"));
            final List<String> keys = new ArrayList<>();
            m.getId().getTags().forEach(t -> keys.add(t.getKey()));
            assertEquals(new TreeSet<>(def.tagKeys()), new TreeSet<>(keys), def.name());
        }
    }

    @Test
    void prometheus_names_follow_the_registry_conventions() {
        assertEquals("canopy_frames_rejected_total", MeterCatalogue.FRAMES_REJECTED.prometheusName());
        assertEquals("canopy_traffic_in_bytes_total", MeterCatalogue.TRAFFIC_IN.prometheusName());
        assertEquals("canopy_round_duration_seconds", MeterCatalogue.ROUND_DURATION.prometheusName());
        assertEquals(List.of("canopy_round_duration_seconds_bucket", "canopy_round_duration_seconds_count",
            "canopy_round_duration_seconds_sum", "canopy_round_duration_seconds_max"),
            MeterCatalogue.ROUND_DURATION.prometheusSeries());
        assertEquals("canopy_privacy_epsilon_spent", MeterCatalogue.EPSILON_SPENT.prometheusName());
        assertThrows(IllegalArgumentException.class, () -> new MeterDef("canopy.Frames.x", MeterDef.Kind.COUNTER,
            null, "", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MeterDef("canopy.traffic.in", MeterDef.Kind.COUNTER,
            "bytes", "", List.of()));
    }

    @Test
    void a_split_node_has_one_set_per_continent_below_global_and_says_how_to_ask() {
        final CanopyMeters meters = CanopyMeters.create(registry, 3);
        assertEquals("2", meters.forTier(Tier.CLUSTER, 2).continent());
        assertEquals("0", meters.forTier(Tier.CONTINENTAL, 0).continent());
        assertEquals(MeterCatalogue.ALL, meters.forTier(Tier.GLOBAL).continent());
        assertEquals("tier=cluster is split by continent (continents=3): use forTier(tier, continent)",
            assertThrows(IllegalStateException.class, () -> meters.forTier(Tier.CLUSTER)).getMessage());
        assertEquals("continent=3 is not in 0..2",
            assertThrows(IllegalArgumentException.class, () -> meters.forTier(Tier.CLUSTER, 3)).getMessage());
        assertEquals("tier=global is not split by continent (continents=3): use forTier(tier)",
            assertThrows(IllegalStateException.class, () -> meters.forTier(Tier.GLOBAL, 0)).getMessage());
        assertEquals(3, registry.find("canopy.round.open").tag("tier", "cluster").gauges().size());
        assertEquals(1, registry.find("canopy.round.open").tag("tier", "global").gauges().size());
        assertThrows(IllegalArgumentException.class,
            () -> CanopyMeters.create(registry, MeterCatalogue.MAX_CONTINENTS + 1));
    }

    @Test
    void a_dynamic_gauge_lives_until_closed_and_cannot_be_registered_twice() {
        final CanopyMeters meters = CanopyMeters.create(registry);
        final CanopyMeters.Registration r = meters.publicationPosition(Tier.CLUSTER, 1001, () -> 42L);
        assertEquals(42.0, registry.get("canopy.aeron.publication.position").tag("stream", "1001").gauge().value());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> meters.publicationPosition(Tier.CLUSTER, 1001, () -> 7L));
        assertEquals("canopy.aeron.publication.position{stream=1001,tier=cluster} is already registered: close the"
            + " old registration first", e.getMessage());
        r.close();
        r.close();
        assertTrue(registry.find("canopy.aeron.publication.position").gauges().isEmpty());
        try (CanopyMeters.Registration again = meters.publicationPosition(Tier.CLUSTER, 1001, () -> 7L)) {
            assertEquals(7.0, registry.get("canopy.aeron.publication.position").gauge().value());
        }
    }

    @Test
    void mailbox_gauges_take_role_names_only() {
        final CanopyMeters meters = CanopyMeters.create(registry);
        assertEquals("actor=cluster-42/leaf-9 is not a role name: 1-32 of [a-z0-9-], starting with a letter",
            assertThrows(IllegalArgumentException.class, () -> meters.mailboxSize("cluster-42/leaf-9", () -> 0L))
                .getMessage());
        assertTrue(registry.find("canopy.actor.mailbox.size").gauges().isEmpty());
    }

    @Test
    void dynamic_gauges_are_capped() {
        final CanopyMeters meters = CanopyMeters.create(registry);
        for (int s = 0; s < CanopyMeters.MAX_DYNAMIC_GAUGES; s++) {
            meters.subscriptionPosition(Tier.CONTINENTAL, s, () -> 0L);
        }
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> meters.subscriptionPosition(Tier.CONTINENTAL, -1, () -> 0L));
        assertTrue(e.getMessage().endsWith("256 dynamic gauges are open already (MAX_DYNAMIC_GAUGES)"), e.getMessage());
    }

    @Test
    void offer_results_map_aeron_codes_and_ignore_positions() {
        assertEquals(OfferFailure.NOT_CONNECTED.ordinal(), OfferFailure.ordinalOf(-1));
        assertEquals(OfferFailure.BACK_PRESSURED.ordinal(), OfferFailure.ordinalOf(-2));
        assertEquals(OfferFailure.MAX_POSITION_EXCEEDED.ordinal(), OfferFailure.ordinalOf(-5));
        assertEquals(-1, OfferFailure.ordinalOf(-6));
        assertEquals(-1, OfferFailure.ordinalOf(0));
        assertEquals(-1, OfferFailure.ordinalOf(128));
    }

    @Test
    void round_gauges_only_move_forward() {
        final TierMeters t = CanopyMeters.create(registry).forTier(Tier.CONTINENTAL);
        t.roundOpened(5);
        t.roundOpened(4);
        t.roundClosed(5, QuorumOutcome.COMPLETE.ordinal(), 1, 1, 0);
        t.roundClosed(3, QuorumOutcome.COMPLETE.ordinal(), 1, 1, 0);
        assertEquals(5, t.openRound());
        assertEquals(5, t.lastClosedRound());
        assertEquals(0, t.roundParticipation.count());
        assertEquals(2, t.roundInputs.count());
    }
}
