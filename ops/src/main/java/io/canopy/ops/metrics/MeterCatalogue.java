package io.canopy.ops.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.canopy.frame.RejectReason;
import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;

/**
 * Every Canopy meter, declared once: names, kinds, tag keys and the bounded set of values each tag may take.
 * Tiers never name a meter themselves; they hold handles from {@link CanopyMeters}. Renaming a meter here is a
 * dashboard and alert change as well ({@code ops/grafana/canopy.json}, {@code ops/prometheus/canopy-alerts.yml});
 * the dashboard test fails until they agree.
 */
public final class MeterCatalogue {

    /** Which tier recorded it: {@link Tier#tagValue()}. */
    public static final String TAG_TIER = "tier";
    /**
     * The continent a cluster or continental aggregator serves ({@code 0..continents-1}), or {@value #ALL} when the
     * node does not split its meters by continent (the default) and always at the global tier. Cluster ids are never
     * a tag: ten thousand of them would be ten thousand series per meter.
     */
    public static final String TAG_CONTINENT = "continent";
    /** Why something was refused: an enum constant in lower case. */
    public static final String TAG_REASON = "reason";
    /** How a round closed: a {@link QuorumOutcome} in lower case. */
    public static final String TAG_OUTCOME = "outcome";
    /** An Aeron stream id. */
    public static final String TAG_STREAM = "stream";
    /** An actor role name (not an entity id). */
    public static final String TAG_ACTOR = "actor";

    /** The {@code continent} value of meters that are not split by continent. */
    public static final String ALL = "all";

    /** Upper bound on continents a node may split its meters by; more would make too many series. */
    public static final int MAX_CONTINENTS = 256;

