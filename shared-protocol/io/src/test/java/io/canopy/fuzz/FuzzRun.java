package io.canopy.fuzz;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The long fuzz runs behind {@code ./canopy fuzz}: each fuzz test's {@link #TAG}-tagged method feeds the same bodies
 * as its jqwik properties (which run a few thousand seeded cases in every suite) as many seeded cases as asked
 * ({@code -Dcanopy.fuzz.cases}, default 100,000; {@code -Dcanopy.fuzz.seed}). A failing case names its index and
 * seed, so it reruns exactly. The suite leaves these out ({@code excludedGroups} in the root pom).
 */
public final class FuzzRun {
    /** The JUnit tag of the long runs. */
    public static final String TAG = "fuzz-long";

    /** One case, from its own random stream. */
    @FunctionalInterface
    public interface Case {
        void run(SplittableRandom random) throws Exception;
    }

    private FuzzRun() {
    }

    /** Runs {@code body} over the asked number of cases and prints one line: cases, seed and time. */
    public static void run(String name, Case body) {
        int cases = Integer.getInteger("canopy.fuzz.cases", 100_000);
        long seed = Long.getLong("canopy.fuzz.seed", 20_261_203L);
        long start = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            try {
                body.run(new SplittableRandom(seed ^ (i * 0x9E37_79B9_7F4A_7C15L)));
            } catch (Exception | AssertionError e) {
                throw new AssertionError("fuzz " + name + ": case " + i + " of seed " + seed + " failed (again: ./canopy fuzz"
                    + " --seed " + seed + " --cases " + (i + 1) + "): " + e, e);
            }
        }
        System.out.printf(Locale.ROOT, "fuzz %s: %d cases, seed %d, %.1f s, no failure%n", name, cases, seed,
            (System.nanoTime() - start) / 1e9);
    }

    /** Up to {@code max} random bytes. */
    public static byte[] bytes(SplittableRandom random, int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return b;
    }
}
