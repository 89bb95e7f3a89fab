package io.canopy.node.tls;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.canopy.ops.cli.CliCommand;
import io.canopy.ops.cli.Options;
import io.canopy.ops.cli.Options.Spec;
import io.canopy.ops.cli.UsageException;

/** {@code ./canopy fleet-ca}: a fleet's certificate authority and its members' TLS certificates ({@link FleetCertificates}). */
public final class FleetCaCommand implements CliCommand {

    private static final List<Spec> SPECS = List.of(
        Spec.value("out", "DIR", "the fleet's certificate directory (required): ca/ and one directory per member"),
        Spec.value("members", "A,B,...", "create the CA in DIR/ca and a certificate for each member named (comma list)"),
        Spec.value("add", "NAME", "issue one more member's certificate from the CA already in DIR/ca"),
        Spec.value("client", "NAME", "issue a client's certificate (a swarm, ./canopy status: TLS client use only) from the"
            + " CA already in DIR/ca"));

    @Override
    public String name() {
        return "fleet-ca";
    }

    @Override
    public String summary() {
        return "create a fleet's certificate authority and its members' TLS certificates (mutual TLS between members)";
    }

    @Override
    public String help() {
        return Options.help("./canopy fleet-ca --out DIR (--members A,B,... | --add NAME | --client NAME)", """
            Makes, with the JDK's keytool, an EC P-256 certificate authority in DIR/ca and for each member a key pair
            and a certificate the CA signs for TLS server and client use, in DIR/NAME: member.p12 (key and chain),
            fleet-ca.p12 (the trust store: the CA alone) and password (owner-read only). Copy DIR/NAME to that member
            and start it with tls: DIR/NAME (or --tls DIR/NAME): members then speak TLS 1.3 to each other over Pekko's
            tls-tcp transport and accept only peers whose certificate this CA signed; their client gateways serve
            HTTPS and require a client certificate this CA signed. A swarm or ./canopy status then needs one:
            --client NAME issues it in DIR/NAME, same layout, for TLS client use only (it reads gateways, but can
            neither serve one nor join the fleet as a member); give it as --tls DIR/NAME. Keep DIR/ca off the
            members. Nothing is overwritten: an existing CA, member or client is refused (exit 2).""", SPECS);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parseFlags(SPECS, args);
        Path dir = Path.of(o.require("out"));
        if ((o.has("members") ? 1 : 0) + (o.has("add") ? 1 : 0) + (o.has("client") ? 1 : 0) != 1) {
            throw new UsageException("give one of --members A,B,... (a new fleet), --add NAME (one more member) or"
                + " --client NAME (a swarm's or status's certificate)");
        }
        FleetCertificates certificates = FleetCertificates.ofRunningJdk();
        try {
            if (o.has("members")) {
                List<String> members = Arrays.stream(o.get("members").split(",")).map(String::strip).toList();
                for (String m : members) {
                    FleetCertificates.checkName(m);
                }
                if (members.stream().distinct().count() != members.size()) {
                    throw new UsageException("--members names a member twice: " + o.get("members"));
                }
                certificates.createFleet(dir, members);
                out.println("fleet CA in " + dir.resolve("ca") + "; members: " + String.join(", ", members.stream()
                    .map(m -> dir.resolve(m).toString()).toList()));
            } else if (o.has("client")) {
                certificates.addClient(dir, o.get("client"));
                out.println("client " + o.get("client") + " in " + dir.resolve(o.get("client")) + " (give it as --tls "
                    + dir.resolve(o.get("client")) + ")");
            } else {
                certificates.addMember(dir, o.get("add"));
                out.println("member " + o.get("add") + " in " + dir.resolve(o.get("add")));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return OK;
    }
}
