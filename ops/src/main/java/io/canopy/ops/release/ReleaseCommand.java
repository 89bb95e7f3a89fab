package io.canopy.ops.release;

import io.canopy.io.AtomicFiles;
import io.canopy.io.NpyFormat;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.privacy.release.ReleaseRule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./canopy release --in DIR}: an audit tool for the release rules of PRIVACY-AT-SCALE.md. Runs one round of
 * a rule over a directory of cluster blocks with dp-noise's own kernels and prints every pass's claimed Δ and σ,
 * its release, W and W̃, and the published update, so a reviewer can feed neighbouring datasets (with
 * {@code --noise off}, and v1.npy to hold the centre fixed) and compare the releases against the claimed Δ.
 * Input problems are one line on stderr naming the file and the problem, exit code 2, nothing written.
 */
public final class ReleaseCommand implements CliCommand {

    static final List<Spec> SPECS = List.of(
        Spec.value("in", "DIR", "the input directory (required; layout below)"),
        Spec.value("rule", "R", "gated (default: two-pass gated centred clipping), multikrum or fixed (DP-FedAvg's"
            + " fixed-denominator mean)"),
        Spec.value("noise", "on|off", "off: release the noise-free aggregates, to compare neighbouring inputs (default on)"),
        Spec.value("out", "FILE.npy", "write the published update there, and each pass's release to FILE.pass1.npy,"
            + " FILE.pass2.npy (pass 2 of gated has d + 1 entries: the last is the scaled count s*tau*lambda*W)"),
        Spec.flag("json", "print one JSON object instead of text"));

    @Override
    public String name() {
        return "release";
    }

    @Override
    public String summary() {
        return "audit a DP release rule on cluster blocks: per-pass Delta, sigma, release, W, and the published update";
    }

    @Override
    public String help() {
        final StringBuilder keys = new StringBuilder();
        for (final Map.Entry<String, String> e : ReleaseInput.KEYS.entrySet()) {
            keys.append("  ").append(e.getKey()).append(" ".repeat(Math.max(2, 22 - e.getKey().length())))
                .append(e.getValue()).append('\n');
        }
        return Options.help("./canopy release --in DIR [--rule gated|multikrum|fixed] [--noise off] [--out FILE.npy] [--json]",
            """
                Runs one round of a release rule (PRIVACY-AT-SCALE.md) over the cluster blocks in DIR with the same
                kernels the tiers use, and prints per pass the claimed sensitivity Delta_p (add or remove one leaf),
                z_p and sigma_p = z_p*Delta_p, the release, W (leaves inside the gate) and W~ (its noisy release), and
                the published update. gated: pass 1 O1 = v0 + sum clip_C(x_i - v0)/m_c per cluster, pass 2 gated at
                rho around v1 and clipped at tau, each continent a trimmed mean over exactly its mapped clusters with
                k2 = floor(beta2*K), the global the mean over continents; Delta1 = C*lambda, Delta2 =
                tau*lambda*sqrt(1 + s^2), lambda = max over clusters 1/(m_c (K_j - 2 k2_j) M). multikrum: Delta =
                2C*max_j 1/((K_j - 2k_j) M). fixed: sum clip_C(x_i)/m_tot, Delta = C/m_tot. One accountant step per
                round at z. To check a claimed Delta, run twice with --noise off on neighbouring inputs (one leaf
                added to one cluster; v1.npy holding the centre fixed for pass 2) and compare FILE.pass1.npy and
                FILE.pass2.npy.

                DIR layout:
                  plan.yaml          flat 'key: value' lines (keys below)
                  cluster-NNNN.npy   float32, shape (n_c, d), the leaf updates of cluster NNNN (4+ digits); every
                                     mapped cluster needs one unless listed in empty-clusters
                  v0.npy             optional float32 (d,): the public centre of pass 1 (default zeros)
                  v1.npy             optional float32 (d,): hold pass 2's centre fixed instead of the released v1

                Malformed or inconsistent input (missing file, wrong dtype, mismatched d, a cluster missing from the
                mapping, a bad plan key): one line on stderr naming the file and the problem, exit code 2, nothing
                written. Without 'seed' the secure sampler adds the noise; with it the seeded simulation sampler (no
                privacy). sigma is rounded up, W~ as computed.

                Example plan.yaml (two continents of four clusters, 5 planned leaves per cluster):
                  clip: 1.0
                  z: 2.0
                  planned-per-cluster: 5
                  beta2: 0.25
                  continent.0: 0,1,2,3
                  continent.1: 4,5,6,7

                plan.yaml keys:
                """ + keys.toString().stripTrailing(), SPECS);
    }

    @Override
    public int run(final List<String> args, final PrintStream out, final PrintStream err) throws Exception {
        final Options o = Options.parseFlags(SPECS, args);
        final Path dir = Path.of(o.require("in"));
        final ReleaseRule rule;
        try {
            rule = ReleaseRule.ofWireName(o.has("rule") ? o.get("rule") : "gated");
        } catch (final IllegalArgumentException e) {
            throw new UsageException("--rule must be gated, multikrum or fixed, got '" + o.get("rule") + "'");
        }
        final String noise = o.has("noise") ? o.get("noise") : "on";
        if (!noise.equals("on") && !noise.equals("off")) {
            throw new UsageException("--noise must be on or off, got '" + noise + "'");
        }
        final Path outFile = o.has("out") ? Path.of(o.get("out")) : null;
        if (outFile != null && !outFile.getFileName().toString().endsWith(".npy")) {
            throw new UsageException("--out must name a .npy file, got '" + outFile + "'");
        }
        if (!Files.isDirectory(dir)) {
            err.println("canopy release: " + dir + ": not a directory");
            return USAGE;
        }
        final ReleaseInput in;
        try {
            in = ReleaseInput.read(dir);
        } catch (final ReleaseInput.InputException e) {
            err.println("canopy release: " + e.getMessage());
            return USAGE;
        }
        if (outFile != null) {
            final Path parent = outFile.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                err.println("canopy release: " + outFile + ": output directory does not exist");
                return USAGE;
            }
        }
        final ReleaseRun.Result r = new ReleaseRun(in, noise.equals("on")).run(rule);
        if (outFile != null) {
            write(outFile, r, in.d());
        }
        if (o.has("json")) {
            out.println(ReleaseReport.json(in, r, outFile));
        } else {
            ReleaseReport.text(in, r, outFile, out);
        }
        if (in.seed() != null && noise.equals("on")) {
            err.println("warning: the plan's seed selects the seeded simulation sampler: this release is reproducible"
                + " and gives no privacy");
        }
        return OK;
    }

    private static void write(final Path file, final ReleaseRun.Result r, final int d) throws IOException {
        final String base = file.toString().substring(0, file.toString().length() - ".npy".length());
        for (int p = 0; p < r.passes().size(); p++) {
            final float[] v = r.passes().get(p).released();
            AtomicFiles.write(Path.of(base + ".pass" + (p + 1) + ".npy"), ch -> NpyFormat.write(ch, v, v.length));
        }
        if (r.update() != null) {
            AtomicFiles.write(file, ch -> NpyFormat.write(ch, r.update(), d));
        }
    }

}
