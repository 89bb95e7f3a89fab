package io.canopy.ops.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.StringJoiner;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

import io.canopy.round.IngestRejection;
import io.canopy.straggler.QuorumOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;

/**
 * Creates every Canopy meter of {@link MeterCatalogue} once against a registry and hands out the handles: one
 * {@link TierMeters} per tier (and per continent when the node splits by continent), the {@link PrivacyMeters},
 * and registrations for gauges that exist only while their object does (Aeron positions, mailboxes).
 *
 * <p>All tier meters exist from construction with every reason and outcome at zero, so a scrape lists each series
 * before anything happens, rates start from a known zero, and the hot path only increments. The traffic meters are
 * function counters over the data plane's own counts, bound once per tier with {@link #bindTraffic}. Build one per
 * registry; a second one on the same registry would share the same meters.
 *
 * <p>Thread-safety: the handles are safe from any thread; registration methods are synchronized.
 */
public final class CanopyMeters {

    /** Most dynamic gauges (positions and mailboxes) open at once; past it registration fails, not the scrape. */
    public static final int MAX_DYNAMIC_GAUGES = 256;

    private final MeterRegistry registry;
    private final int continents;
    private final TierMeters[][] tiers;
    private final PrivacyMeters privacy = new PrivacyMeters();
    private final Map<Meter.Id, Gauge> dynamic = new HashMap<>();
    /** The traffic binders, held so the weakly referenced sources of their function counters live as long as this. */
    private final TierTrafficMetrics[] traffic = new TierTrafficMetrics[Tier.count()];

    private CanopyMeters(final MeterRegistry registry, final int continents) {
        this.registry = registry;
        this.continents = continents;
        tiers = new TierMeters[Tier.count()][];
        for (final Tier tier : Tier.values()) {
            final boolean split = continents > 0 && tier != Tier.GLOBAL;
            final TierMeters[] row = new TierMeters[split ? continents : 1];
            for (int c = 0; c < row.length; c++) {
                row[c] = create(tier, split ? Integer.toString(c) : MeterCatalogue.ALL);
            }
            tiers[tier.ordinal()] = row;
        }
        gauge(MeterCatalogue.EPSILON_SPENT, Tags.empty(), privacy, PrivacyMeters::epsilonSpent);
        gauge(MeterCatalogue.EPSILON_BUDGET, Tags.empty(), privacy, PrivacyMeters::epsilonBudget);
        gauge(MeterCatalogue.DELTA, Tags.empty(), privacy, PrivacyMeters::delta);
    }

    /** The meters of a node that does not split by continent (every {@code continent} tag is {@code all}). */
    public static CanopyMeters create(final MeterRegistry registry) {
        return create(registry, 0);
    }

