package io.canopy.ops.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code ./canopy}: finds the sub-command and maps its outcome to an exit code. */
public final class CanopyCli {

    private static final Logger LOG = LoggerFactory.getLogger(CanopyCli.class);

    private CanopyCli() {
    }

    public static void main(final String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs one invocation and returns its exit code; never calls {@code System.exit}. */
    public static int run(final List<String> args, final PrintStream out, final PrintStream err) {
        final List<CliCommand> commands = commands();
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            if (args.size() > 1) {
                return run(List.of(args.get(1), "--help"), out, err);
            }
            out.print(overview(commands));
            return CliCommand.OK;
        }
        final String name = args.get(0);
        final CliCommand command = commands.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            err.println("canopy: unknown command '" + name + "'. Run ./canopy --help for the list.");
            return CliCommand.USAGE;
        }
        final List<String> rest = args.subList(1, args.size());
        if (Options.wantsHelp(rest)) {
            out.print(command.help(rest));
            return CliCommand.OK;
        }
        try {
            return command.run(rest, out, err);
        } catch (final UsageException e) {
            err.println("canopy " + name + ": " + e.getMessage());
            err.println("Run ./canopy " + name + " --help for usage.");
            return CliCommand.USAGE;
        } catch (final IllegalArgumentException e) {
            err.println("canopy " + name + ": " + e.getMessage());
            return CliCommand.USAGE;
        } catch (final Exception | OutOfMemoryError e) {
            LOG.error("canopy {} failed", name, e);
            err.println("canopy " + name + ": failed: " + e);
            return CliCommand.FAILURE;
        }
    }

    static List<CliCommand> commands() {
        final List<CliCommand> list = new ArrayList<>();
        ServiceLoader.load(CliCommand.class).forEach(list::add);
        list.sort(Comparator.comparing(CliCommand::name));
        return list;
    }

    static String overview(final List<CliCommand> commands) {
        final StringBuilder sb = new StringBuilder("""
            Canopy: hierarchical, Byzantine-robust, differentially private federated aggregation.

            Usage: ./canopy COMMAND [OPTIONS]      (./canopy COMMAND --help for its options)

            Commands:
            """);
        int width = "test".length();
        for (final CliCommand c : commands) {
            width = Math.max(width, c.name().length());
        }
        for (final CliCommand c : commands) {
            sb.append("  ").append(c.name()).append(" ".repeat(width - c.name().length() + 3)).append(c.summary())
                .append('\n');
        }
        sb.append("  test").append(" ".repeat(width - 1)).append("run the whole test suite (mvn verify under JDK 25)\n");
        sb.append("  fuzz").append(" ".repeat(width - 1)).append("long fuzz runs of every parser: frames, .npy, ledgers, control"
            + " messages, config (--cases N)\n");
        sb.append("  build").append(" ".repeat(width - 2)).append("rebuild now (the launcher rebuilds by itself when sources change)\n");
        return sb.toString();
    }
}
