package io.canopy.ops.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FiguresTest {

    @Test
    void rates_in_our_favour_round_down_and_those_against_us_round_up() {
        assertEquals("0.4004", Figures.down(0.40049, 4));
        assertEquals("0.4005", Figures.up(0.40041, 4));
        assertEquals("-0.1235", Figures.down(-0.12341, 4), "down is towards minus infinity, not towards zero");
        assertEquals("18255", Figures.down(18255.9, 0));
        assertEquals("NaN", Figures.up(Double.NaN, 4));
        assertEquals("inf", Figures.up(Double.POSITIVE_INFINITY, 4));
    }

    @Test
    void a_double_just_above_a_boundary_is_rounded_by_its_exact_value() {
        // 0.1 + 0.2 is 0.3000000000000000444...: up to one decimal it is 0.4, not the 0.3 its neighbourhood suggests.
        assertEquals("0.4", Figures.up(0.1 + 0.2, 1));
        assertEquals("0.3", Figures.down(0.1 + 0.2, 1));
        // 0.1 is 0.1000000000000000055...: already above 0.1, so up to 17 places it is not 0.1 exactly.
        assertEquals("0.10000000000000001", Figures.up(0.1, 17));
    }
}
