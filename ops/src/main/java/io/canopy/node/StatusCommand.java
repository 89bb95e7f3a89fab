package io.canopy.node;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import io.canopy.global.GlobalCoordinator;
import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.format.Figures;
import org.apache.pekko.cluster.Member;

/**
 * {@code ./canopy status}: asks a member's client gateway ({@link ClientGateway}, never joining the cluster) for the
 * members with their roles and reachability and the coordinator's view of the current round.
 */
public final class StatusCommand implements CliCommand {

    private static final List<Spec> SPECS = java.util.stream.Stream.concat(FleetClient.specs().stream(),
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
        return Options.help("./canopy status --connect HOST:PORT [--tls DIR/NAME] [--timeout SECONDS]", """
            Asks a member's client gateway (its client-port; the process does not join the cluster) and prints every
            member with its roles, status and whether it is reachable, then the global coordinator's view: the
            round, its phase (collecting, closing, done), continents and clusters that have reported with the
            leaves they accepted, the model version and epsilon so far. A fleet whose members run with tls serves
            HTTPS only: give --tls with a certificate of that fleet (./canopy fleet-ca --client NAME). Exit code 1
            if no gateway or the coordinator answers in time, or at once if the gateways refuse this client's TLS
            (no --tls, or a certificate of another fleet).""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        FleetClient client = FleetClient.from(o);
        Duration timeout = Duration.ofSeconds(o.intValue("timeout", 20, 1, 3600));
        long deadline = System.nanoTime() + timeout.toNanos();
        FleetClient.Status status = null;
        IOException last = null;
        // Until a gateway answers with the coordinator's view, or the timeout: a fleet may still be starting.
        while (System.nanoTime() < deadline) {
            try {
                status = client.status();
                if (status.complete()) {
                    break;
                }
            } catch (FleetClient.Refused e) {
                err.println("canopy status: " + e.getMessage());
                return FAILURE;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200); // polling, bounded by the deadline
        }
        if (status == null) {
            err.println("canopy status: no client gateway answered within " + timeout.toSeconds() + " s ("
                + String.join(", ", client.gateways()) + (last == null ? "" : ": " + last.getMessage()) + ")");
            return FAILURE;
        }
        out.print(status.text());
        if (!status.complete()) {
            err.println("canopy status: the global coordinator did not answer within " + timeout.toSeconds() + " s");
            return FAILURE;
        }
        return OK;
    }

    /** The members as a member sees them: address, roles, status, reachability. */
    static String members(org.apache.pekko.cluster.typed.Cluster cluster) {
        StringBuilder text = new StringBuilder("members:\n");
        for (Member m : cluster.state().getMembers()) {
            boolean unreachable = cluster.state().getUnreachable().contains(m);
            text.append(String.format("  %-36s %-26s %-8s %s%n", m.address(), m.getRoles().stream()
                .filter(r -> !r.startsWith("dc-")).sorted().toList(), m.status(), unreachable ? "UNREACHABLE" : "reachable"));
        }
        return text.toString();
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