    /**
     * The meters of a node; with {@code continents > 0} the cluster and continental tiers get one set per
     * continent {@code 0..continents-1}, obtained with {@link #forTier(Tier, int)}.
     *
     * @throws IllegalArgumentException if {@code continents} is negative or above {@link MeterCatalogue#MAX_CONTINENTS}
     */
    public static CanopyMeters create(final MeterRegistry registry, final int continents) {
        Objects.requireNonNull(registry, "registry");
        if (continents < 0 || continents > MeterCatalogue.MAX_CONTINENTS) {
            throw new IllegalArgumentException("continents=" + continents + " must be 0 (not split) to "
                + MeterCatalogue.MAX_CONTINENTS);
        }
        return new CanopyMeters(registry, continents);
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The meters of {@code tier} on a node that does not split by continent, or of the global tier on any node.
     *
     * @throws IllegalStateException if this node splits {@code tier} by continent
     */
    public TierMeters forTier(final Tier tier) {
        final TierMeters[] row = tiers[tier.ordinal()];
        if (row.length != 1 || !MeterCatalogue.ALL.equals(row[0].continent())) {
            throw new IllegalStateException("tier=" + tier.tagValue() + " is split by continent (continents="
                + continents + "): use forTier(tier, continent)");
        }
        return row[0];
    }

    /**
     * The meters of {@code tier} for continent {@code continent} on a node that splits by continent.
     *
     * @throws IllegalStateException    if this node does not split {@code tier} by continent
     * @throws IllegalArgumentException if {@code continent} is not in {@code 0..continents-1}
     */
    public TierMeters forTier(final Tier tier, final int continent) {
        if (continents == 0 || tier == Tier.GLOBAL) {
            throw new IllegalStateException("tier=" + tier.tagValue() + " is not split by continent"
                + " (continents=" + continents + "): use forTier(tier)");
        }
        if (continent < 0 || continent >= continents) {
            throw new IllegalArgumentException("continent=" + continent + " is not in 0.." + (continents - 1));
        }
        return tiers[tier.ordinal()][continent];
    }

    /**
     * Binds {@code tier}'s traffic meters to what its data plane counts ({@link TierTrafficMetrics}); a tier this
     * process does not host is bound to {@link TrafficSource#NONE}, so its series exist at zero. Once per tier.
     *
     * @throws IllegalStateException if {@code tier} is bound already (a second source would never be read: the
     *                               registry would hand back the first one's meters)
     */
    public synchronized void bindTraffic(final Tier tier, final TrafficSource source) {
        Objects.requireNonNull(source, "source");
        if (traffic[tier.ordinal()] != null) {
            throw new IllegalStateException("tier=" + tier.tagValue() + "'s traffic meters are bound already");
        }
        final TierTrafficMetrics binder = new TierTrafficMetrics(tier, source);
        binder.bindTo(registry);
        traffic[tier.ordinal()] = binder;
    }

    /** The privacy gauges. */
    public PrivacyMeters privacy() {
        return privacy;
    }

    /**
     * Shows {@code position} (a publication's {@code position()}) as {@code canopy.aeron.publication.position}
     * until the returned registration is closed.
     *
     * @throws IllegalArgumentException if that tier and stream is already registered and not closed
     * @throws IllegalStateException    past {@link #MAX_DYNAMIC_GAUGES}
     */
    public Registration publicationPosition(final Tier tier, final int streamId, final LongSupplier position) {
        return register(MeterCatalogue.PUBLICATION_POSITION, Tags.of(MeterCatalogue.TAG_TIER, tier.tagValue(),
            MeterCatalogue.TAG_STREAM, Integer.toString(streamId)), position);
    }

    /**
     * Shows {@code position} (for one image, its {@code position()}; for several, the least, which is the slowest
     * consumer) as {@code canopy.aeron.subscription.position} until the registration is closed.
     */
    public Registration subscriptionPosition(final Tier tier, final int streamId, final LongSupplier position) {
        return register(MeterCatalogue.SUBSCRIPTION_POSITION, Tags.of(MeterCatalogue.TAG_TIER, tier.tagValue(),
            MeterCatalogue.TAG_STREAM, Integer.toString(streamId)), position);
    }

    /**
     * Shows {@code size} as {@code canopy.actor.mailbox.size{actor=...}} until the registration is closed. Only
     * for actors that can tell their backlog cheaply (a counter they keep, a bounded queue's size); {@code actor}
     * is a role name such as {@code global-coordinator}, never an entity id.
     *
     * @throws IllegalArgumentException if {@code actor} is not 1-32 characters of {@code [a-z0-9-]} starting
     *                                  with a letter
     */
    public Registration mailboxSize(final String actor, final LongSupplier size) {
        if (!MeterCatalogue.ACTOR_NAME.matcher(actor).matches()) {
            throw new IllegalArgumentException("actor=" + actor + " is not a role name: 1-32 of [a-z0-9-], "
                + "starting with a letter");
        }
        return register(MeterCatalogue.MAILBOX_SIZE, Tags.of(MeterCatalogue.TAG_ACTOR, actor), size);
    }

    /** A gauge that exists until {@link #close()}; closing twice is harmless. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private synchronized Registration register(final MeterDef def, final Tags tags, final LongSupplier supplier) {
        Objects.requireNonNull(supplier, "supplier");
        final Meter.Id id = new Meter.Id(def.name(), tags, def.baseUnit(), def.description(), Meter.Type.GAUGE);
        if (dynamic.containsKey(id)) {
            throw new IllegalArgumentException(describe(id) + " is already registered: close the old registration"
                + " first");
        }
        if (dynamic.size() >= MAX_DYNAMIC_GAUGES) {
            throw new IllegalStateException("cannot register " + describe(id) + ": " + MAX_DYNAMIC_GAUGES
                + " dynamic gauges are open already (MAX_DYNAMIC_GAUGES)");
        }
        final Gauge gauge = gauge(def, tags, supplier, s -> (double) s.getAsLong());
        dynamic.put(id, gauge);
        return new Registration() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (CanopyMeters.this) {
                    if (!closed) {
                        closed = true;
                        dynamic.remove(id);
                        registry.remove(gauge);
                    }
                }
            }
        };
    }

    private static String describe(final Meter.Id id) {
        final StringJoiner tags = new StringJoiner(",", id.getName() + "{", "}");
        for (final Tag t : id.getTagsAsIterable()) {
            tags.add(t.getKey() + "=" + t.getValue());
        }
        return tags.toString();
    }

    private TierMeters create(final Tier tier, final String continent) {
        final Tags tags = Tags.of(MeterCatalogue.TAG_TIER, tier.tagValue(), MeterCatalogue.TAG_CONTINENT, continent);
        final Counter[] inputsRejected = new Counter[IngestRejection.count()];
        for (int r = 0; r < inputsRejected.length; r++) {
            inputsRejected[r] = counter(MeterCatalogue.INPUTS_REJECTED, tags.and(MeterCatalogue.TAG_REASON,
                MeterCatalogue.tagValue(IngestRejection.of(r))));
        }
        final QuorumOutcome[] outcomes = QuorumOutcome.values();
        final Counter[] quorumOutcomes = new Counter[outcomes.length];
        for (int o = 0; o < outcomes.length; o++) {
            quorumOutcomes[o] = counter(MeterCatalogue.QUORUM_OUTCOMES, tags.and(MeterCatalogue.TAG_OUTCOME,
                MeterCatalogue.tagValue(outcomes[o])));
        }
        final AtomicLong open = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        gauge(MeterCatalogue.ROUND_OPEN, tags, open, AtomicLong::get);
        gauge(MeterCatalogue.ROUND_LAST_CLOSED, tags, closed, AtomicLong::get);

        final Timer roundDuration = Timer.builder(MeterCatalogue.ROUND_DURATION.name())
            .description(MeterCatalogue.ROUND_DURATION.description())
            .tags(tags)
            .serviceLevelObjectives(MeterCatalogue.ROUND_DURATION_BUCKETS.toArray(Duration[]::new))
            .register(registry);
        return new TierMeters(tier, continent,
            tier == Tier.CLUSTER ? counter(MeterCatalogue.KRUM_REJECTED, tags) : noop(MeterCatalogue.KRUM_REJECTED, tags),
            tier == Tier.CLUSTER ? noop(MeterCatalogue.TRIM_DROPPED, tags) : counter(MeterCatalogue.TRIM_DROPPED, tags),
            roundDuration,
            summary(MeterCatalogue.ROUND_INPUTS, tags),
            summary(MeterCatalogue.ROUND_PARTICIPATION, tags),
            inputsRejected, quorumOutcomes, open, closed);
    }

    private Counter counter(final MeterDef def, final Tags tags) {
        return Counter.builder(def.name()).description(def.description()).baseUnit(def.baseUnit()).tags(tags)
            .register(registry);
    }

    private static Counter noop(final MeterDef def, final Tags tags) {
        return new NoopCounter(new Meter.Id(def.name(), tags, def.baseUnit(), def.description(), Meter.Type.COUNTER));
    }

    private DistributionSummary summary(final MeterDef def, final Tags tags) {
        return DistributionSummary.builder(def.name()).description(def.description()).baseUnit(def.baseUnit())
            .tags(tags).register(registry);
    }

    private <T> Gauge gauge(final MeterDef def, final Tags tags, final T state,
                            final ToDoubleFunction<T> value) {
        // Strong: Micrometer holds gauge state weakly by default, and a collected holder reads as NaN.
        return Gauge.builder(def.name(), state, value).description(def.description()).baseUnit(def.baseUnit())
            .tags(tags).strongReference(true).register(registry);
    }
}
