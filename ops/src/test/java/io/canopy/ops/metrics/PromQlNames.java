package io.canopy.ops.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks PromQL text against what Canopy emits: every {@code canopy_*} sample name must be one the catalogue
 * registers, and every {@code tier|outcome|reason|continent="..."} must name a value the meters can carry.
 */
final class PromQlNames {

    private static final Pattern CANOPY_NAME = Pattern.compile("\\bcanopy_[a-z0-9_]+");
    private static final Pattern OTHER_NAME = Pattern.compile("\\b(?:jvm|process|system)_[a-z0-9_]+");
    private static final Pattern TAG_EQUALS = Pattern.compile("\\b(tier|outcome|reason|continent)\\s*=\\s*\"([^\"]*)\"");

    private PromQlNames() {
    }

    /** The {@code canopy_*} names in {@code expr}. */
    static Set<String> canopyNames(final String expr) {
        return matches(CANOPY_NAME, expr);
    }

    /** The JVM and process meter names in {@code expr} (Micrometer binders, not the catalogue). */
    static Set<String> otherNames(final String expr) {
        return matches(OTHER_NAME, expr);
    }

    /** The problems in {@code expr}: undeclared canopy names and impossible tag values; empty when it is fine. */
    static List<String> problems(final String expr) {
        final List<String> problems = new ArrayList<>();
        final Set<String> series = MeterCatalogue.prometheusSeries();
        for (final String name : canopyNames(expr)) {
            if (!series.contains(name)) {
                problems.add("'" + name + "' is not a series Canopy emits");
            }
        }
        final Matcher m = TAG_EQUALS.matcher(expr);
        while (m.find()) {
            if (!MeterCatalogue.isPossibleTagValue(m.group(1), m.group(2))) {
                problems.add(m.group(1) + "=\"" + m.group(2) + "\" is not a value Canopy emits");
            }
        }
        return problems;
    }

    private static Set<String> matches(final Pattern p, final String text) {
        final Set<String> names = new TreeSet<>();
        final Matcher m = p.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
