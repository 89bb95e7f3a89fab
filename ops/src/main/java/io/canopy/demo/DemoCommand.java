package io.canopy.demo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.global.ledger.RoundLedger;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.canopy.leaf.synthetic.Attack;
import io.canopy.global.plan.RoundDesign;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;

/** {@code ./canopy demo}: a whole four-tier round, or several, in one JVM against a synthetic swarm. */
public final class DemoCommand implements CliCommand {

    private static final List<Spec> SPECS = List.of(
        Spec.value("leaves", "N", "fleet size, up to 10,000,000; a multiple of cluster-size x clusters-per-continent (default 100000)"),
        Spec.value("cluster-size", "C", "leaves per cluster (default 1000)"),
        Spec.value("clusters-per-continent", "K", "clusters per continental aggregator (default 10)"),
        Spec.value("dim", "D", "model dimension d (default 1000)"),
        Spec.value("rounds", "T", "rounds to run; also the T the privacy target covers (default 3)"),
        Spec.value("sampling-rate", "Q", "probability each leaf is invited per round, in (0, 1] (default 1)"),
        Spec.value("byzantine", "FRACTION", "share of leaves that attack, in [0, 1) (default 0.1)"),
        Spec.value("attack", "NAME", "none | sign-flip | scaled-sign-flip | gaussian-noise | zero | random |"
            + " constant-direction | alie | inner-product-manipulation (default sign-flip)"),
        Spec.value("dropout", "P", "probability an invited leaf never answers, in [0, 1) (default 0.1)"),
        Spec.value("codec", "NAME", "leaf update compression: fp32 | fp16 | bf16 | int8 | topk (default fp32)"),
        Spec.value("epsilon", "E", "target epsilon of the published model over all rounds (default 2)"),
        Spec.value("delta", "D", "target delta (default 1e-5)"),
        Spec.value("seed", "S", "seed of the swarm, the assignment and the simulation noise (default 42)"),
        Spec.value("krum-f", "SHARE", "share of a cluster's updates Multi-Krum assumes Byzantine, in [0, 0.5) (default 0.25)"),
        Spec.value("beta", "B", "trimmed-mean trim fraction at tiers 2 and 3, in [0, 0.5) (default 0.1)"),
        Spec.value("window", "W", "clusters in flight at once; each holds its invited leaves x d floats, at most"
            + " cluster-size x d (default 4)"),
        Spec.value("threads", "N", "swarm and compute threads each (default: the cores, " + Runtime.getRuntime()
            .availableProcessors() + ")"),
        Spec.value("server-optimizer", "NAME", "the global tier's server step: fedavg (model += lr x update) or fedadam"
            + " (Reddi et al. 2021, beta1 0.9, beta2 0.99, tau 1e-3) (default fedavg)"),
        Spec.value("server-lr", "LR", "server learning rate (default 1 for fedavg, 0.1 for fedadam)"),
        Spec.value("ledger", "DIR", "where the global tier makes each round durable: round ledger (rounds.yaml), privacy"
            + " ledger (privacy.yaml) and model-v*.npy checkpoints; must not hold rounds yet (default"
            + " .canopy/runs/demo-<UTC time> under the current directory)"),
        Spec.value("metrics-port", "P", "Prometheus scrape endpoint GET /metrics on 127.0.0.1:P while the demo runs;"
            + " 0 turns it off, -1 picks a free port (default 9400)"),
        Spec.flag("secure-noise", "draw the DP noise from the secure sampler (default: the fast seeded sampler, right"
            + " for a simulation only)"),
        Spec.value("release", "RULE", "how the global update is released: gated (two-pass gated centred clipping with"
            + " planned counts; Multi-Krum runs as a detector only), fixed (DP-FedAvg's fixed-denominator clipped mean"
            + " through the same tiers), auto (gated, or fixed when the centre's own noise would shut the gate: small"
            + " fleets, big models; the report says why), or multikrum (the first wave's Multi-Krum then trimmed means,"
            + " noise sized to its Θ(C) sensitivity) (default auto)"),
        Spec.value("signatures", "SCHEME", "leaf frame signatures: off (default), ed25519, ml-dsa-44 or ml-dsa-65; each"
            + " leaf signs with a key derived from (seed, leaf id) and the clusters verify every frame before it counts"
            + " (about 0.5 ms a frame each way on a 2-core VM; see docs/security.md)"),
        Spec.value("rho", "FACTOR", "the gated release's gate radius as a multiple of the clip norm C (a heuristic plan"
            + " constant; see docs/privacy.md) (default " + RoundDesign.GATE_FACTOR + ")"),
        Spec.value("detector-sample", "SHARE", "under a planned release (auto, gated, fixed), the share of clusters in"
            + " (0, 1] that run Multi-Krum as a detector each round, a different public subset per round; its selections"
            + " never enter the release, so the published update and epsilon are the same at any share, and the clusters'"
            + " Multi-Krum time scales with it (default 1: every cluster)"),
        Spec.value("held-codec", "CODEC", "how the gated release's clusters hold their accepted rows between pass 1 and"
            + " pass 2, the round's largest memory at big d: fp32 (exact), bf16 (half the bytes, each value within 2^-8"
            + " relative) or int8 (about a quarter, unbiased stochastic rounding per block of 256); pass 2 sums the held"
            + " values, so this costs accuracy, not privacy (default fp32; see docs/privacy.md)"),
        Spec.value("json", "FILE", "also write every figure as JSON to FILE"));

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "run the four-tier tree in one JVM against a synthetic leaf swarm and report each round";
    }

    @Override
    public String help() {
        return Options.help("./canopy demo [--leaves N] [--cluster-size C] [--clusters-per-continent K] [--dim D]"
                + " [--rounds T] [--byzantine F] [--attack NAME] [--dropout P] [--codec NAME] [--epsilon E] [--delta D]"
                + " [--seed S] [--json FILE]",
            """
                One JVM holds every role: an embedded Aeron media driver over IPC carries the updates (leaf ->
                cluster -> continent -> global) as binary frames, a Pekko actor system carries the round plans
                and reports. A synthetic swarm (honest leaves = true gradient + drift + noise; attackers from the
                catalogue; dropouts and log-normal latencies) is streamed through Pekko Streams with back pressure.
                Clusters run Multi-Krum, continents and the global tier a trimmed mean; noise per tier comes from
                the privacy plan for the target (epsilon, delta) over the rounds. Leaf deadlines run on the
                simulated latencies (soft 2 s, hard 4 s); the tiers above on the wall clock.
                Prints a progress line per second and, per round: participation and quorum outcomes per tier,
                Multi-Krum's precision and recall against the swarm's ground truth, the relative L2 error of
                the global update against the honest leaves' mean, epsilon spent, wall times, throughput and
                peak heap.""",
            SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        int cores = Runtime.getRuntime().availableProcessors();
        DemoSettings settings;
        try {
            settings = new DemoSettings(
                RunOptions.longValue(o, "leaves", 100_000L, 1, 10_000_000L),
                o.intValue("cluster-size", 1000, 3, 100_000),
                o.intValue("clusters-per-continent", 10, 1, 100_000),
                o.intValue("dim", 1000, 1, 1_000_000),
                o.intValue("rounds", 3, 1, 100_000),
                RunOptions.probability(o, "sampling-rate", 1.0, false),
                RunOptions.fraction(o, "byzantine", 0.1),
                attack(o),
                RunOptions.fraction(o, "dropout", 0.1),
                RunOptions.codec(o),
                RunOptions.positive(o, "epsilon", 2.0),
                RunOptions.delta(o),
                RunOptions.longValue(o, "seed", 42L, Long.MIN_VALUE, Long.MAX_VALUE),
                o.doubleValue("krum-f", 0.25),
                o.doubleValue("beta", 0.1),
                o.has("secure-noise"),
                o.intValue("window", 4, 1, 1024),
                o.intValue("threads", cores, 1, 256),
                o.has("server-optimizer") ? o.get("server-optimizer") : "fedavg",
                (float) o.doubleValue("server-lr", "fedadam".equals(o.get("server-optimizer")) ? 0.1 : 1.0),
                ledger(o),
                o.intValue("metrics-port", 9400, -1, 65_535),
                o.has("release") ? o.get("release") : "auto",
                o.doubleValue("rho", RoundDesign.GATE_FACTOR),
                RunOptions.signatures(o),
                o.doubleValue("detector-sample", 1.0),
                RunOptions.heldCodec(o));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (!settings.secureNoise()) {
            err.println("canopy demo: DP noise from the fast seeded sampler -- for simulations and load tests only;"
                + " pass --secure-noise for the secure one");
        }
        Path json = RunOptions.output(o, "json");
        DemoRun.Outcome outcome = DemoRun.run(settings, err);
        out.print(DemoReport.text(outcome));
        if (json != null) {
            RunOptions.write(json, DemoReport.json(outcome));
        }
        return OK;
    }

    /** The ledger directory: new, or one that holds no rounds yet (resuming a run is the fleet's job, not the demo's). */
    private static Path ledger(Options o) throws UsageException {
        Path dir = o.has("ledger") ? Path.of(o.get("ledger"))
            : Path.of(".canopy", "runs", "demo-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
                .withZone(ZoneOffset.UTC).format(Instant.now()));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--ledger " + dir + " is a file, not a directory");
        }
        for (String file : List.of(RoundLedger.YAML_FILE, RoundLedger.BINARY_FILE, DirectoryJournal.PRIVACY_FILE)) {
            if (Files.exists(dir.resolve(file))) {
                throw new UsageException("--ledger " + dir + " already holds " + file + " from an earlier run; a demo"
                    + " starts at round 1, so give it a new directory");
            }
        }
        return dir;
    }

    private static Attack attack(Options o) throws UsageException {
        try {
            return o.has("attack") ? Attack.parse(o.get("attack")) : Attack.SIGN_FLIP;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--attack: " + e.getMessage());
        }
    }
}
