package io.canopy.ops.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.canopy.io.NpyFormat;
import io.canopy.privacy.release.TwoPassRelease;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import io.canopy.ops.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./canopy release}: the audit runs, neighbouring inputs move it by the claimed Δ, and bad input is one line. */
class ReleaseCommandTest {

    @TempDir
    Path tmp;

    private Path in;

    private static final int D = 6;
    private static final String PLAN = """
        clip: 1.0
        z: 2.0
        planned-per-cluster: 4
        beta2: 0.25
        continent.0: 0,1,2,3
        continent.1: 4,5,6,7
        """;

    private static CliRun cli(final String... args) {
        return CliRun.of(args);
    }

    private static void npy(final Path file, final float[] v, final int... shape) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            NpyFormat.write(ch, v, shape);
        }
    }

    /** A .npy file with any dtype, written by hand (NpyFormat writes float32 only). */
    private static void rawNpy(final Path file, final String descr, final int itemSize, final int rows, final int cols)
        throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        dict = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        final ByteBuffer b = ByteBuffer.allocate(10 + dict.length() + rows * cols * itemSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyFormat.MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length());
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(file, b.array());
    }

    private float[] block(final SplittableRandom rnd, final int rows) {
        final float[] b = new float[rows * D];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (0.1 + rnd.nextGaussian() * 0.1);
        }
        return b;
    }

    @BeforeEach
    void directory() throws IOException {
        in = Files.createDirectory(tmp.resolve("in"));
        Files.writeString(in.resolve("plan.yaml"), PLAN);
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int c = 0; c < 8; c++) {
            npy(in.resolve(String.format("cluster-%04d.npy", c)), block(rnd, 3 + c % 3), 3 + c % 3, D);
        }
    }

    private String only(final CliRun r) {
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        return r.err().strip();
    }

    private void assertNothingWritten() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(in), s.toList());
        }
    }

    @Test
    void a_missing_cluster_file_is_one_line_naming_it_and_its_continent() throws IOException {
        Files.delete(in.resolve("cluster-0006.npy"));
        assertEquals("canopy release: " + in.resolve("cluster-0006.npy") + ": no such file (cluster 6 is mapped to continent 1 in "
            + in.resolve("plan.yaml") + ")", only(cli("release", "--in", in.toString(), "--out", tmp.resolve("u.npy").toString())));
        assertNothingWritten();
    }

    @Test
    void a_block_of_the_wrong_dtype_is_one_line_naming_the_dtype() throws IOException {
        rawNpy(in.resolve("cluster-0002.npy"), "<i4", 4, 3, D);
        assertEquals("canopy release: " + in.resolve("cluster-0002.npy")
                + ": dtype '<i4' is not supported; save the array as float32 or float64",
            only(cli("release", "--in", in.toString(), "--out", tmp.resolve("u.npy").toString())));
        rawNpy(in.resolve("cluster-0002.npy"), "<f8", 8, 3, D);
        assertEquals("canopy release: " + in.resolve("cluster-0002.npy")
                + ": dtype '<f8': blocks and centres must be float32 ('<f4')",
            only(cli("release", "--in", in.toString(), "--out", tmp.resolve("u.npy").toString())));
        assertNothingWritten();
    }

    @Test
    void a_block_with_another_dimension_is_one_line_naming_both_ds() throws IOException {
        npy(in.resolve("cluster-0005.npy"), new float[3 * (D + 1)], 3, D + 1);
        assertEquals("canopy release: " + in.resolve("cluster-0005.npy") + ": shape (3, 7): d=7, but cluster-0000.npy has d=6",
            only(cli("release", "--in", in.toString(), "--out", tmp.resolve("u.npy").toString())));
        npy(in.resolve("cluster-0005.npy"), new float[3 * D], 3, D);
        npy(in.resolve("v1.npy"), new float[D - 1], D - 1);
        assertEquals("canopy release: " + in.resolve("v1.npy") + ": shape (5,): d=5, but cluster-0000.npy has d=6",
            only(cli("release", "--in", in.toString())));
        assertNothingWritten();
    }

    @Test
    void a_cluster_missing_from_the_mapping_is_one_line_naming_the_file() throws IOException {
        npy(in.resolve("cluster-0009.npy"), new float[3 * D], 3, D);
        assertEquals("canopy release: " + in.resolve("cluster-0009.npy") + ": cluster 9 is not in the continent mapping of "
            + in.resolve("plan.yaml"), only(cli("release", "--in", in.toString(), "--out", tmp.resolve("u.npy").toString())));
        assertNothingWritten();
    }

    @Test
    void a_missing_plan_key_is_one_line_naming_the_key() throws IOException {
        Files.writeString(in.resolve("plan.yaml"), PLAN.replace("z: 2.0\n", ""));
        assertEquals("canopy release: " + in.resolve("plan.yaml") + ": missing required key 'z'",
            only(cli("release", "--in", in.toString())));
    }

    @Test
    void one_leaf_just_inside_the_gate_moves_pass_2_by_its_claimed_delta_with_the_centre_held() throws IOException {
        final float[] v1 = new float[D];
        java.util.Arrays.fill(v1, 0.1f);
        npy(in.resolve("v1.npy"), v1, D);
        // Each continent's clusters sit at v1 + a*(1, ..., 1), three leaves each, all inside the gate; cluster 1 (and 5)
        // at a = 0 stays among the 2 kept of 4 when one leaf moves it by 0.0715 per coordinate.
        final double[] a = {-0.25, 0, 0.12, 0.25};
        for (int c = 0; c < 8; c++) {
            final float[] b = new float[3 * D];
            for (int t = 0; t < b.length; t++) {
                b[t] = (float) (v1[t % D] + a[c % 4]);
            }
            npy(in.resolve(String.format("cluster-%04d.npy", c)), b, 3, D);
        }
        final CliRun before = cli("release", "--in", in.toString(), "--noise", "off", "--out", tmp.resolve("a.npy").toString());
        assertEquals(0, before.exit(), before.err());
        final float[] grown = java.util.Arrays.copyOf(NpyFormat.read(in.resolve("cluster-0001.npy"), 2).data(), 4 * D);
        for (int j = 0; j < D; j++) {
            grown[3 * D + j] = (float) (v1[j] + 0.999 * 0.7 / Math.sqrt(D) * (j % 2 == 0 ? 1 : -1));
        }
        npy(in.resolve("cluster-0001.npy"), grown, 4, D);
        final CliRun after = cli("release", "--in", in.toString(), "--noise", "off", "--out", tmp.resolve("b.npy").toString());
        assertEquals(0, after.exit(), after.err());
        final float[] x = NpyFormat.read(tmp.resolve("a.pass2.npy"), 1).data();
        final float[] y = NpyFormat.read(tmp.resolve("b.pass2.npy"), 1).data();
        assertEquals(D + 1, x.length);
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += ((double) x[j] - y[j]) * ((double) x[j] - y[j]);
        }
        final double lambda = 1.0 / (4 * (4 - 2) * 2);
        final double delta2 = TwoPassRelease.updateSensitivity(0.7, lambda, TwoPassRelease.DEFAULT_COUNT_SCALE);
        assertTrue(after.out().contains("pass 2 (update): Delta = 0.043969,"), after.out());
        assertTrue(Math.sqrt(s) <= delta2 * (1 + 1e-5) && Math.sqrt(s) >= 0.99 * delta2, Math.sqrt(s) + " vs " + delta2);
        assertTrue(before.out().contains("centre of pass 2: held fixed from v1.npy"), before.out());
        assertTrue(before.out().contains("W = 24 leaves inside the gate") && after.out().contains("W = 25 leaves"), after.out());
    }

    @Test
    void the_three_rules_run_and_print_their_claimed_sensitivities() {
        final CliRun g = cli("release", "--in", in.toString(), "--noise", "off");
        assertEquals(0, g.exit(), g.err());
        assertTrue(g.out().contains("pass 1 (centre): Delta = 0.0625, z = 6, sigma = 0.375;"), g.out());
        final CliRun m = cli("release", "--in", in.toString(), "--rule", "multikrum", "--noise", "off");
        assertTrue(m.out().contains("pass 1 (mean): Delta = 0.5, z = 2, sigma = 1;"), m.out());
        final CliRun f = cli("release", "--in", in.toString(), "--rule", "fixed", "--json");
        assertTrue(f.out().contains("\"sensitivity\":0.03125,\"z\":2,\"sigma\":0.0625"), f.out());
        assertFalse(f.out().contains("\"w\":"));
    }
}
