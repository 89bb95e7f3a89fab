package io.canopy.node;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.config.LayeredConfig;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code ./canopy node}: starts one member of a Canopy fleet (a Pekko cluster) with the roles it is given, and
 * runs until it is stopped (SIGINT/SIGTERM: it leaves the cluster first) or downed.
 */
public final class NodeCommand implements CliCommand {

    private static final List<Spec> SPECS = specs();

    private static List<Spec> specs() {
        List<Spec> specs = new ArrayList<>();
        for (LayeredConfig.Key k : NodeSettings.KEYS) {
            specs.add(Spec.value(k.name(), k.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_'), k.meaning()
                + (k.defaultValue() == null ? "" : " (default " + k.defaultValue() + ")")));
        }
        specs.add(Spec.value("config", "FILE", "a YAML file of 'key: value' lines with the keys above; flags and"
            + " CANOPY_* variables override it"));
        specs.add(Spec.flag("print-config", "print the effective configuration, with where each value came from, and exit"));
        return List.copyOf(specs);
    }

    @Override
    public String name() {
        return "node";
    }

    @Override
    public String summary() {
        return "start one member of a fleet (Pekko cluster) with the given roles";
    }

    @Override
    public String help() {
        return Options.help("./canopy node [--roles R] [--host H] [--port P] [--seed-nodes LIST] [--aeron-endpoint HOST:PORT]"
            + " [--config FILE] [--print-config]", """
            Starts one member of a Canopy fleet. Members form a Pekko cluster through the seed nodes; each member
            hosts the tiers its roles name. The split brain resolver keeps the majority side of a partition and
            downs the rest after down-after; a downed member exits, so a supervisor can start it afresh. Settings
            come from the defaults, then --config FILE, then CANOPY_<KEY> environment variables (CANOPY_SEED_NODES),
            then the flags. Refused at start, naming the key or line: a config file with a duplicate key or a
            malformed line, a CANOPY_ variable that is not a setting (CANOPY_JAVA_OPTS, CANOPY_LOG_LEVEL and
            CANOPY_LEDGER_KEY excepted), a zero or negative duration, a fleet shape the first round cannot be
            planned for. Exit code 1 when the coordinator cannot open or take over its journal (a privacy ledger
            that does not cover the recorded rounds, or replays to a lower epsilon) or cannot make a round
            durable. Membership changes are printed one per line. Stop with SIGINT or SIGTERM: the member
            leaves the cluster before it exits.""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        Map<String, String> flags = new HashMap<>();
        for (LayeredConfig.Key k : NodeSettings.KEYS) {
            if (o.has(k.name())) {
                flags.put(k.name(), o.get(k.name()));
            }
        }
        LayeredConfig config = LayeredConfig.resolve(NodeSettings.KEYS, o.has("config") ? Path.of(o.get("config")) : null,
            System.getenv(), flags);
        NodeSettings settings = NodeSettings.from(config);
        if (o.has("print-config")) {
            out.print(config.describe());
            return OK;
        }
        ActorSystem<Void> system = ActorSystem.create(NodeGuardian.create(settings, out), NodeSettings.SYSTEM,
            settings.pekkoConfig());
        out.printf("canopy node %s roles %s: started; seed nodes %s%n", settings.address(),
            settings.roles().stream().sorted().toList(), settings.seedNodes());
        out.printf("aggregates between tiers: %s%n", settings.describeLinks());
        out.flush();
        system.getWhenTerminated().toCompletableFuture().get(Long.MAX_VALUE, TimeUnit.DAYS);
        return OK;
    }
}
