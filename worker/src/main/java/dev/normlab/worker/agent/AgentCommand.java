package dev.normlab.worker.agent;

import dev.normlab.worker.data.FileAccess;
import dev.normlab.worker.engine.EngineCheckException;
import dev.normlab.worker.engine.EngineSelfCheck;
import dev.normlab.worker.training.LlamaRunTrainer;
import dev.normlab.worker.training.TrainerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code agent}: the node agent, training the runs a NormLab backend hands out until stopped. */
@Command(name = "agent",
        mixinStandardHelpOptions = true,
        description = "Claims queued runs from a NormLab backend and trains them: heartbeats, metric batches, "
                + "checkpoint reports, finish. SIGTERM (Ctrl-C) stops the current run after its checkpoint and hands "
                + "it back to the queue without spending a retry.")
public final class AgentCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    /** How long the SIGTERM hook waits for the current run to checkpoint and be released. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofMinutes(2);

    @Option(names = "--backend", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "Backend base URL (default: ${DEFAULT-VALUE}).")
    private URI backend;

    @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${sys:user.home}/.normlab/worker-token",
            description = "File holding the worker token (default: ${DEFAULT-VALUE}, written by the backend's first start).")
    private Path tokenFile;

    @Option(names = "--name", paramLabel = "NAME", description = "Worker name shown on its runs (default: the host name).")
    private String name;

    @Option(names = "--device", paramLabel = "cpu|gpu|auto", defaultValue = "auto",
            description = "Device to offer: auto picks a GPU when the engine sees one; gpu fails at once, naming the "
                    + "loaded libtorch, when it sees none (default: ${DEFAULT-VALUE}). The engine self-check runs first.")
    private String device;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.normlab/worker",
            description = "Runs train in <DIR>/runs/<id> (checkpoints, model, summary) (default: ${DEFAULT-VALUE}).")
    private Path workDir;

    @Option(names = "--data-root", paramLabel = "DIR", defaultValue = "${sys:user.home}/.normlab/data",
            description = "The only folder whose files a run spec may name (data.corpus, an hf: tokenizer); relative "
                    + "paths in a spec are resolved against it, and a path out of it ('..', elsewhere, a symbolic link "
                    + "out) fails the run as INVALID_SPEC. Created when missing (default: ${DEFAULT-VALUE}).")
    private Path dataRoot;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch intra-op threads on CPU (default: one per available core).")
    private Integer threads;

    @Option(names = "--claim-wait", paramLabel = "SECONDS", defaultValue = "20",
            description = "Seconds one claim may wait on the backend for a run (long poll, 0-60; default: ${DEFAULT-VALUE}).")
    private int claimWaitSeconds;

    @Option(names = "--once", description = "Exit after one run (for tests and scripts).")
    private boolean once;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (claimWaitSeconds < 0 || claimWaitSeconds > 60) {
            throw usageError("--claim-wait must be between 0 and 60, got " + claimWaitSeconds);
        }
        if (!device.matches("cpu|gpu|auto")) {
            throw usageError("--device must be cpu, gpu or auto, got '" + device + "'");
        }
        if (threads != null && threads < 1) {
            throw usageError("--threads must be >= 1, got " + threads);
        }
        BackendClient client;
        try {
            client = BackendClient.connect(backend, tokenFile);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw usageError("--token-file: " + e.getMessage());
        }
        FileAccess fileAccess; // before the engine, like the token: a bad folder fails at once
        try {
            Files.createDirectories(dataRoot);
            fileAccess = FileAccess.within(dataRoot);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw usageError("--data-root: cannot use " + dataRoot + " as the data root: " + e.getMessage());
        }
        // after the token: loading the engine takes a while, a missing token should fail at once
        WorkerCapabilities capabilities;
        try {
            capabilities = WorkerCapabilities.detect(name != null ? name : hostName(), device);
        } catch (EngineCheckException | IllegalArgumentException e) {
            // at once, before any claim: a GPU node without a usable GPU must not take runs (or restart quietly)
            throw usageError(e.getMessage());
        }
        LOG.info("worker '{}' engine self-check:\n{}", capabilities.name(), EngineSelfCheck.describe(capabilities.engine()));
        LOG.info("worker '{}': run specs may read files under {} only", capabilities.name(), fileAccess.root().orElseThrow());
        LlamaRunTrainer trainer = new LlamaRunTrainer(TrainerSettings.defaults().withThreads(threads)
                .withFileAccess(fileAccess));
        NodeAgent agent = new NodeAgent(client, trainer, capabilities, workDir, claimWaitSeconds);
        Thread hook = new Thread(() -> agent.shutdown(SHUTDOWN_GRACE), "normlab-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (agent.run(once) == AttemptEnding.WORKER_FAILED) {
                spec.commandLine().getErr().println("This worker stopped taking runs: its own resources failed (a full "
                        + "disk under " + workDir + "?); the run went back to the queue. Fix it and start the agent again.");
                return 3;
            }
        } catch (BackendException e) {
            spec.commandLine().getErr().println("The backend refused this worker: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
