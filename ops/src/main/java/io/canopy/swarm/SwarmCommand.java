package io.canopy.swarm;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.canopy.enroll.DerivedKeys;
import io.canopy.frame.FrameLimits;
import io.canopy.frame.GradientFrame;
import io.canopy.frame.SignatureScheme;
import io.canopy.leaf.LeafClient;
import io.canopy.leaf.synthetic.Attack;
import io.canopy.leaf.synthetic.SwarmSpec;
import io.canopy.leaf.synthetic.SyntheticSwarm;
import io.canopy.node.FleetClient;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.UsageException;
import io.canopy.round.IngestRejection;
import io.canopy.round.RoundPlan;
import io.canopy.transport.CanopyTransport;
import io.canopy.transport.TransportContext;

/**
 * {@code ./canopy swarm}: a synthetic leaf swarm as its own process. It is a client of the fleet, never a member:
 * it follows the rounds through a member's client gateway ({@link FleetClient}), sends each invited leaf's update
 * over UDP to the member that hosts its cluster once that cluster collects the round, and reads the clusters'
 * reports to say what was accepted.
 */
public final class SwarmCommand implements CliCommand {

    private static final String DEFAULT_ENDPOINT = "127.0.0.1:12599";
    private static final List<Spec> SPECS = Stream.concat(FleetClient.specs().stream(), Stream.of(
        Spec.value("aeron-endpoint", "HOST:PORT", "this process's own UDP endpoint (default " + DEFAULT_ENDPOINT + ")"),
        Spec.value("aeron-dir", "DIR", "the embedded media driver's directory (default /dev/shm/canopy-swarm-PORT)"),
        Spec.value("leaves", "N", "check: the fleet's leaf count (the layout comes with each round's plan)"),
        Spec.value("rounds", "T", "rounds to take part in, then report and exit (default 3)"),
        Spec.value("rate", "R", "leaves per second at most; 0 for as fast as back pressure allows (default 0)"),
        Spec.value("byzantine", "FRACTION", "share of leaves that attack, in [0, 1) (default 0)"),
        Spec.value("attack", "NAME", "the attack of the Byzantine leaves (default sign-flip; see ./canopy demo --help)"),
        Spec.value("dropout", "P", "probability an invited leaf never answers (default 0)"),
        Spec.value("seed", "S", "seed of the synthetic updates and of the leaves' derived signing keys (default 42)"),
        Spec.value("signatures", "SCHEME", "leaf frame signatures: off (default), ed25519, ml-dsa-44 or ml-dsa-65; each"
            + " leaf signs with a key derived from (seed, leaf id), a load-test convenience, not security. The fleet"
            + " verifies them with leaf-signatures: required and a registry from ./canopy enroll --derived --scheme"
            + " SCHEME --swarm-seed S and the fleet's layout")))
        .toList();

    /** Serializes whole lines to stdout and stderr. */
    private static final Object PRINT = new Object();

    /** How long the swarm waits for a round to open before it gives up. */
    private static final Duration ROUND_WAIT = Duration.ofMinutes(10);

    @Override
    public String name() {
        return "swarm";
    }

    @Override
    public String summary() {
        return "a synthetic leaf swarm that sends real frames over UDP to a running fleet";
    }

