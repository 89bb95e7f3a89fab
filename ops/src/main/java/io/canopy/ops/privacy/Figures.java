package io.canopy.ops.privacy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats privacy figures for people. Every figure that bounds a privacy loss (ε, an RDP value) or a
 * noise level the operator must apply (z, σ) is rounded towards the conservative side, so a printed
 * figure never claims more privacy than was computed: ε and RDP up, and z and σ up (more noise).
 */
final class Figures {

    private static final int SIGNIFICANT = 5;

    private Figures() {
    }

    /** {@code x} rounded up (towards +∞) to five significant digits. */
    static String up(final double x) {
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
    static String exact(final double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return Double.toString(x).replace(".0E", "E").replace("E", "e");
    }

    /** A Rényi order: integers without a decimal point. */
    static String order(final double a) {
        return exact(a);
    }

    // Trailing zeros are kept: "2.0000" says five digits were computed, "2" would not.
    private static String plain(final BigDecimal d) {
        final int exp = d.precision() - d.scale() - 1;
        return exp < -5 || exp > 9 ? d.toString().replace("E+", "e").replace("E", "e") : d.toPlainString();
    }
}
