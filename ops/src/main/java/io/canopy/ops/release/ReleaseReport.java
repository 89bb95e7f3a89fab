package io.canopy.ops.release;

import io.canopy.ops.format.Figures;
import io.canopy.ops.json.JsonWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/** Text and JSON of one {@link ReleaseRun}: Δ and σ rounded up, W̃ and norms as computed. */
final class ReleaseReport {

    /** Vectors up to this length are printed in full (JSON); longer ones by norm only. */
    static final int MAX_PRINTED = 4096;

    private ReleaseReport() {
    }

    static void text(final ReleaseInput in, final ReleaseRun.Result r, final Path outFile, final PrintStream out) {
        final int m = in.continents().size();
        final int[] ks = in.continents().stream().mapToInt(c -> c.length).toArray();
        out.printf("release rule %s: %d clusters in %d continents (K = %s, k2 = %s), d = %d, m_c = %s, m_tot = %s,"
                + " lambda = %s, noise: %s%n", r.rule().wireName(), in.clusters(), m, Arrays.toString(ks),
            Arrays.toString(r.trims()), in.d(), Figures.exact(in.plannedPerCluster()), Figures.exact(r.plannedTotal()),
            Figures.up(r.lambda()), r.sampler());
        for (int p = 0; p < r.passes().size(); p++) {
            final ReleaseRun.PassResult pr = r.passes().get(p);
            out.printf("pass %d (%s): Delta = %s, z = %s, sigma = %s; |aggregate| = %s, |release| = %s%n", p + 1,
                pr.pass().name(), Figures.up(pr.pass().sensitivity()), Figures.up(pr.pass().z()), Figures.up(pr.pass().sigma()),
                Figures.exact(norm(pr.noiseFree(), in.d())), Figures.exact(norm(pr.released(), in.d())));
        }
        if (r.w() >= 0) {
            out.printf("centre of pass 2: %s%n", r.centreHeld() ? "held fixed from v1.npy" : "the released v1");
            out.printf("W = %d leaves inside the gate (rho = %s, tau = %s), W~ = %s (sigma %s); publish iff W~ >= %s%n",
                r.w(), Figures.exact(in.rho()), Figures.exact(in.tau()), Figures.exact(r.wNoisy()), Figures.up(r.countSigma()),
                Figures.exact(r.minCount()));
        }
        if (r.published()) {
            out.printf("published: yes; update = %s, |update| = %s%s%n", r.w() >= 0
                    ? "v1 + (A2~ - v1) x m_tot/max(W~, W_min) with scale " + Figures.exact(r.scale()) : "the release",
                Figures.exact(norm(r.update(), in.d())), outFile == null ? "" : ", written to " + outFile);
        } else {
            out.printf("published: no (W~ < W_min): no update%s%n", outFile == null ? "" : " written");
        }
        if (outFile != null) {
            out.printf("pass releases written next to it (.pass1.npy%s)%n", r.passes().size() > 1 ? ", .pass2.npy" : "");
        }
        out.printf("accounting: one subsampled-Gaussian step per round at z_eff = %s%n", Figures.up(in.z()));
    }

    static String json(final ReleaseInput in, final ReleaseRun.Result r, final Path outFile) {
        final JsonWriter j = new JsonWriter().beginObject().field("rule", r.rule().wireName())
            .field("clusters", in.clusters()).field("continents", in.continents().size()).field("d", in.d())
            .field("planned_per_cluster", in.plannedPerCluster()).field("planned_total", r.plannedTotal())
            .field("lambda", r.lambda()).field("trims", r.trims()).field("sampler", r.sampler()).field("z_eff", in.z())
            .name("passes").beginArray();
        for (final ReleaseRun.PassResult pr : r.passes()) {
            j.beginObject().field("name", pr.pass().name()).field("sensitivity", pr.pass().sensitivity())
                .field("z", pr.pass().z()).field("sigma", pr.pass().sigma())
                .field("aggregate_norm", norm(pr.noiseFree(), in.d())).field("release_norm", norm(pr.released(), in.d()));
            if (pr.released().length <= MAX_PRINTED) {
                vector(j, "aggregate", pr.noiseFree());
                vector(j, "release", pr.released());
            }
            j.endObject();
        }
        j.endArray();
        if (r.w() >= 0) {
            j.field("centre_held", r.centreHeld()).field("w", r.w()).field("w_noisy", r.wNoisy())
                .field("w_sigma", r.countSigma()).field("w_min", r.minCount()).field("scale", r.scale());
        }
        j.field("published", r.published());
        if (r.update() != null) {
            j.field("update_norm", norm(r.update(), in.d()));
            if (r.update().length <= MAX_PRINTED) {
                vector(j, "update", r.update());
            }
        }
        if (outFile != null) {
            j.field("out", outFile.toString());
        }
        return j.endObject().toString();
    }

    private static void vector(final JsonWriter j, final String name, final float[] v) {
        j.name(name).beginArray();
        for (final float x : v) {
            j.value(x);
        }
        j.endArray();
    }

    /** The L2 norm of the first d entries (the count coordinate excluded). */
    static double norm(final float[] v, final int d) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += (double) v[i] * v[i];
        }
        return Math.sqrt(s);
    }
}
