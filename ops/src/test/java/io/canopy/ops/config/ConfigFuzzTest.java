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
}
