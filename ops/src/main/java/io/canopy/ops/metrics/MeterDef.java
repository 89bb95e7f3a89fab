package io.canopy.ops.metrics;

import java.util.List;

/**
 * One Canopy meter as declared in {@link MeterCatalogue}: the Micrometer name, kind, base unit, meaning and tag
 * keys, and the names Prometheus shows for it. {@link CanopyMeters} builds every meter from these records, so
 * the declared names are the emitted names; dashboard and alert tests check their queries against
 * {@link #prometheusSeries()}.
 *
 * @param name        dot-separated Micrometer name, {@code canopy.<area>.<thing>}
 * @param kind        what is recorded
 * @param baseUnit    Micrometer base unit, or null; the name already ends with it, so Prometheus adds nothing
 * @param description the {@code # HELP} text
 * @param tagKeys     every tag key, the same for every series of the name (the Prometheus registry insists)
 */
public record MeterDef(String name, Kind kind, String baseUnit, String description, List<String> tagKeys) {

    /** The kinds Canopy uses. */
    public enum Kind {
        /** Monotonic count; Prometheus {@code <name>_total}. */
        COUNTER,
        /** Sampled value; Prometheus {@code <name>}. */
        GAUGE,
        /** Durations with fixed histogram buckets; Prometheus {@code <name>_seconds_bucket|_count|_sum|_max}. */
        TIMER,
        /** Distribution without buckets; Prometheus {@code <name>_count|_sum|_max}. */
        SUMMARY
    }

    public MeterDef {
        if (!name.matches("canopy(\\.[a-z0-9]+){2,}")) {
            throw new IllegalArgumentException("name=" + name + " is not canopy.<area>.<thing> in lower case");
        }
        if (baseUnit != null && !name.endsWith("." + baseUnit)) {
            throw new IllegalArgumentException("name=" + name + " must end with its base unit " + baseUnit);
        }
        tagKeys = List.copyOf(tagKeys);
    }

    /**
     * The metric family name in the Prometheus text format: dots become underscores, timers gain
     * {@code _seconds} (Micrometer's Prometheus registry records them in seconds), counters gain {@code _total}.
     */
    public String prometheusName() {
        final String snake = name.replace('.', '_');
        return switch (kind) {
            case COUNTER -> snake + "_total";
            case TIMER -> snake + "_seconds";
            case GAUGE, SUMMARY -> snake;
        };
    }

    /** Every sample name a scrape shows for this meter; what a PromQL query may select. */
    public List<String> prometheusSeries() {
        final String p = prometheusName();
        return switch (kind) {
            case COUNTER, GAUGE -> List.of(p);
            case TIMER -> List.of(p + "_bucket", p + "_count", p + "_sum", p + "_max");
            case SUMMARY -> List.of(p + "_count", p + "_sum", p + "_max");
        };
    }
}
