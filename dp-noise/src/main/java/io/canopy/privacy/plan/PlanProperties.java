package io.canopy.privacy.plan;

import java.util.Properties;

/**
 * Reading and checking a plan's {@code key: value} settings (the privacy plan's tree and the release options):
 * every refusal names the key as the user wrote it.
 */
public final class PlanProperties {

    private PlanProperties() {
    }

    /** The number under {@code key}, or {@code dflt} when absent; a value that is not a number names the key. */
    public static double number(final Properties p, final String key, final double dflt) {
        final String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v.trim() + "'");
        }
    }

    /** Refuses {@code value} of {@code key} unless {@code ok}: "KEY must be WHAT, got VALUE". */
    public static void require(final boolean ok, final String key, final Object value, final String what) {
        if (!ok) {
            throw new IllegalArgumentException(key + " must be " + what + ", got " + value);
        }
    }
}
