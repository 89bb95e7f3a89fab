package io.canopy.node.enroll;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.canopy.enroll.DerivedKeys;
import io.canopy.enroll.EnrollmentShard;
import io.canopy.enroll.PublicKeyList;
import io.canopy.frame.SignatureScheme;
import io.canopy.node.NodeSettings;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.config.LayeredConfig;
import io.canopy.topology.FleetLayout;

/**
 * {@code ./canopy enroll}: writes a fleet's enrollment registry (one {@code cluster-<id>.enroll} shard per cluster,
 * docs/security.md) from a list of the leaves' public keys ({@link PublicKeyList}), or from a synthetic swarm's
 * derived keys. Each leaf goes to the cluster the layout assigns it, computed from the same keys a node reads
 * (leaves, cluster-size, clusters-per-continent, seed), so the registry and the fleet agree.
 */
public final class EnrollCommand implements CliCommand {

    /** The node keys that decide each leaf's cluster. */
    static final List<String> LAYOUT_KEYS = List.of("leaves", "cluster-size", "clusters-per-continent", "seed");

    private static final List<Spec> SPECS = specs();

    private static List<Spec> specs() {
        List<Spec> specs = new ArrayList<>(List.of(
            Spec.value("out", "DIR", "the registry directory to write (required); created if absent; an existing"
                + " non-empty one is replaced only with --force"),
            Spec.value("keys", "FILE", "the leaves' public keys, one 'LEAF_ID SCHEME BASE64_RAW_PUBLIC_KEY' line each"
                + " (SCHEME: ed25519, ml-dsa-44 or ml-dsa-65, one for the whole file; '#' comments and blank lines"
                + " skipped)"),
            Spec.flag("derived", "instead of --keys: the public half of a synthetic swarm's derived keys (a load-test"
                + " convenience, not security: the swarm's seed gives every private key)"),
            Spec.value("scheme", "SCHEME", "with --derived: ed25519, ml-dsa-44 or ml-dsa-65 (default ed25519)"),
            Spec.value("swarm-seed", "S", "with --derived: the swarm's --seed, from which its keys derive (default 42)"),
            Spec.flag("force", "replace a non-empty --out directory (the old registry is removed once the new one is in"
                + " place)"),
            Spec.value("config", "FILE", "the node's YAML config file: its layout keys are read from it, as a node"
                + " reads them (flags and CANOPY_* variables override it)")));
        for (LayeredConfig.Key k : NodeSettings.KEYS) {
            if (LAYOUT_KEYS.contains(k.name())) {
                specs.add(Spec.value(k.name(), k.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_'), k.meaning()
                    + " (default " + k.defaultValue() + ")"));
            }
        }
        return List.copyOf(specs);
    }

    @Override
    public String name() {
        return "enroll";
    }

    @Override
    public String summary() {
        return "write a fleet's enrollment registry (leaves' public keys, one shard per cluster) for leaf signatures";
    }

    @Override
    public String help() {
        return Options.help("./canopy enroll --out DIR (--keys FILE | --derived [--scheme SCHEME] [--swarm-seed S])"
            + " [--config FILE] [--leaves N] [--cluster-size C] [--clusters-per-continent M] [--seed S] [--force]", """
            Writes the enrollment registry that fleet nodes verify leaf signatures against (node keys
            leaf-signatures: required and enrollment: DIR): DIR/cluster-<k>.enroll for every cluster k of the
            layout, each with the public keys of the leaves the layout assigns to k (a cluster with no listed leaf
            gets an empty shard). Give the layout exactly as the fleet's nodes have it: the same --config file, or
            the same leaves, cluster-size, clusters-per-continent and seed, else leaves land in other clusters and
            their frames are refused as NOT_ENROLLED.

            --keys FILE reads keys the leaves generated themselves; a line is LEAF_ID SCHEME BASE64, e.g.
              17 ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
            with the raw public key in standard base64 (Ed25519: 32 bytes, RFC 8032; ML-DSA-44/65: 1312/1952 bytes,
            FIPS 204). --derived exports instead the public keys of ./canopy swarm --seed S --signatures SCHEME.

            The input is read and checked whole before anything is written: an unknown scheme, bad base64, a key of
            the wrong length or that does not decode, a leaf id outside the layout or listed twice is refused with
            one line naming the file, the line number and the problem (exit 2), and DIR is left as it was. The
            shards are written to a staging directory next to DIR and renamed into place.""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        return run(args, System.getenv(), out);
    }

    /** {@link #run} with the environment given, for tests. */
    int run(List<String> args, Map<String, String> environment, PrintStream out) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        Path dir = Path.of(o.require("out"));
        if (o.has("keys") == o.has("derived")) {
            throw new UsageException("give either --keys FILE (the leaves' own keys) or --derived (a synthetic swarm's)");
        }
        if (o.has("keys") && (o.has("scheme") || o.has("swarm-seed"))) {
            throw new UsageException("--scheme and --swarm-seed go with --derived; with --keys each line names its scheme");
        }
        RegistryDirectory.checkWritable(dir, o.has("force"));
        FleetLayout layout = layout(o, environment);
        List<EnrollmentShard> shards;
        String from;
        if (o.has("keys")) {
            Path file = Path.of(o.get("keys"));
            if (!Files.isRegularFile(file)) {
                throw new UsageException("--keys " + file + ": no such file");
            }
            try {
                shards = PublicKeyList.read(file, layout);
            } catch (io.canopy.io.FileFormatException e) {
                throw new UsageException(e.getMessage());
            }
            from = "from " + file;
        } else {
            String name = o.has("scheme") ? o.get("scheme") : "ed25519";
            SignatureScheme scheme = PublicKeyList.schemeNamed(name);
            if (scheme == null) {
                throw new UsageException("--scheme must be ed25519, ml-dsa-44 or ml-dsa-65, got '" + name + "'");
            }
            long seed;
            try {
                seed = o.has("swarm-seed") ? Long.parseLong(o.get("swarm-seed")) : 42;
            } catch (NumberFormatException e) {
                throw new UsageException("--swarm-seed must be a whole number, got '" + o.get("swarm-seed") + "'");
            }
            DerivedKeys keys = new DerivedKeys(seed, scheme, layout);
            shards = new ArrayList<>(layout.clusters());
            for (int c = 0; c < layout.clusters(); c++) {
                shards.add(keys.shard(c));
            }
            from = "derived from swarm seed " + seed + " (a load-test convenience, not security)";
        }
        RegistryDirectory.replace(dir, shards);
        long leaves = shards.stream().mapToLong(EnrollmentShard::size).sum();
        out.printf("enrolled %d leaves (%s) in %d cluster shards, %s: %s%n", leaves,
            shards.isEmpty() ? "-" : PublicKeyList.nameOf(shards.getFirst().scheme()), shards.size(), from, dir);
        return OK;
    }

    /** The layout from the node keys, resolved as a node resolves them (defaults, --config, CANOPY_*, flags). */
    static FleetLayout layout(Options o, Map<String, String> environment) throws UsageException {
        Map<String, String> flags = new HashMap<>();
        for (String k : LAYOUT_KEYS) {
            if (o.has(k)) {
                flags.put(k, o.get(k));
            }
        }
        LayeredConfig config = LayeredConfig.resolve(NodeSettings.KEYS, o.has("config") ? Path.of(o.get("config")) : null,
            environment, flags);
        try {
            return new FleetLayout(config.longValue("leaves", 1, 10_000_000), config.intValue("cluster-size", 3, 100_000),
                config.intValue("clusters-per-continent", 1, 100_000),
                config.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
