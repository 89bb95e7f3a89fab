package io.canopy.ops.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code ./canopy} sub-command. Implementations are found with {@link java.util.ServiceLoader},
 * so each module contributes its own commands (the launcher's class path holds every module).
 */
public interface CliCommand {

    /** Exit code: success. */
    int OK = 0;
    /** Exit code: the command ran and failed (a bug or an environment problem). */
    int FAILURE = 1;
    /** Exit code: bad arguments or unreadable input; nothing was written. */
    int USAGE = 2;

    /** The word after {@code ./canopy}. */
    String name();

    /** One line for {@code ./canopy --help}. */
    String summary();

    /** The full text for {@code ./canopy NAME --help}: synopsis and every flag. */
    String help();

    /**
     * The help for {@code ./canopy NAME ARGS --help}: lets a command with sub-commands answer
     * {@code ./canopy NAME SUB --help} with the sub-command's own flags. Defaults to {@link #help()}.
     */
    default String help(final List<String> args) {
        return help();
    }

    /**
     * Runs the command. Data goes to {@code out} (so {@code --json} output can be piped); progress and
     * errors to {@code err}.
     *
     * @throws UsageException for bad arguments or input, reported as one line with exit code 2
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
