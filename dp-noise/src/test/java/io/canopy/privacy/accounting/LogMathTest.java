package io.canopy.privacy.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogMathTest {

    /** Reference values: mpmath 1.3 {@code log(erfc(x))} at 50 significant digits. */
    @ParameterizedTest(name = "log erfc({0}) = {1}")
    @CsvSource({
        "-3, 0.69313613525044681", "-1, 0.61123231767807049", "0, 0.0", "0.5, -0.7350111298370844",
        "1, -1.8496055099332482", "2, -5.3649412646166376", "2.5, -7.8068152727272644",
        "5, -27.200889545537434", "10, -102.87988902484489", "30, -903.97411711064388"})
    void log_erfc_matches_multi_precision_values(final double x, final double expected) {
        assertEquals(expected, LogMath.logErfc(x), 1e-13 * Math.max(1, Math.abs(expected)));
    }
}
