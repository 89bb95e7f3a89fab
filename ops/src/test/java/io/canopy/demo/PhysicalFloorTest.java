package io.canopy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhysicalFloorTest {

    /** Round numbers: 1e9 floats a second generated, 100 GFLOP/s, 10 GB/s, two threads. */
    private static final PhysicalFloor.Rates RATES = new PhysicalFloor.Rates(100e9, 10e9, 1e9, 2);

    @Test
    void the_gram_matrix_of_n_updates_holds_its_lower_triangle_with_the_diagonal() {
        assertEquals(1, PhysicalFloor.gramPairs(1));
        assertEquals(6, PhysicalFloor.gramPairs(3));
        assertEquals(500_500L, PhysicalFloor.gramPairs(1000));
        assertEquals(0, PhysicalFloor.gramPairs(0));
    }

    @Test
    void generating_and_the_gram_matrix_add_because_both_need_the_cores() {
        // 10^4 clusters of 1,000 at d = 100: 10^9 floats, 5.005e9 Gram entries · 100 · 2 FLOP = 1.001e12 FLOP.
        long gramPairs = 10_000L * PhysicalFloor.gramPairs(1000);
        PhysicalFloor.Floor f = PhysicalFloor.of(1_000_000_000L, gramPairs, 100, RATES);
        assertEquals(1.0, f.generateSeconds(), 1e-12);
        assertEquals(10.01, f.gramSeconds(), 1e-9);
        assertEquals(0.8, f.moveSeconds(), 1e-12); // 8 bytes a float at 10 GB/s
        assertEquals(11.01, f.seconds(), 1e-9);
    }

    @Test
    void moving_the_floats_is_the_floor_only_when_it_takes_longer_than_the_compute() {
        // No Multi-Krum ran (gramPairs 0) and memory is slow: 8e9 bytes at 1 GB/s beat 1 s of generating.
        PhysicalFloor.Floor f = PhysicalFloor.of(1_000_000_000L, 0, 100, new PhysicalFloor.Rates(100e9, 1e9, 1e9, 2));
        assertEquals(8.0, f.seconds(), 1e-12);
    }

    @Test
    void the_printed_floor_is_rounded_down_and_the_ratio_to_it_rounded_up() {
        RoundStats st = new RoundStats(1, 100);
        st.sent = 10_000_000L; // 10^9 floats at d = 100
        st.gramPairs = 500_000_000L; // 10^11 FLOP: 1 s at 100 GFLOP/s
        String line = DemoReport.floor(st, 100, RATES, 15.59);
        assertEquals("  physical floor on this machine (2 threads): 2.000 s = generate 1,000,000,000 floats at 1000 M/s"
            + " (1.000 s) + Gram 100.0 GFLOP at 100 GFLOP/s (1.000 s); moving 8.00 GB at 10.0 GB/s (0.800 s) may overlap;"
            + " wall is 7.8x the floor" + System.lineSeparator(), line);
        assertEquals("", DemoReport.floor(st, 100, null, 15.59));
    }

    @Test
    void the_rates_measured_here_are_positive_and_finite() {
        PhysicalFloor.Rates r = PhysicalFloor.measure(new io.canopy.leaf.synthetic.SyntheticSwarm(
            io.canopy.leaf.synthetic.SwarmSpec.honest(7, 16, 100)), 16);
        assertTrue(r.flopsPerSecond() > 1e8 && Double.isFinite(r.flopsPerSecond()), "FLOP/s " + r.flopsPerSecond());
        assertTrue(r.bytesPerSecond() > 1e8 && Double.isFinite(r.bytesPerSecond()), "bytes/s " + r.bytesPerSecond());
        assertTrue(r.floatsPerSecond() > 1e5 && Double.isFinite(r.floatsPerSecond()), "floats/s " + r.floatsPerSecond());
        assertEquals(io.canopy.kernel.Parallel.threads(), r.threads());
    }
}
