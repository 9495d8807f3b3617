package dev.normlab.worker.cli;

import dev.normlab.api.worker.EngineReport;
import dev.normlab.worker.engine.EngineCheckException;
import dev.normlab.worker.engine.EngineSelfCheck;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code engine}: the agent's engine self-check alone, for a node's owner and for scripts ({@code --json}). */
@Command(name = "engine",
        mixinStandardHelpOptions = true,
        description = "Loads the PyTorch engine and checks the device: DJL and libtorch version, flavor (cpu, cu128, ...) "
                + "and path, GPU name and memory, a tensor round trip. Exit code 2 when the device cannot be used.")
public final class EngineCommand implements Callable<Integer> {

    @Option(names = "--device", paramLabel = "cpu|gpu|auto", defaultValue = "auto",
            description = "Device to check: auto picks a GPU when the engine sees one (default: ${DEFAULT-VALUE}).")
    private String device;

    @Option(names = "--json", description = "Print the report as JSON (the EngineReport the agent sends with its claims).")
    private boolean json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (!device.matches("cpu|gpu|auto")) {
            spec.commandLine().getErr().println("--device must be cpu, gpu or auto, got '" + device + "'");
            return Main.EXIT_INVALID;
        }
        EngineReport report;
        try {
            report = EngineSelfCheck.run(device);
        } catch (EngineCheckException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Main.EXIT_INVALID;
        }
        spec.commandLine().getOut().println(json ? JsonMapper.builder().build().writeValueAsString(report)
                : EngineSelfCheck.describe(report));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
