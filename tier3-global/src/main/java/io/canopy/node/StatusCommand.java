package io.canopy.node;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.canopy.global.GlobalCoordinator;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;
import io.canopy.ops.format.Figures;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * {@code ./canopy status}: joins the fleet briefly as a member with the role {@code status} (it hosts nothing),
 * prints the members with their roles and reachability and the coordinator's view of the current round, then
 * leaves.
 */
public final class StatusCommand implements CliCommand {

    private static final int DEFAULT_PORT = 2598;
    private static final List<Spec> SPECS = java.util.stream.Stream.concat(FleetVisitor.specs(DEFAULT_PORT).stream(),
        java.util.stream.Stream.of(Spec.value("timeout", "SECONDS", "how long to wait for the fleet and the coordinator"
            + " (default 20)"))).toList();

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show a running fleet: members, roles, reachability, the current round and each tier's progress";
    }

    @Override
    public String help() {
        return Options.help("./canopy status --connect HOST:PORT [--port P] [--timeout SECONDS]", """
            Joins the fleet as a short-lived member (role status; it hosts no tier), and prints every member with its
            roles, status and whether it is reachable, then the global coordinator's view: the round, its phase
            (collecting, closing, done), continents and clusters that have reported with the leaves they accepted,
            the model version and epsilon so far. Exit code 1 if the fleet or the coordinator does not answer in
            time.""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse(SPECS, args);
        if (!o.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + o.positional().getFirst() + "'");
        }
        FleetVisitor visitor = FleetVisitor.from(o, DEFAULT_PORT, "status");
        String connect = visitor.connect();
        Duration timeout = Duration.ofSeconds(o.intValue("timeout", 20, 1, 3600));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), NodeSettings.SYSTEM,
            visitor.config()
                // A short visit: leaving closes connections the members then report as aborted; not worth a warning.
                .withFallback(com.typesafe.config.ConfigFactory.parseString(
                    "pekko.coordinated-shutdown.exit-jvm = off\npekko.loglevel = ERROR")));
        try {
            Cluster cluster = Cluster.get(system);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (cluster.selfMember().status() != MemberStatus.up() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (cluster.selfMember().status() != MemberStatus.up()) {
                err.println("canopy status: could not join the fleet through " + connect + " within " + timeout.toSeconds()
                    + " s");
                return FAILURE;
            }
            Thread.sleep(500); // let the membership view settle
            out.println("members:");
            for (Member m : cluster.state().getMembers()) {
                boolean unreachable = cluster.state().getUnreachable().contains(m);
                out.printf("  %-36s %-26s %-8s %s%n", m.address(), m.getRoles().stream().filter(r -> !r.startsWith("dc-"))
                    .sorted().toList(), m.status(), unreachable ? "UNREACHABLE" : "reachable");
            }
            ActorRef<GlobalCoordinator.Command> coordinator = ClusterSingleton.get(system).init(
                SingletonActor.of(Behaviors.<GlobalCoordinator.Command>empty(), "global-coordinator")
                    .withSettings(ClusterSingletonSettings.create(system).withRole("global")));
            CompletionStage<GlobalCoordinator.Status> asked = AskPattern.ask(coordinator, GlobalCoordinator.GetStatus::new,
                Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), system.scheduler());
            GlobalCoordinator.Status s;
            try {
                s = asked.toCompletableFuture().get(timeout.toSeconds() + 1, TimeUnit.SECONDS);
            } catch (Exception e) {
                err.println("canopy status: the global coordinator did not answer within " + timeout.toSeconds() + " s");
                return FAILURE;
            }
            out.print(describe(s));
            return OK;
        } finally {
            system.terminate(); // coordinated shutdown: leaves the cluster first
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    static String describe(GlobalCoordinator.Status s) {
        return String.format("""
                coordinator (journal %s):
                  round %d %s; model v%d; %d round(s) left
                  global       %d of %d continents reported (%d failed)
                  continental  %d of %d clusters reported (%d released)
                  cluster      %,d leaves accepted of %,d invited (%,d late, %,d left out by Multi-Krum)
                  epsilon so far %s
                """, s.journal(), s.roundId(), s.phase(), s.modelVersion(), s.roundsLeft(), s.continentsReported(),
            s.continentsExpected(), s.continentsFailed(), s.leaves().clustersReported(), s.clustersExpected(),
            s.leaves().clustersReleased(), s.leaves().accepted(), s.leaves().invited(), s.leaves().late(),
            s.leaves().krumRejected(), Double.isInfinite(s.epsilon()) ? "inf" : Figures.up(s.epsilon(), 4));
    }
}
