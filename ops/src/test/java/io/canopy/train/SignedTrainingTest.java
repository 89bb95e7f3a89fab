package io.canopy.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.canopy.frame.SignatureScheme;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.UsageException;
import org.junit.jupiter.api.Test;

/** {@code ./canopy train --signatures}: the leaves sign, the clusters verify, and training goes on as without. */
class SignedTrainingTest {

    private static TrainSettings settings(String... args) throws Exception {
        return TrainSettings.parse(Options.parse(TrainSettings.SPECS, List.of(args)));
    }

    private static List<TrainRun.Row> run(TrainSettings s, ByteArrayOutputStream log) throws Exception {
        List<TrainRun.Row> rows = new ArrayList<>();
        TrainRun.run(s, new PrintStream(log, true, StandardCharsets.UTF_8), rows::add, (r, sigma, a) -> {
        });
        return rows;
    }

    @Test
    void shouldCountEverySignedLeafAsItCountsUnsignedOnesAndSaySo() throws Exception {
        String[] flags = {"--leaves", "1000", "--cluster-size", "100", "--clusters-per-continent", "5", "--sampling-rate",
            "0.3", "--rounds", "1", "--epsilon", "off", "--seed", "11", "--dropout", "0", "--threads", "2"};
        List<String> signedFlags = new ArrayList<>(List.of(flags));
        signedFlags.addAll(List.of("--signatures", "ed25519"));
        ByteArrayOutputStream signedLog = new ByteArrayOutputStream();
        List<TrainRun.Row> signed = run(settings(signedFlags.toArray(String[]::new)), signedLog);
        List<TrainRun.Row> unsigned = run(settings(flags), new ByteArrayOutputStream());

        assertTrue(signedLog.toString(StandardCharsets.UTF_8).contains("train: leaf signatures required: every leaf frame"
            + " is verified against Ed25519 keys derived from seed 11 for 1000 leaves"), signedLog.toString(StandardCharsets.UTF_8));
        assertEquals(1, signed.size());
        assertTrue(signed.getFirst().accepted() > 200, "signed leaves were counted: " + signed.getFirst().accepted());
        assertEquals(unsigned.getFirst().accepted(), signed.getFirst().accepted());
        // The same updates; only the arrival order (and so float summation order) may differ between the runs.
        assertEquals(unsigned.getFirst().accuracy(), signed.getFirst().accuracy(), 0.002);
    }

    @Test
    void shouldBeOffByDefaultAndRefuseAnUnknownScheme() throws Exception {
        assertEquals(SignatureScheme.NONE, settings().signatures());
        assertEquals(SignatureScheme.ML_DSA_44, settings("--signatures", "ml-dsa-44").signatures());
        assertEquals("--signatures must be off, ed25519, ml-dsa-44 or ml-dsa-65, got 'rsa'",
            assertThrows(UsageException.class, () -> settings("--signatures", "rsa")).getMessage());
    }
}
