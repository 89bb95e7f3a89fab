package io.canopy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import io.canopy.ops.cli.UsageException;
import org.junit.jupiter.api.Test;

/** Bad demo flags are refused before the fleet starts, each with one line naming the flag and what was wrong. */
class DemoCommandTest {

    private static String refusal(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        return assertThrows(UsageException.class, () -> new DemoCommand().run(List.of(args), sink, sink)).getMessage();
    }

    @Test
    void a_detector_sample_outside_zero_to_one_or_under_the_multikrum_release_is_refused() {
        assertEquals("--detector-sample must be in (0, 1], got 0.0", refusal("--detector-sample", "0"));
        assertEquals("--detector-sample must be in (0, 1], got 1.01", refusal("--detector-sample", "1.01"));
        assertEquals("--detector-sample 0.5 needs a planned release (auto, gated or fixed): under --release multikrum,"
            + " Multi-Krum is the release and runs in every cluster", refusal("--release", "multikrum", "--detector-sample", "0.5"));
    }

    @Test
    void a_held_codec_other_than_fp32_bf16_int8_or_under_a_release_without_two_passes_is_refused() {
        assertEquals("--held-codec must be fp32, bf16 or int8, got 'int4'", refusal("--held-codec", "int4"));
        assertEquals("--held-codec must be fp32, bf16 or int8, got fp16", refusal("--held-codec", "fp16"));
        assertEquals("--held-codec must be fp32, bf16 or int8, got topk", refusal("--held-codec", "topk"));
        assertEquals("--held-codec int8 needs the gated release (gated or auto): only it holds rows between two passes,"
            + " and --release fixed has one pass", refusal("--release", "fixed", "--held-codec", "int8"));
        assertEquals("--held-codec bf16 needs the gated release (gated or auto): only it holds rows between two passes,"
            + " and --release multikrum has one pass", refusal("--release", "multikrum", "--held-codec", "bf16"));
    }
}
