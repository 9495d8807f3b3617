package dev.normlab.client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code normlab}: the REST API from a terminal or a script. One command per resource ({@code runs}, {@code projects},
 * {@code tokens}) plus {@code status}; every command prints a table or, with {@code --json}, the API's JSON.
 */
@Command(name = "normlab", mixinStandardHelpOptions = true, version = "normlab client 0.1.0",
        description = "Submit, follow and compare NormLab runs over the REST API.",
        subcommands = {RunsCommand.class, ProjectsCommand.class, TokensCommand.class, StatusCommand.class,
                CommandLine.HelpCommand.class},
        footer = ExitCodes.FOOTER)
public final class NormLabCli implements Runnable {

    final Map<String, String> env;
    final Path userHome;

    NormLabCli(Map<String, String> env, Path userHome) {
        this.env = env;
        this.userHome = userHome;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a command: runs, projects, tokens or status");
    }

    Api open(Connection connection) {
        return connection.open(env, userHome);
    }

    /** A command line with the API's errors printed as problem detail and field errors, and mapped to exit codes. */
    static CommandLine commandLine(Map<String, String> env, Path userHome) {
        CommandLine cli = new CommandLine(new NormLabCli(env, userHome));
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            PrintWriter err = command.getErr();
            if (e instanceof ApiError api) {
                for (String line : api.lines()) {
                    err.println("normlab: " + line);
                }
                err.flush();
                return api.exitCode();
            }
            throw e;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), Path.of(System.getProperty("user.home"))).execute(args));
    }
}