    @Override
    public String help() {
        return Options.help("./canopy swarm --connect HOST:PORT [--tls DIR/NAME] [--rounds T] [--rate R] [--byzantine F] [--attack NAME]"
            + " [--dropout P] [--seed S] [--signatures SCHEME]", """
            A client of a running fleet (./canopy node): it asks a member's client gateway (--connect, the member's
            client-port) for each round as it opens and for the routes, sends every invited leaf's synthetic update
            to the UDP endpoint of the member that hosts its cluster as soon as that cluster collects the round, and
            never joins the cluster itself (against a fleet whose members run with tls, give --tls with a client
            certificate of that fleet: ./canopy fleet-ca --client NAME). Prints a progress line per second on stderr and, at the end of each
            round: frames sent, acknowledged (accepted by the clusters), rejected by reason, late, clusters that
            never opened, and the achieved rate.""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        FleetClient fleet = FleetClient.from(o);
        String endpoint = o.has("aeron-endpoint") ? o.get("aeron-endpoint") : DEFAULT_ENDPOINT;
        if (!endpoint.matches("[^:]+:\\d{1,5}")) {
            throw new UsageException("--aeron-endpoint must be HOST:PORT, got '" + endpoint + "'");
        }
        Path aeronDir = o.has("aeron-dir") ? Path.of(o.get("aeron-dir"))
            : Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir"),
                "canopy-swarm-" + endpoint.substring(endpoint.lastIndexOf(':') + 1));
        int rounds = o.intValue("rounds", 3, 1, 1_000_000);
        double rate = o.doubleValue("rate", 0);
        double byzantine = o.doubleValue("byzantine", 0);
        double dropout = o.doubleValue("dropout", 0);
        if (!(rate >= 0) || !(byzantine >= 0 && byzantine < 1) || !(dropout >= 0 && dropout < 1)) {
            throw new UsageException("--rate must be >= 0, --byzantine and --dropout in [0, 1)");
        }
        Attack attack;
        try {
            attack = o.has("attack") ? Attack.parse(o.get("attack")) : Attack.SIGN_FLIP;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--attack: " + e.getMessage());
        }
        long seed = Long.parseLong(o.has("seed") ? o.get("seed") : "42");
        SignatureScheme signatures = io.canopy.demo.RunOptions.signatures(o);
        long expectedLeaves = o.has("leaves") ? Long.parseLong(o.get("leaves")) : -1;

        CanopyTransport transport = null;
        try {
            RoundPlan first;
            try {
                first = awaitRound(fleet, -1, err);
            } catch (FleetClient.Refused e) {
                err.println("canopy swarm: " + e.getMessage());
                return FAILURE;
            }
            if (first == null) {
                err.println("canopy swarm: no round opened within " + ROUND_WAIT.toMinutes() + " minutes");
                return FAILURE;
            }
            if (expectedLeaves >= 0 && first.layout().leaves() != expectedLeaves) {
                throw new UsageException("--leaves " + expectedLeaves + " but the fleet has " + first.layout().leaves());
            }
            transport = CanopyTransport.start(new TransportContext().aeronDirectoryName(aeronDir.toString())
                .channel("aeron:udp?endpoint=" + endpoint)
                .maxFrameLength(GradientFrame.limits(0, FrameLimits.ANY_GROUP, first.dimension()).maxFrameLength()));
            SyntheticSwarm swarm = new SyntheticSwarm(new SwarmSpec(seed, first.dimension(), 1.0, 0.5, 0.5, byzantine,
                attack, Double.NaN, first.layout().clusterSize(), dropout, 200.0, 0.5));
            DerivedKeys keys = signatures == SignatureScheme.NONE ? null : swarm.keys(signatures, first.layout());
            synchronized (PRINT) {
                err.println("swarm leaf signatures: " + (keys == null ? "off (frames are unsigned)" : keys.describe()));
            }
            Map<String, LeafClient> clients = new ConcurrentHashMap<>();
            Map<String, io.canopy.transport.FramePublisher> publishers = new ConcurrentHashMap<>();
            RoundPlan plan = first;
            long fetched = -1;
            for (int r = 0; r < rounds; r++) {
                if (r > 0) {
                    try {
                        plan = awaitRound(fleet, plan.roundId(), err);
                    } catch (FleetClient.Refused e) {
                        err.println("canopy swarm: " + e.getMessage());
                        return FAILURE;
                    }
                    if (plan == null) {
                        err.println("canopy swarm: round " + (r + 1) + " of " + rounds + " never opened");
                        return FAILURE;
                    }
                }
                SwarmRound round = new SwarmRound(plan);
                if (plan.modelVersion() != fetched) {
                    String line = fetchModel(fleet, plan);
                    fetched = plan.modelVersion();
                    synchronized (PRINT) {
                        out.print(line);
                        out.flush();
                    }
                }
                // A cluster that has not opened by its hard deadline never will this round (its member is gone).
                long deadlineNs = System.nanoTime() + plan.cluster().policy().hardDeadline().toNanos();
                var ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(t -> {
                    Thread th = new Thread(t, "canopy-swarm-progress");
                    th.setDaemon(true);
                    return th;
                });
                // Progress (stderr) and the round's report (stdout) often share one pipe: each is written whole,
                // under one lock, so a reader never sees one line cut into another.
                ticker.scheduleAtFixedRate(() -> {
                    String line = String.format("swarm progress, round %d: sent %,d, dropped out %,d, clusters reported %d/%d%n",
                        round.round, round.sent.get(), round.dropped.get(), round.clustersReported(),
                        round.plan().layout().clusters());
                    synchronized (PRINT) {
                        err.print(line);
                        err.flush();
                    }
                }, 1, 1, TimeUnit.SECONDS);
                try {
                    round.send(transport, readiness(fleet, plan, err), swarm, keys, clients, publishers, rate, deadlineNs);
                    awaitReports(fleet, round);
                } finally {
                    ticker.shutdownNow();
                    ticker.awaitTermination(5, TimeUnit.SECONDS);
                }
                String report = report(round);
                synchronized (PRINT) {
                    out.print(report);
                    out.flush();
                }
            }
            return OK;
        } finally {
            if (transport != null) {
                transport.close();
            }
        }
    }

    /** Polls the gateway until a round after {@code after} is open, or {@link #ROUND_WAIT} has passed. */
    private static RoundPlan awaitRound(FleetClient fleet, long after, PrintStream err)
        throws InterruptedException, FleetClient.Refused {
        long deadline = System.nanoTime() + ROUND_WAIT.toNanos();
        String lastProblem = null;
        while (System.nanoTime() < deadline) {
            try {
                java.util.Optional<RoundPlan> open = fleet.round();
                if (open.isPresent() && open.get().roundId() > after) {
                    return open.get();
                }
            } catch (FleetClient.Refused e) {
                throw e; // a TLS refusal does not pass by itself: asking for ten minutes would only hide it
            } catch (IOException e) {
                if (!e.getMessage().equals(lastProblem)) {
                    err.println("canopy swarm: " + e.getMessage() + "; asking again");
                    lastProblem = e.getMessage();
                }
            }
            Thread.sleep(50); // polling, bounded by ROUND_WAIT
        }
        return null;
    }

    /**
     * Fetches the model version the round's plan names, as a leaf would before training on it, and says what arrived:
     * its SHA-256 (checked against the gateway's) or why it did not. The synthetic updates do not depend on it, so a
     * failed fetch is reported and the round goes on.
     */
    private static String fetchModel(FleetClient fleet, RoundPlan plan) {
        try {
            FleetClient.Model model = fleet.model(plan.modelVersion());
            return String.format("swarm model, round %d: v%d sha256 %s (%,d bytes)%n", plan.roundId(), model.version(),
                model.sha256(), model.npy().length);
        } catch (IOException e) {
            return String.format("swarm model, round %d: v%d not fetched: %s%n", plan.roundId(), plan.modelVersion(),
                e.getMessage());
        }
    }

    /** Routes and open clusters for {@code plan}'s round, as the gateway last said. */
    private static SwarmRound.Readiness readiness(FleetClient fleet, RoundPlan plan, PrintStream err) {
        int clusters = plan.layout().clusters();
        return new SwarmRound.Readiness() {
            private String[] routes = new String[clusters];
            private BitSet open = new BitSet();

            @Override
            public void refresh() {
                try {
                    routes = fleet.routes(clusters);
                    open = fleet.open(plan.roundId());
                } catch (IOException e) {
                    err.println("canopy swarm: " + e.getMessage() + "; asking again");
                }
            }

            @Override
            public String endpoint(int cluster) {
                return routes[cluster];
            }

            @Override
            public boolean open(int cluster) {
                return open.get(cluster);
            }
        };
    }

    /** How long the swarm still waits for reports once the next round has opened (a member lost its clusters). */
    private static final long AFTER_NEXT_ROUND_NS = 10_000_000_000L;

    /**
     * Until every cluster's report is settled (the gateway holds it, or knows the cluster passed the round without
     * one), or ten seconds after the next round opened (a cluster whose member was lost may never answer), or a
     * minute has passed. The gateway fetches from the clusters whatever its topic missed while this asks.
     */
    private static void awaitReports(FleetClient fleet, SwarmRound round) throws InterruptedException {
        long now = System.nanoTime();
        long waitUntil = now + 60_000_000_000L;
        int clusters = round.plan().layout().clusters();
        while (now < waitUntil) {
            try {
                round.reports(fleet.reports(round.round));
                if (round.clustersSettled() >= clusters) {
                    return;
                }
                java.util.Optional<RoundPlan> open = fleet.round();
                if (open.isPresent() && open.get().roundId() > round.round) {
                    waitUntil = Math.min(waitUntil, now + AFTER_NEXT_ROUND_NS);
                }
            } catch (IOException e) {
                // the next poll asks again (another gateway, if several were given)
            }
            Thread.sleep(100); // polling, bounded by waitUntil
            now = System.nanoTime();
        }
    }

    static String report(SwarmRound r) {
        StringBuilder rejected = new StringBuilder();
        for (int i = 0; i < r.rejected.length; i++) {
            if (r.rejected[i] > 0) {
                rejected.append(rejected.isEmpty() ? "" : ", ").append(IngestRejection.of(i)).append(' ').append(r.rejected[i]);
            }
        }
        double seconds = r.sendNanos / 1e9;
        return String.format("swarm round %d: sent %d, not sent %d, dropped out %d, acknowledged %d, late %d, rejected %s;"
                + " %d of %d clusters reported, %d ended the round without a report, %d never opened; %.0f leaves/s over %.3f s%n",
            r.round, r.sent.get(), r.notSent.get(), r.dropped.get(), r.acknowledged, r.late, rejected.isEmpty() ? "none" : rejected,
            r.clustersReported(), r.plan().layout().clusters(), r.unreported, r.neverOpened,
                seconds > 0 ? Math.floor(r.sent.get() / seconds) : 0, seconds);
    }
}
