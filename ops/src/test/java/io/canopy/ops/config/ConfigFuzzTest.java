package io.canopy.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Whatever a configuration file holds, the reader returns a flat map or refuses it with a line and a reason. */
class ConfigFuzzTest {

    private static final String SEED = "20261202";

    private static void parsesOrNamesTheLine(String text) {
        try {
            FlatYaml.parse(text);
        } catch (FlatYaml.Malformed e) {
            assertTrue(e.getMessage().matches("(?s)line \\d+: .+"), e.getMessage());
        }
    }

    @Property(seed = SEED, tries = 3000)
    void arbitraryTextParsesOrIsRefusedNamingItsLine(@ForAll @StringLength(max = 80) String text) {
        parsesOrNamesTheLine(text);
    }

    @Property(seed = SEED, tries = 3000)
    void yamlLikeTextParsesOrIsRefusedNamingItsLine(@ForAll("yamlish") String text) {
        parsesOrNamesTheLine(text);
    }

    @Property(seed = SEED, tries = 1000)
    void everyValueQuotedAsPrintConfigQuotesItReadsBack(@ForAll("values") String value) throws Exception {
        String quoted = '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        assertEquals(Map.of("k", new FlatYaml.Entry(value, 1)), FlatYaml.parse("k: " + quoted + "    # source\n"));
    }

    @Provide
    Arbitrary<String> yamlish() {
        Arbitrary<String> token = Arbitraries.of("port", "roles", ":", ": ", " ", "  ", "-", "- ", "#", " #", "\"", "'",
            "[", "]", ",", "\n", "\r\n", "---", "a", "1", "{", "}", "\t", "\\", "é", ": [a, b]", ":\n  - x\n");
        return token.list().ofMaxSize(30).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withChars("ab1:,#'\" \\-[]{}é").ofMaxLength(20)
            .filter(v -> v.indexOf('\n') < 0);
    }

    /**
     * The long run behind {@code ./canopy fuzz} (tag {@code fuzz-long}, left out of the suite): as many seeded texts as
     * {@code -Dcanopy.fuzz.cases} asks, arbitrary and YAML-like.
     */
    @Test
    @Tag("fuzz-long")
    void longRun() {
        int cases = Integer.getInteger("canopy.fuzz.cases", 100_000);
        long seed = Long.getLong("canopy.fuzz.seed", 20_261_203L);
        String[] tokens = {"port", "roles", ":", ": ", " ", "-", "#", "\"", "'", "[", "]", ",", "\n", "\r\n", "---", "a", "1",
            "{", "}", "\t", "\\", "é", ": [a, b]", ":\n  - x\n"};
        long start = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed ^ (i * 0x9E37_79B9_7F4A_7C15L));
            StringBuilder text = new StringBuilder();
            for (int t = r.nextInt(31); t > 0; t--) {
                text.append(r.nextBoolean() ? tokens[r.nextInt(tokens.length)] : Character.toString(r.nextInt(0x20, 0x250)));
            }
            try {
                parsesOrNamesTheLine(text.toString());
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("fuzz config: case " + i + " of seed " + seed + " failed: " + e, e);
            }
        }
        System.out.printf(java.util.Locale.ROOT, "fuzz config: %d cases, seed %d, %.1f s, no failure%n", cases, seed,
            (System.nanoTime() - start) / 1e9);
    }
}
