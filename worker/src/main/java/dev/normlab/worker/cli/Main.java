package dev.normlab.worker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The worker's command line: {@code java -jar normlab-worker.jar <command>}. Each command is its own class,
 * listed here as a subcommand.
 */
@Command(name = "normlab-worker",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "NormLab worker: LLaMA pretraining on DJL with SinkGD, SWAN, AdamW or SGD.",
        subcommands = {
            TrainCommand.class,
            EngineCommand.class,
            dev.normlab.worker.agent.AgentCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:training failed (e.g. a non-finite loss)",
            "2:bad usage or an invalid spec (the message names the field)",
            "3:out of memory",
        })
public final class Main implements Runnable {

    /** Exit code of a run that failed in the training code. */
    public static final int EXIT_FAILED = 1;
    /** Exit code of bad usage or an invalid spec (picocli's usage-error code too). */
    public static final int EXIT_INVALID = 2;
    /** Exit code of a run that ran out of memory. */
    public static final int EXIT_OOM = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The version from the jar's manifest (absent when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"normlab-worker " + (v != null ? v : "(development build)")};
        }
    }
}
