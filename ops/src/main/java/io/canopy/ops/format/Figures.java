package io.canopy.ops.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats computed figures for people, always rounding towards the side that does not flatter us: a
 * privacy loss (ε, RDP), a noise level to apply (z, σ), an error or a false-positive rate up; a rate
 * we are proud of (precision, recall, throughput) down. Rounds the double's exact binary value, so a
 * figure on a rounding boundary is never nudged the wrong way by its shortest decimal form.
 */
public final class Figures {

    private static final int SIGNIFICANT = 5;

    private Figures() {
    }

    /** {@code x} rounded up (towards +∞) to five significant digits. */
    public static String up(final double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return "0";
        }
        final BigDecimal d = new BigDecimal(x).round(new MathContext(SIGNIFICANT, RoundingMode.CEILING));
        return plain(d);
    }

    /** An input echoed back as given: the shortest round-tripping form, 1e-5 rather than 1.0E-5. */
    public static String exact(final double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return Double.toString(x).replace(".0E", "E").replace("E", "e");
    }

    /** A Rényi order: integers without a decimal point. */
    public static String order(final double a) {
        return exact(a);
    }

    /** {@code x} rounded up (towards +∞) to {@code decimals} places: for errors and rates that count against us. */
    public static String up(final double x, final int decimals) {
        return directed(x, decimals, RoundingMode.CEILING);
    }

    /** {@code x} rounded down (towards −∞) to {@code decimals} places: for rates that count in our favour. */
    public static String down(final double x, final int decimals) {
        return directed(x, decimals, RoundingMode.FLOOR);
    }

    private static String directed(final double x, final int decimals, final RoundingMode mode) {
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? "NaN" : x > 0 ? "inf" : "-inf";
        }
        return new BigDecimal(x).setScale(decimals, mode).toPlainString();
    }

    // Trailing zeros are kept: "2.0000" says five digits were computed, "2" would not.
    private static String plain(final BigDecimal d) {
        final int exp = d.precision() - d.scale() - 1;
        return exp < -5 || exp > 9 ? d.toString().replace("E+", "e").replace("E", "e") : d.toPlainString();
    }
}