    /** Bucket bounds of {@code canopy.round.duration}: fixed, so series stay few and sum across nodes. */
    public static final List<Duration> ROUND_DURATION_BUCKETS = List.of(
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10));

    private static final List<String> TIERED = List.of(TAG_TIER, TAG_CONTINENT);
    private static final List<String> TIERED_REASON = List.of(TAG_TIER, TAG_CONTINENT, TAG_REASON);

    public static final MeterDef FRAMES_RECEIVED = counter("canopy.frames.received", null,
        "Frames that reached a tier's decoder, valid or not", TIERED);
    public static final MeterDef FRAMES_ACCEPTED = counter("canopy.frames.accepted", null,
        "Inputs counted into a round: passed the decoder and the tier's ingest checks", TIERED);
    public static final MeterDef FRAMES_REJECTED = counter("canopy.frames.rejected", null,
        "Malformed frames the decoder dropped, by io.canopy.frame.RejectReason", TIERED_REASON);
    public static final MeterDef INPUTS_REJECTED = counter("canopy.inputs.rejected", null,
        "Well-formed inputs the tier refused (late, duplicate, norm...), by io.canopy.round.IngestRejection",
        TIERED_REASON);
    public static final MeterDef FRAMES_SENT = counter("canopy.frames.sent", null,
        "Aggregate frames a tier sent up the tree (global: model versions published)", TIERED);
    public static final MeterDef TRAFFIC_IN = counter("canopy.traffic.in.bytes", "bytes",
        "Bytes of frames received by a tier, valid or not", TIERED);
    public static final MeterDef TRAFFIC_OUT = counter("canopy.traffic.out.bytes", "bytes",
        "Bytes of frames a tier sent", TIERED);
    public static final MeterDef ROUND_DURATION = new MeterDef("canopy.round.duration", MeterDef.Kind.TIMER, null,
        "Time from a tier opening a round to closing it (released or failed quorum)", TIERED);
    public static final MeterDef QUORUM_OUTCOMES = counter("canopy.quorum.outcomes", null,
        "Rounds a tier closed, by io.canopy.straggler.QuorumOutcome", List.of(TAG_TIER, TAG_CONTINENT, TAG_OUTCOME));
    public static final MeterDef ROUND_INPUTS = new MeterDef("canopy.round.inputs", MeterDef.Kind.SUMMARY, null,
        "Inputs a round closed with", TIERED);
    public static final MeterDef ROUND_PARTICIPATION = new MeterDef("canopy.round.participation",
        MeterDef.Kind.SUMMARY, null, "Inputs a round closed with over the inputs it expected (0..1, more if over-selected)",
        TIERED);
    public static final MeterDef ROUND_OPEN = gauge("canopy.round.open",
        "Id of the newest round the tier opened (0: none yet)", TIERED);
    public static final MeterDef ROUND_LAST_CLOSED = gauge("canopy.round.last.closed",
        "Id of the newest round the tier closed (0: none yet); below canopy.round.open while a round is open", TIERED);
    public static final MeterDef KRUM_REJECTED = counter("canopy.krum.rejected", null,
        "Updates Multi-Krum left out of the cluster mean (cluster tier only)", TIERED);
    public static final MeterDef TRIM_DROPPED = counter("canopy.trim.dropped", null,
        "Inputs the trimmed mean dropped per coordinate, 2k per closed round (continental and global tiers)", TIERED);
    public static final MeterDef OFFERS_FAILED = counter("canopy.aeron.offers.failed", null,
        "Aeron offers that did not take a frame, by reason (back_pressured is back pressure)", TIERED_REASON);
    public static final MeterDef PUBLICATION_POSITION = gauge("canopy.aeron.publication.position",
        "Position of an Aeron publication (bytes written to the stream)", List.of(TAG_TIER, TAG_STREAM));
    public static final MeterDef SUBSCRIPTION_POSITION = gauge("canopy.aeron.subscription.position",
        "Position of an Aeron subscription's image (bytes consumed from the stream)", List.of(TAG_TIER, TAG_STREAM));
    public static final MeterDef MAILBOX_SIZE = gauge("canopy.actor.mailbox.size",
        "Messages waiting in an actor's mailbox, where the actor can tell cheaply", List.of(TAG_ACTOR));
    public static final MeterDef EPSILON_SPENT = gauge("canopy.privacy.epsilon.spent",
        "Privacy loss epsilon spent so far by the published model (at canopy.privacy.delta)", List.of());
    public static final MeterDef EPSILON_BUDGET = gauge("canopy.privacy.epsilon.budget",
        "The epsilon budget training must stay within (NaN: none configured)", List.of());
    public static final MeterDef DELTA = gauge("canopy.privacy.delta",
        "The delta the epsilon figures are stated at (NaN: not yet known)", List.of());

    private static final List<MeterDef> ALL_DEFS = List.of(FRAMES_RECEIVED, FRAMES_ACCEPTED, FRAMES_REJECTED,
        INPUTS_REJECTED, FRAMES_SENT, TRAFFIC_IN, TRAFFIC_OUT, ROUND_DURATION, QUORUM_OUTCOMES, ROUND_INPUTS,
        ROUND_PARTICIPATION, ROUND_OPEN, ROUND_LAST_CLOSED, KRUM_REJECTED, TRIM_DROPPED, OFFERS_FAILED,
        PUBLICATION_POSITION, SUBSCRIPTION_POSITION, MAILBOX_SIZE, EPSILON_SPENT, EPSILON_BUDGET, DELTA);

    /** Actor role names: short, lower case; they are tag values, so never an entity or leaf id. */
    static final Pattern ACTOR_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private MeterCatalogue() {
    }

    /** Every Canopy meter, in a stable order. */
    public static List<MeterDef> all() {
        return ALL_DEFS;
    }

    /** The Prometheus family names of every Canopy meter ({@link MeterDef#prometheusName()}). */
    public static Set<String> prometheusNames() {
        final Set<String> names = new LinkedHashSet<>();
        for (final MeterDef d : ALL_DEFS) {
            names.add(d.prometheusName());
        }
        return names;
    }

    /** Every sample name a scrape can show for a Canopy meter ({@link MeterDef#prometheusSeries()}). */
    public static Set<String> prometheusSeries() {
        final Set<String> names = new LinkedHashSet<>();
        for (final MeterDef d : ALL_DEFS) {
            names.addAll(d.prometheusSeries());
        }
        return names;
    }

    /**
     * Whether {@code value} is one the catalogue can emit for tag {@code key}, for checking queries: tiers and
     * outcomes from their enums, reasons from the union of the three reason enums, continents {@value #ALL} or a
     * number below {@link #MAX_CONTINENTS}, streams any non-negative number, actors {@link #ACTOR_NAME}.
     */
    public static boolean isPossibleTagValue(final String key, final String value) {
        return switch (key) {
            case TAG_TIER -> tagValues(TAG_TIER).contains(value);
            case TAG_REASON -> tagValues(TAG_REASON).contains(value);
            case TAG_OUTCOME -> tagValues(TAG_OUTCOME).contains(value);
            case TAG_CONTINENT -> ALL.equals(value) || (value.matches("0|[1-9][0-9]{0,2}")
                && Integer.parseInt(value) < MAX_CONTINENTS);
            case TAG_STREAM -> value.matches("0|-?[1-9][0-9]{0,9}");
            case TAG_ACTOR -> ACTOR_NAME.matcher(value).matches();
            default -> false;
        };
    }

    /** The fixed values of an enumerated tag key ({@code tier}, {@code reason}, {@code outcome}). */
    public static List<String> tagValues(final String key) {
        final List<String> values = new ArrayList<>();
        switch (key) {
            case TAG_TIER -> {
                for (final Tier t : Tier.values()) {
                    values.add(t.tagValue());
                }
            }
            case TAG_OUTCOME -> {
                for (final QuorumOutcome o : QuorumOutcome.values()) {
                    values.add(tagValue(o));
                }
            }
            case TAG_REASON -> {
                for (final RejectReason r : RejectReason.values()) {
                    values.add(tagValue(r));
                }
                for (final IngestRejection r : IngestRejection.values()) {
                    values.add(tagValue(r));
                }
                for (final OfferFailure f : OfferFailure.values()) {
                    values.add(f.tagValue());
                }
            }
            default -> throw new IllegalArgumentException("tag=" + key + " has no fixed set of values");
        }
        return List.copyOf(new LinkedHashSet<>(values));
    }

    /** An enum constant as a tag value: its name in lower case ({@code BAD_CHECKSUM} is {@code bad_checksum}). */
    public static String tagValue(final Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static MeterDef counter(final String name, final String unit, final String description,
                                    final List<String> tags) {
        return new MeterDef(name, MeterDef.Kind.COUNTER, unit, description, tags);
    }

    private static MeterDef gauge(final String name, final String description, final List<String> tags) {
        return new MeterDef(name, MeterDef.Kind.GAUGE, null, description, tags);
    }
}
